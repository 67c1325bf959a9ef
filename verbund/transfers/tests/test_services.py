"""Transfer services: validation per field, permissions, the bodies' resolutions, execution (effect, audit,
idempotence, atomic rollback) and the refusal of an order on a product transferred meanwhile."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from verbund.catalog.models import CatalogueVersion, PriceRevision, Product
from verbund.core.models import AuditEvent
from verbund.core.testing.endpoints import database_state
from verbund.orders.models import Subscription
from verbund.transfers import services
from verbund.transfers.models import MovedSubscription, ServiceTransfer, TransferNotice


def _create(setup, **overrides):
    values = {
        "actor": setup["pm_opco"],
        "from_provider": setup["citeq"],
        "to_provider": setup["opco"],
        "effective_date": dt.date(2026, 7, 1),
        "products": [setup["workplace"]],
        "bodies": [setup["za"]],
    }
    values.update(overrides)
    return services.transfer_create(**values)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (lambda s: {"from_provider": s["telgte"]}, "from_provider"),
        (lambda s: {"to_provider": s["citeq"]}, "to_provider"),
        (lambda s: {"to_provider": s["ahlen"]}, "to_provider"),
        (lambda s: {"products": []}, "products"),
        (lambda s: {"products": [s["draft"]]}, "products"),
        (lambda s: {"scope": "family"}, "family"),
        (lambda s: {"scope": "everything"}, "scope"),
        (lambda s: {"prices": {s["workplace"].pk: "-1"}}, "prices"),
        (lambda s: {"prices": {s["workplace"].pk: "1.23456"}}, "prices"),
        (lambda s: {"prices": {s["workplace"].pk: "abc"}}, "prices"),
        (lambda s: {"prices": {s["ozg"].pk: "1"}}, "prices"),
        (lambda s: {"numbers": {s["workplace"].pk: "OZ-200"}}, "numbers"),
        (lambda s: {"numbers": {s["workplace"].pk: "X" * 21}}, "numbers"),
        (lambda s: {"bodies": []}, "bodies"),
        (lambda s: {"bodies": [s["advisory"]]}, "bodies"),
        (lambda s: {"effective_date": dt.date(1999, 12, 31)}, "effective_date"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(setup, overrides, field):
    before = database_state()
    with pytest.raises(ValidationError) as caught:
        _create(setup, **overrides(setup))
    assert field in caught.value.message_dict
    assert database_state() == before


def test_a_product_manager_of_another_provider_cannot_transfer(setup):
    with pytest.raises(ValidationError) as caught:
        _create(setup, actor=setup["pm_kaaw"])
    assert "from_provider" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        _create(setup, actor=setup["alice"])
    assert not ServiceTransfer.objects.exists()
    assert _create(setup, actor=setup["pm_citeq"]).status == "draft"  # the transferring provider's manager


def test_a_product_in_an_open_transfer_cannot_be_proposed_again(setup, proposed):
    with pytest.raises(ValidationError) as caught:
        _create(setup)
    assert "products" in caught.value.message_dict


def test_create_takes_the_approved_price_and_writes_an_audit_event(setup):
    transfer = _create(setup, scope="family", family=setup["family"], products=[])
    items = {i.product.number: i for i in transfer.items.select_related("product")}
    assert set(items) == {"AP-100", "OZ-200"}  # the family's approved products of citeq, not the draft
    assert items["AP-100"].unit_price == Decimal("1200.0000") == items["AP-100"].source_price
    assert items["AP-100"].new_number == "MIB-AP-100"
    event = AuditEvent.objects.get(object_id=str(transfer.pk), content_type__model="servicetransfer", action="create")
    assert event.after["bodies"] == ["Zentralausschuss"]


def test_portfolio_takes_every_product_of_the_provider(setup):
    transfer = _create(setup, scope="portfolio", products=[])
    assert transfer.items.count() == 2


def test_every_body_must_adopt_and_only_once(setup, proposed):
    za, gv = setup["za"], setup["gv"]
    day = dt.date(2026, 5, 1)
    with pytest.raises(ValidationError) as caught:
        services.transfer_body_adopt(
            actor=None, transfer=proposed, committee=setup["advisory"], decision_reference="AA-1", adopted_on=day
        )
    assert "committee" in caught.value.message_dict
    first = services.transfer_body_adopt(
        actor=None, transfer=proposed, committee=za, decision_reference="ZA-1", adopted_on=day
    )
    assert first.status == "proposed"
    with pytest.raises(ValidationError):
        services.transfer_body_adopt(
            actor=None, transfer=proposed, committee=za, decision_reference="ZA-2", adopted_on=day
        )
    done = services.transfer_body_adopt(
        actor=None, transfer=proposed, committee=gv, decision_reference="GV-1", adopted_on=dt.date(2026, 5, 3)
    )
    assert done.status == "adopted"
    assert done.decision_reference == "ZA-1; GV-1"
    assert done.adopted_on == dt.date(2026, 5, 3)


def test_the_governance_handler_records_the_deciding_committee(setup, proposed):
    from verbund.governance.subjects import HANDLERS

    handler = HANDLERS["service_transfer"]
    assert handler.is_open(proposed)
    handler.approve(None, proposed, "ZA-2026-007", dt.date(2026, 5, 1), setup["za"])
    proposed.refresh_from_db()
    assert handler.is_open(proposed)  # the Gesellschafterversammlung has not decided yet
    handler.approve(None, proposed, "GV-2026-002", dt.date(2026, 5, 2), setup["gv"])
    proposed.refresh_from_db()
    assert not handler.is_open(proposed)
    assert proposed.status == "adopted"


def test_execution_refuses_before_the_effective_date_and_before_adoption(setup, proposed):
    with pytest.raises(ValidationError) as caught:
        services.transfer_execute(actor=None, transfer=proposed, as_of=dt.date(2026, 7, 1))
    assert "status" in caught.value.message_dict
    services.transfer_body_adopt(
        actor=None, transfer=proposed, committee=setup["za"], decision_reference="ZA-1", adopted_on=dt.date(2026, 5, 1)
    )
    services.transfer_body_adopt(
        actor=None, transfer=proposed, committee=setup["gv"], decision_reference="GV-1", adopted_on=dt.date(2026, 5, 1)
    )
    with pytest.raises(ValidationError) as caught:
        services.transfer_execute(actor=None, transfer=proposed, as_of=dt.date(2026, 6, 30))
    assert "effective_date" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        services.transfer_execute(actor=setup["pm_opco"], transfer=proposed, as_of=dt.date(2026, 7, 1))


def test_execution_moves_product_subscriptions_and_informs_members(setup, adopted):
    telgte_sub, ahlen_sub, ended = setup["subs"]["telgte"], setup["subs"]["ahlen"], setup["subs"]["ended"]
    done = services.transfer_execute(actor=setup["admin"], transfer=adopted, as_of=dt.date(2026, 7, 1))
    assert done.status == "executed" and done.moved_subscriptions == 2
    new = Product.objects.get(number="MIB-AP-100")
    assert new.origin_provider == setup["citeq"] and new.status == "active"
    version = CatalogueVersion.objects.get(provider=setup["opco"], year=2026)
    assert version.status == "approved" and version.items.filter(product=new).exists()
    price = PriceRevision.objects.get(product=new)
    assert (price.unit_price, price.valid_from, price.status) == (Decimal("1260.0000"), dt.date(2026, 7, 1), "approved")
    assert Product.objects.get(pk=setup["workplace"].pk).status == "retired"
    telgte_sub.refresh_from_db()
    assert telgte_sub.end_date == dt.date(2026, 6, 30) and telgte_sub.version == 2
    moved = MovedSubscription.objects.get(old_subscription=telgte_sub)
    continued = moved.new_subscription
    assert (continued.product, continued.start_date, continued.end_date) == (new, dt.date(2026, 7, 1), None)
    rows = [(q.valid_from, q.quantity) for q in continued.quantities.order_by("valid_from")]
    assert rows == [(dt.date(2026, 7, 1), Decimal("10.00")), (dt.date(2026, 9, 1), Decimal("12.00"))]
    old_rows = [(q.valid_from, q.quantity) for q in telgte_sub.quantities.all()]
    assert old_rows == [(dt.date(2026, 1, 1), 10), (dt.date(2026, 9, 1), 12)]  # the history stays as it was
    ahlen_sub.refresh_from_db()
    assert ahlen_sub.end_date == dt.date(2026, 6, 30)
    ended.refresh_from_db()
    assert ended.end_date == dt.date(2026, 3, 31) and ended.version == 1  # ended before: not touched
    assert set(TransferNotice.objects.values_list("member__name", flat=True)) == {"Telgte, Stadt", "Ahlen, Stadt"}
    events = AuditEvent.objects.filter(content_type__model="subscription")
    assert events.filter(action="update", object_id=str(telgte_sub.pk)).exists()
    assert events.filter(
        action="create", object_id=str(continued.pk), scope_organization_id=setup["telgte"].pk
    ).exists()
    assert AuditEvent.objects.filter(
        content_type__model="servicetransfer", object_id=str(done.pk), after__status="executed"
    ).exists()


def test_execution_adds_to_an_approved_receiving_catalogue(setup, adopted):
    from verbund.catalog.models import CatalogueVersionItem
    from verbund.catalog.services import (
        catalogue_version_approve,
        catalogue_version_create,
        catalogue_version_propose,
        price_revision_create,
        product_create,
        product_transition,
    )

    own = product_create(
        actor=None, number="MIB-1", name="Eigenes", family=setup["family"], category="consulting", unit="hour"
    )
    product_transition(actor=None, product=own, to_status="proposed")
    revision = price_revision_create(actor=None, product=own, valid_from=dt.date(2026, 1, 1), unit_price=Decimal("90"))
    version = catalogue_version_create(actor=None, provider=setup["opco"], year=2026, name="Katalog 2026")
    CatalogueVersionItem.objects.create(version=version, product=own, price_revision=revision)
    catalogue_version_propose(actor=None, version=version)
    catalogue_version_approve(actor=None, version=version, decision_reference="GV 1", approved_on=dt.date(2026, 1, 1))
    services.transfer_execute(actor=None, transfer=adopted, as_of=dt.date(2026, 7, 2))
    assert CatalogueVersion.objects.filter(provider=setup["opco"]).count() == 1
    assert version.items.count() == 2
    new = Product.objects.get(number="MIB-AP-100")
    assert new.status == "active" and PriceRevision.objects.get(product=new).catalogue_version == version


def test_executing_twice_changes_nothing(setup, adopted):
    services.transfer_execute(actor=None, transfer=adopted, as_of=dt.date(2026, 7, 1))
    before = database_state()
    again = services.transfer_execute(actor=None, transfer=adopted, as_of=dt.date(2026, 8, 1))
    assert again.status == "executed"
    assert database_state() == before


def test_a_failure_half_way_leaves_everything_as_it_was(setup, adopted, monkeypatch):
    from verbund.transfers.services import execution

    def broken(actor, product):
        raise RuntimeError("disk full")

    monkeypatch.setattr(execution, "_retire", broken)  # after the product copy and the subscriptions moved
    before = database_state()
    with pytest.raises(RuntimeError):
        services.transfer_execute(actor=None, transfer=adopted, as_of=dt.date(2026, 7, 1))
    assert database_state() == before


def test_a_subscription_starting_after_the_effective_date_moves_whole(setup, adopted):
    from verbund.transfers.tests.conftest import subscribe

    later = subscribe(setup["kreis"], setup["workplace"], dt.date(2026, 8, 1), [(dt.date(2026, 8, 1), "2")])
    services.transfer_execute(actor=None, transfer=adopted, as_of=dt.date(2026, 7, 1))
    later.refresh_from_db()
    assert later.product.number == "MIB-AP-100" and later.start_date == dt.date(2026, 8, 1)


def test_an_order_confirmed_after_the_transfer_is_refused(setup, adopted, english):
    from verbund.orders.models import Order
    from verbund.orders.services import order_confirm

    order = Order.objects.create(
        number="B-2026-000099",
        member=setup["kreis"],
        product=setup["workplace"],
        quantity=Decimal(3),
        effective_date=dt.date(2026, 6, 1),
    )
    services.transfer_execute(actor=None, transfer=adopted, as_of=dt.date(2026, 7, 1))
    with pytest.raises(ValidationError) as caught:
        order_confirm(actor=setup["admin"], order=order)
    assert "retired" in str(caught.value)
    assert not Subscription.objects.filter(member=setup["kreis"]).exists()


def test_reject(setup, proposed):
    with pytest.raises(ValidationError) as caught:
        services.transfer_reject(actor=setup["pm_opco"], transfer=proposed, reason=" ")
    assert "rejection_reason" in caught.value.message_dict
    rejected = services.transfer_reject(actor=setup["pm_opco"], transfer=proposed, reason="Nicht wirtschaftlich")
    assert rejected.status == "rejected"
    with pytest.raises(ValidationError):
        services.transfer_reject(actor=setup["pm_opco"], transfer=proposed, reason="again")


def test_the_command_executes_what_is_due(setup, adopted):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("transfers-execute", "--as-of", "2026-06-30", stdout=out)
    assert ServiceTransfer.objects.get(pk=adopted.pk).status == "adopted"
    call_command("transfers-execute", "--as-of", "2026-07-01", stdout=out)
    assert ServiceTransfer.objects.get(pk=adopted.pk).status == "executed"
    call_command("transfers-execute", "--as-of", "2026-07-02", "--transfer", str(adopted.pk), stdout=out)  # again
    assert MovedSubscription.objects.count() == 2


def test_the_job_executes_the_transfer(setup, adopted, monkeypatch):
    from verbund.jobs.services import job_start
    from verbund.transfers import tasks

    monkeypatch.setattr(tasks.timezone, "localdate", lambda: dt.date(2026, 7, 1))
    job = job_start(actor=setup["admin"], kind=tasks.TRANSFER_EXECUTE, subject=adopted)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    assert ServiceTransfer.objects.get(pk=adopted.pk).status == "executed"


def test_execution_makes_moved_members_parties_of_the_receiving_agreement(setup, adopted):
    """Kreis Warendorf has the product but is no party of the operating company's agreement: with the transfer its
    contract passes to the receiving provider, so it becomes a party from the effective date (ADR 0043); the
    parties it already has stay as they are, and a second execution adds nothing."""
    from verbund.registry.models import AgreementParty
    from verbund.transfers.tests.conftest import subscribe

    kreis = setup["kreis"]
    subscribe(kreis, setup["workplace"], dt.date(2026, 2, 1), [(dt.date(2026, 2, 1), "3")])
    from verbund.transfers.selectors import transfer_preview

    preview = transfer_preview(transfer=adopted)
    assert preview.agreement == setup["opco_agreement"] and preview.not_in_agreement == [kreis]
    before = {p.pk: p.joined_on for p in AgreementParty.objects.filter(agreement=setup["opco_agreement"])}
    executed = services.transfer_execute(actor=setup["admin"], transfer=adopted, as_of=dt.date(2026, 7, 1))
    party = AgreementParty.objects.get(agreement=setup["opco_agreement"], organization=kreis)
    assert (party.status, party.joined_on) == ("approved", dt.date(2026, 7, 1))
    assert "ZA-2026-004" in party.committee_decision_ref
    assert AuditEvent.objects.filter(object_id=str(party.pk), action="create").exists()
    after = {p.pk: p.joined_on for p in AgreementParty.objects.filter(agreement=setup["opco_agreement"])}
    assert after == {**before, party.pk: dt.date(2026, 7, 1)}
    services.transfer_execute(actor=setup["admin"], transfer=executed, as_of=dt.date(2026, 7, 2))
    assert AgreementParty.objects.filter(agreement=setup["opco_agreement"]).count() == len(after)


def test_accessions_of_moved_members_take_the_same_queries_for_any_number(setup, adopted):
    """The bench found one query per new party (its audit event named the organisation): no more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from verbund.registry.models import AgreementParty, Organization
    from verbund.registry.services import organization_create
    from verbund.transfers.services.execution import _accede_members

    def towns(prefix, n):
        return {organization_create(actor=None, name=f"{prefix} {i}", kind="association").pk for i in range(n)}

    counts = []
    for prefix, n in (("Klein", 2), ("Groß", 7)):
        ids = towns(prefix, n)
        with CaptureQueriesContext(connection) as queries:
            assert _accede_members(None, adopted, ids) == n
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert AgreementParty.objects.filter(organization__in=Organization.objects.filter(name__startswith="Groß")).count()
