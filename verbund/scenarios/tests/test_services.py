"""Services of the scenarios app: scenarios from their kind, calculation through the costing engine, refusals
that change nothing, the seeded risk run, weights."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from verbund.core.models import AuditEvent
from verbund.scenarios import services
from verbund.scenarios.choices import ScenarioKind, ScenarioStatus
from verbund.scenarios.models import Criterion, Scenario, ScenarioMemberFee, ScenarioMove, WeightSet


def test_a_holding_moves_in_stages_and_a_cooperation_only_the_infrastructure(world, analyst):
    holding = services.scenario_create(actor=analyst, name="H", kind=ScenarioKind.HOLDING, first_year=2028, stages=3)
    years = {m.item.code: m.year for m in ScenarioMove.objects.filter(scenario=holding)}
    assert years == {"CQ-DC": 2028, "KA-DC": 2028, "CQ-REG": 2030, "KA-FIN": 2030}
    coop = services.scenario_create(actor=analyst, name="K", kind=ScenarioKind.COOPERATION, first_year=2027)
    assert {m.item.code for m in ScenarioMove.objects.filter(scenario=coop)} == {"CQ-DC", "KA-DC"}
    entity = holding.entities.get()
    owners = {o["authority"] for o in entity.owners}
    assert owners == {world["telgte"].pk, world["ahlen"].pk}  # the host city of citeq and KAAW's owner
    assert AuditEvent.objects.filter(object_id=str(holding.pk), action="create").exists()


def test_calculate_stores_npv_checks_and_every_members_fees(world, analyst):
    scenario = services.scenario_create(actor=analyst, name="M", kind=ScenarioKind.MERGER, first_year=2027)
    result = services.scenario_calculate(actor=analyst, scenario=scenario)
    scenario.refresh_from_db()
    assert scenario.npv == result.npv and scenario.savings == result.savings
    assert scenario.result["years"][0]["total"] == "270000.00"  # 2026: the status quo, 100k + 50k + 80k + 40k
    fees = {f.member.name: f for f in ScenarioMemberFee.objects.filter(scenario=scenario)}
    assert set(fees) == {"Telgte, Stadt", "Ahlen, Stadt"}
    assert fees["Ahlen, Stadt"].status_quo["2026"] == fees["Ahlen, Stadt"].fees["2026"]
    assert {c["code"] for c in scenario.result["checks"]} >= {"gwb108.control", "vat.legal_form"}
    services.scenario_calculate(actor=analyst, scenario=scenario)  # idempotent: replaces, does not add
    assert ScenarioMemberFee.objects.filter(scenario=scenario).count() == 2


@pytest.mark.parametrize(
    ("assumptions", "field"),
    [
        ({"synergy": {"low": "0.2", "likely": "0.1", "high": "0.3"}}, "assumptions.synergy"),
        ({"synergy": {"low": "0", "likely": "0.5", "high": "1.2"}}, "assumptions.synergy"),
        ({"migration": {"low": "x", "likely": "1", "high": "2"}}, "assumptions.migration"),
        ({"bogus": {"low": "1", "likely": "1", "high": "1"}}, "assumptions.bogus"),
    ],
)
def test_bad_assumptions_are_refused_and_change_nothing(world, analyst, assumptions, field):
    scenario = services.scenario_create(actor=analyst, name="M", kind=ScenarioKind.MERGER)
    before = dict(scenario.assumptions)
    with pytest.raises(ValidationError) as error:
        services.scenario_assumptions_set(actor=analyst, scenario=scenario, assumptions=assumptions)
    assert field in error.value.message_dict
    scenario.refresh_from_db()
    assert scenario.assumptions == before


def test_a_published_scenario_cannot_be_changed(world, analyst):
    scenario = services.scenario_create(actor=analyst, name="M", kind=ScenarioKind.MERGER)
    with pytest.raises(ValidationError):
        services.scenario_publish(actor=analyst, scenario=scenario)  # not calculated yet
    services.scenario_calculate(actor=analyst, scenario=scenario)
    services.scenario_publish(actor=analyst, scenario=scenario)
    assert scenario.status == ScenarioStatus.PUBLISHED
    with pytest.raises(ValidationError):
        services.scenario_assumptions_set(actor=analyst, scenario=scenario, assumptions={})


def test_risk_run_is_seeded(world, analyst):
    scenario = services.scenario_create(actor=analyst, name="M", kind=ScenarioKind.MERGER, first_year=2027)
    first = services.scenario_risk_run(actor=analyst, scenario=scenario, draws=300, seed=4)
    again = services.scenario_risk_run(actor=analyst, scenario=scenario, draws=300, seed=4)
    assert {k: v for k, v in first.items() if k != "computed_at"} == {
        k: v for k, v in again.items() if k != "computed_at"
    }
    assert 0 <= first["probability_better"] <= 1
    with pytest.raises(ValidationError) as error:
        services.scenario_risk_run(actor=analyst, scenario=scenario, draws=0)
    assert "draws" in error.value.message_dict


def test_weights_need_one_positive(world, analyst):
    criteria = list(Criterion.objects.values_list("pk", flat=True))
    with pytest.raises(ValidationError):
        services.weights_set(actor=analyst, weights=dict.fromkeys(criteria, D(0)))
    with pytest.raises(ValidationError):
        services.weights_set(actor=analyst, weights={criteria[0]: D(-1), criteria[1]: D(2)})
    assert not WeightSet.objects.exists()
    services.weights_set(actor=analyst, weights={criteria[0]: D(1), criteria[1]: D(3)})
    assert WeightSet.objects.get(user=analyst).weights == {str(criteria[0]): "1", str(criteria[1]): "3"}


def test_scenario_names_are_required(world, analyst):
    with pytest.raises(ValidationError) as error:
        services.scenario_create(actor=analyst, name="  ", kind=ScenarioKind.MERGER)
    assert "name" in error.value.message_dict
    assert not Scenario.objects.exists()


def test_a_committee_decision_marks_the_published_scenario_as_decided(world, analyst):
    import datetime as dt

    from verbund.governance import subjects
    from verbund.governance.choices import SubjectKind

    scenario = services.scenario_create(actor=analyst, name="H", kind=ScenarioKind.HOLDING)
    handler = subjects.handler_for(SubjectKind.SCENARIO_DECISION)
    assert not handler.is_open(scenario)  # a draft cannot be put to the vote
    services.scenario_calculate(actor=analyst, scenario=scenario)
    services.scenario_publish(actor=analyst, scenario=scenario)
    subject = subjects.load_subject(SubjectKind.SCENARIO_DECISION, scenario.pk)
    assert handler.is_open(subject)
    handler.approve(analyst, subject, "ZA-B-2026/5", dt.date(2026, 12, 10))
    scenario.refresh_from_db()
    assert scenario.status == ScenarioStatus.DECIDED and scenario.decision_reference == "ZA-B-2026/5 (10.12.2026)"
    with pytest.raises(ValidationError):
        services.scenario_decide(
            actor=analyst, scenario=scenario, decision_reference="x", decided_on=dt.date(2026, 12, 11)
        )
