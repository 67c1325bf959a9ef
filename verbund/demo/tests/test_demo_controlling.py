"""The demo management contract on the minimal federation (see test_demo_costing): Münster – citeq with nine
goals, manual values for 2024 and 2025, the 2025 report with the Betriebsausschuss; a second run changes nothing."""

import pytest

from verbund.controlling.models import Contract, Goal, Kpi, Measurement, Report, Target
from verbund.core.models import AuditEvent
from verbund.demo.controlling import NAME, load_demo_controlling
from verbund.demo.tests.test_demo_catalogue import federation  # noqa: F401  (shared fixture)
from verbund.demo.tests.test_demo_costing import _load_all
from verbund.governance.models import AgendaItem, Meeting, Paper

MODELS = (Contract, Goal, Kpi, Target, Measurement, Report, Paper, AgendaItem, Meeting, AuditEvent)


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.mark.django_db
def test_demo_contract_with_nine_goals_values_and_report_is_idempotent(federation):  # noqa: F811
    _load_all()
    load_demo_controlling()
    contract = Contract.objects.get(name=NAME)
    assert (contract.status, contract.demo, contract.city.ags) == ("effective", True, "05515000")
    goals = list(contract.goals.all())
    assert len(goals) == 9
    assert all(goal.kpis.count() >= 2 for goal in goals)
    manual = Measurement.objects.filter(kpi__goal__contract=contract, source_kind="manual")
    assert set(manual.values_list("year", flat=True)) == {2024, 2025}
    assert all(m.demo for m in Measurement.objects.filter(kpi__goal__contract=contract))
    per_post = Measurement.objects.get(kpi__code="SM_PER_POST", year=2025)
    assert per_post.value == (Measurement.objects.get(kpi__code="SM_REACH", year=2025).value / 190).quantize(
        per_post.value
    )
    report = Report.objects.get(contract=contract, year=2025)
    assert report.paper.subject_kind == "management_report" and report.agenda_item.meeting.committee.short_name == "BA"
    assert len(report.snapshot["goals"]) == 9
    before = _counts()
    load_demo_controlling()
    assert _counts() == before
