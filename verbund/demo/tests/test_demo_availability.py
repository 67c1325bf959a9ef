"""The demo commitments and outages on the minimal federation: one late maintenance, outages across both DST
switches, everything marked as demo; a second run changes nothing."""

import datetime as dt

import pytest

from verbund.availability import selectors
from verbund.availability.models import Commitment, Outage
from verbund.core.models import AuditEvent
from verbund.demo.availability import load_demo_availability
from verbund.demo.tests.test_demo_catalogue import federation  # noqa: F401  (shared fixture)
from verbund.demo.tests.test_demo_costing import _load_all


@pytest.mark.django_db
def test_demo_availability_is_marked_and_idempotent(federation):  # noqa: F811
    _load_all()
    first = load_demo_availability()
    # Ten demo outages; the minimal federation may lack a subscriber for the one-member outage of OZG-020.
    assert first["commitments"] > 0 and first["outages"] == Outage.objects.count() >= 9
    assert not Commitment.objects.filter(demo=False).exists()
    assert not Outage.objects.filter(demo=False).exists()
    late = Outage.objects.get(reference__startswith="CHG-2026-021")
    assert late.start - late.announced_at < dt.timedelta(days=5)
    report = selectors.system_report(year=2026, as_of=dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
    assert report.results  # the demo members' 2026 figures
    assert any(result.total.downtime_seconds > 0 for result in report.results.values())

    counts = (Commitment.objects.count(), Outage.objects.count(), AuditEvent.objects.count())
    assert load_demo_availability() == {"commitments": 0, "outages": 0}
    assert counts == (Commitment.objects.count(), Outage.objects.count(), AuditEvent.objects.count())
