"""Services and selectors against the database: commitments, outages, the report of a member."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from verbund.availability import selectors, services
from verbund.availability.models import Commitment, Outage
from verbund.core.models import AuditEvent

BERLIN = ZoneInfo("Europe/Berlin")
AS_OF = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
FEBRUARY_2026_WEEKDAYS = 20  # no public holiday in NRW


def test_report_of_a_member_counts_the_outage_inside_service_time(outage, alice, commitments):
    report = selectors.availability_report(user=alice, year=2026, as_of=AS_OF)
    assert set(report.members) == {alice.organization_id}
    rows = {product.number: result for product, result, _c in report.member_rows(alice.organization_id)}
    february = rows["AP-100"].months[1]
    assert february.agreed_seconds == FEBRUARY_2026_WEEKDAYS * 11 * 3600
    assert february.downtime_seconds == 7200
    assert rows["OZ-200"].months[1].downtime_seconds == 0
    assert report.member_outages(alice.organization_id) == [outage]


def test_member_specific_outage_and_override(registry, commitments, subscribed, alice, bob):
    services.commitment_set(
        actor=None,
        provider=registry["citeq"],
        product=subscribed["workplace"],
        member=registry["telgte"],
        valid_from=dt.date(2025, 1, 1),
        service_hours="24x7",
        exclude_holidays=False,
        target_month=Decimal("99"),
        target_year=Decimal("99"),
    )
    services.outage_record(
        actor=None,
        provider=registry["citeq"],
        kind="outage",
        start=dt.datetime(2026, 3, 7, 10, tzinfo=BERLIN),  # a Saturday
        end=dt.datetime(2026, 3, 7, 11, tzinfo=BERLIN),
        products=[subscribed["workplace"]],
        members=[registry["telgte"]],
    )
    telgte = selectors.availability_report(user=alice, year=2026, as_of=AS_OF)
    march = {p.number: r for p, r, _c in telgte.member_rows(alice.organization_id)}["AP-100"].months[2]
    assert march.downtime_seconds == 3600  # 24x7 for Telgte: Saturday counts
    assert march.agreed_seconds == 31 * 86400 - 3600
    ahlen = selectors.availability_report(user=bob, year=2026, as_of=AS_OF)
    assert ahlen.member_outages(bob.organization_id) == []
    assert {p.number: r for p, r, _c in ahlen.member_rows(bob.organization_id)}["AP-100"].months[
        2
    ].downtime_seconds == 0


def test_member_contact_sees_only_its_own_outages_and_report(registry, commitments, subscribed, alice, bob):
    telgte_only = services.outage_record(
        actor=None,
        provider=registry["citeq"],
        kind="outage",
        start=dt.datetime(2026, 3, 9, 10, tzinfo=BERLIN),
        end=dt.datetime(2026, 3, 9, 11, tzinfo=BERLIN),
        products=[subscribed["workplace"]],
        members=[registry["telgte"]],
    )
    assert list(selectors.outage_list(user=bob)) == []
    assert list(selectors.outage_list(user=alice)) == [telgte_only]
    with pytest.raises(Exception):  # noqa: B017  (Http404)
        selectors.member_get_for_user(user=bob, member_id=registry["telgte"].pk)


def test_commitment_set_refuses_unreadable_service_time_and_writes_nothing(registry, subscribed):
    with pytest.raises(ValidationError) as error:
        services.commitment_set(
            actor=None,
            provider=registry["citeq"],
            product=subscribed["workplace"],
            valid_from=dt.date(2026, 1, 1),
            service_hours="weekdays mornings",
            target_month=Decimal("99"),
            target_year=Decimal("99"),
        )
    assert "service_hours" in error.value.message_dict
    assert not Commitment.objects.exists()


def test_commitments_initialise_from_the_catalogue_is_idempotent(registry, subscribed):
    created = services.commitments_initialise(actor=None, provider=registry["citeq"], valid_from=dt.date(2026, 1, 1))
    assert [c.product.number for c in created] == ["AP-100"]  # the only product with a target availability
    commitment = created[0]
    assert commitment.service_hours == "Mon-Fri 07:00-18:00"  # from "Mo–Fr 7–18 Uhr"
    assert commitment.exclude_holidays is True
    assert commitment.target_month == Decimal("99.50")
    events = AuditEvent.objects.count()
    assert services.commitments_initialise(actor=None, provider=registry["citeq"], valid_from=dt.date(2026, 1, 1)) == []
    assert AuditEvent.objects.count() == events


def test_outage_record_refuses_end_before_start(registry, subscribed):
    with pytest.raises(ValidationError) as error:
        services.outage_record(
            actor=None,
            provider=registry["citeq"],
            kind="outage",
            start=dt.datetime(2026, 3, 9, 10, tzinfo=BERLIN),
            end=dt.datetime(2026, 3, 9, 9, tzinfo=BERLIN),
            products=[subscribed["workplace"]],
        )
    assert "end" in error.value.message_dict
    assert not Outage.objects.exists()


def test_outage_end_closes_a_running_outage(registry, subscribed):
    running = services.outage_record(
        actor=None,
        provider=registry["citeq"],
        kind="outage",
        start=dt.datetime(2026, 3, 9, 10, tzinfo=BERLIN),
        end=None,
        products=[subscribed["workplace"]],
    )
    services.outage_end(actor=None, outage=running, end=dt.datetime(2026, 3, 9, 12, tzinfo=BERLIN))
    running.refresh_from_db()
    assert running.end == dt.datetime(2026, 3, 9, 11, tzinfo=dt.UTC)


def test_outage_record_refuses_a_naive_start_beside_an_aware_end(registry, subscribed):
    with pytest.raises(ValidationError) as error:
        services.outage_record(
            actor=None,
            provider=registry["citeq"],
            kind="outage",
            start=dt.datetime(2026, 3, 9, 10),  # noqa: DTZ001  (naive on purpose)
            end=dt.datetime(2026, 3, 9, 12, tzinfo=BERLIN),
            products=[subscribed["workplace"]],
        )
    assert set(error.value.message_dict) == {"start"}
    assert not Outage.objects.exists()
