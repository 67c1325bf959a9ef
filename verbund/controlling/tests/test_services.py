"""Services: values with evidence and status, computed figures through verbund.core.kpi (a fake source), formula
KPIs, definition changes, the report frozen as a committee paper and taken note of by a decision."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from verbund.controlling import services
from verbund.controlling.models import Measurement, Report
from verbund.controlling.report import report_csv, report_data
from verbund.controlling.tests.conftest import kpi_of
from verbund.core.models import AppendOnlyError

EVIDENCE = services.Evidence(text="Auswertung der Kanäle, Stand 31.12.")


def _enter(contract, actor, value, year=2025, **extra):
    return services.measurement_enter(
        actor=actor, kpi=kpi_of(contract, "POSTS"), year=year, value=Decimal(value), evidence=EVIDENCE, **extra
    )


def test_manual_value_is_judged_and_keeps_its_evidence_and_author(contract, controller):
    measurement = _enter(contract, controller, "95", comment="Zwei Monate ohne Redakteur.")
    assert (measurement.status, measurement.entered_by, measurement.evidence_text) == (
        "amber",
        controller,
        EVIDENCE.text,
    )
    assert measurement.target.value == 100
    newer = _enter(contract, controller, "120")
    assert newer.status == "green"
    assert Measurement.objects.filter(kpi=newer.kpi, year=2025).count() == 2  # appended, the newest counts
    line = report_data(contract=contract, year=2025)["goals"][0]["kpis"][0]
    assert (line["value"], line["status"], line["difference"]) == ("120", "green", "20")


def test_values_are_append_only(contract, controller):
    measurement = _enter(contract, controller, "95")
    measurement.value = Decimal(1)
    with pytest.raises(AppendOnlyError):
        measurement.save()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"value": "viel"}, "value"),
        ({"value": "-1"}, "value"),
        ({"evidence": services.Evidence()}, "evidence_text"),
        ({"evidence": services.Evidence(url="javascript:alert(1)")}, "evidence_url"),
        ({"year": 1999}, "year"),
    ],
)
def test_bad_manual_value_names_the_field_and_writes_nothing(contract, controller, kwargs, field):
    params = {"value": "95", "evidence": EVIDENCE, "year": 2025, **kwargs}
    with pytest.raises(ValidationError) as info:
        services.measurement_enter(actor=controller, kpi=kpi_of(contract, "POSTS"), **params)
    assert field in info.value.message_dict
    assert not Measurement.objects.exists()


def test_computed_kpis_are_not_entered_by_hand(contract, controller):
    with pytest.raises(ValidationError) as info:
        services.measurement_enter(
            actor=controller, kpi=kpi_of(contract, "AVAIL"), year=2025, value=Decimal("0.9"), evidence=EVIDENCE
        )
    assert "kpi" in info.value.message_dict


def test_collect_stores_the_figure_with_cut_off_and_drill_down_records(contract, controller, fake_source):
    result = services.collect_computed(actor=controller, contract=contract, year=2025)
    assert (result.stored, result.no_data) == (3, [])  # the total and the two members
    total = Measurement.objects.get(kpi__code="AVAIL", year=2025, member__isnull=True)
    assert (total.value, total.status, total.cut_off) == (Decimal("0.991"), "green", dt.date(2025, 12, 31))
    assert total.records[0] == {"label": "Ausfall Mailserver", "url": "/outage/1/", "detail": "3 h"}
    assert total.record_count == 2
    assert Measurement.objects.filter(kpi__code="AVAIL", member__isnull=False).count() == 2
    again = services.collect_computed(actor=controller, contract=contract, year=2025)
    assert (again.stored, again.unchanged) == (0, 3)  # repeatable: nothing new


def test_a_source_without_app_is_no_data_yet_never_zero(contract, controller):
    result = services.collect_computed(actor=controller, contract=contract, year=2025)  # no fake source
    assert result.no_data == ["AVAIL"]
    assert not Measurement.objects.filter(kpi__code="AVAIL").exists()
    line = report_data(contract=contract, year=2025)["goals"][1]["kpis"][0]
    assert (line["value"], line["status"]) == (None, "none")
    with translation.override("en"):
        assert "no data yet" in report_csv(report_data(contract=contract, year=2025)).decode("utf-8-sig")


def test_formula_kpi_follows_its_inputs(contract, controller):
    _enter(contract, controller, "90")
    half = Measurement.objects.get(kpi__code="HALF", year=2025)
    assert half.value == 45
    assert half.source_kind == "formula"
    assert ["formula", {"formula": "POSTS / 2"}] in half.trace
    _enter(contract, controller, "100")
    assert Measurement.objects.filter(kpi__code="HALF", year=2025).order_by("-id").first().value == 50


def test_definition_change_starts_a_new_series_and_the_report_says_so(contract, controller):
    _enter(contract, controller, "90", year=2025)
    posts = kpi_of(contract, "POSTS")
    services.kpi_change_definition(
        actor=controller, kpi=posts, from_year=2026, reason="Ab 2026 ohne Reposts.", definition="Eigene Beiträge"
    )
    posts.refresh_from_db()
    assert posts.series == 2
    services.measurement_enter(actor=controller, kpi=posts, year=2026, value=Decimal(95), evidence=EVIDENCE)
    data = report_data(contract=contract, year=2026)
    line = data["goals"][0]["kpis"][0]
    assert (line["series"], line["trend"]) == (2, "none")  # 95 after 90 is no "better": another definition
    assert data["changes"][0]["reason"] == "Ab 2026 ohne Reposts."
    assert report_data(contract=contract, year=2025)["changes"] == []
    with pytest.raises(ValidationError) as info:
        services.kpi_change_definition(actor=controller, kpi=posts, from_year=2027, reason="")
    assert "reason" in info.value.message_dict


def test_a_later_target_does_not_change_a_value_already_judged(contract, controller):
    measurement = _enter(contract, controller, "95")
    services.target_set(actor=controller, kpi=kpi_of(contract, "POSTS"), valid_from=2025, value=Decimal(90))
    measurement.refresh_from_db()
    assert measurement.status == "amber"  # judged against the version in force when it was stored
    assert _enter(contract, controller, "95").status == "green"


def test_report_is_frozen_as_a_paper_and_noted_by_the_decision(contract, controller, meeting):
    from verbund.governance import subjects
    from verbund.governance.choices import SubjectKind

    _enter(contract, controller, "95")
    report = services.report_submit(
        actor=controller, contract=contract, year=2025, meeting=meeting, reference="BA-V-2026/01"
    )
    assert (report.paper.subject_kind, report.paper.subject_id) == (SubjectKind.MANAGEMENT_REPORT, report.pk)
    assert report.agenda_item.paper == report.paper
    frozen = report.snapshot
    _enter(contract, controller, "130")  # later values do not change the submitted report
    report.refresh_from_db()
    assert report.snapshot == frozen
    assert report.snapshot["goals"][0]["kpis"][0]["value"] == "95"
    with pytest.raises(ValidationError):
        services.report_submit(actor=controller, contract=contract, year=2025, meeting=meeting, reference="X")
    handler = subjects.handler_for(SubjectKind.MANAGEMENT_REPORT)
    assert handler.is_open(report)
    handler.approve(controller, report, "BA/2026/001", dt.date(2026, 2, 1))
    report.refresh_from_db()
    assert (report.status, report.decision_reference) == ("noted", "BA/2026/001")
    assert not handler.is_open(report)


def test_contract_takes_effect_by_decision(contract, controller):
    from verbund.governance import subjects
    from verbund.governance.choices import SubjectKind

    handler = subjects.handler_for(SubjectKind.MANAGEMENT_CONTRACT)
    assert handler.is_open(contract)
    handler.approve(controller, contract, "Rat/2025/017", dt.date(2025, 1, 15))
    contract.refresh_from_db()
    assert (contract.status, contract.effective_on) == ("effective", dt.date(2025, 1, 15))
    with pytest.raises(ValidationError):
        services.goal_add(actor=controller, contract=contract, title="x", text="y")


def test_paper_with_the_contract_as_subject(contract, registry, controller):
    from verbund.governance import services as governance

    paper = governance.paper_create(
        actor=controller,
        body=registry["citeq"],
        reference="BA-2025/01",
        name="Managementkontrakt",
        date=dt.date(2025, 1, 1),
        subject_kind="management_contract",
        subject_id=contract.pk,
    )
    assert paper.subject_id == contract.pk


def test_member_sees_only_published_reports(contract, controller, meeting, alice):
    from verbund.controlling.models import Contract, Kpi

    _enter(contract, controller, "95")
    assert not Measurement.objects.restrict(alice).exists()
    assert not Contract.objects.restrict(alice).exists()
    assert not Kpi.objects.restrict(alice).exists()
    assert not Report.objects.restrict(alice).exists()
    services.report_submit(actor=controller, contract=contract, year=2025, meeting=meeting, reference="BA-V-1")
    assert Report.objects.restrict(alice).count() == 1


def test_a_measure_is_marked_done_once_with_its_date_and_the_report_shows_it(contract, controller):
    from verbund.controlling.models import Measure
    from verbund.core.models import AuditEvent

    measure = Measure.objects.get(goal__contract=contract)
    events = AuditEvent.objects.count()
    for done_on, field in [(dt.date(2099, 1, 1), "done_on"), (dt.date(2020, 1, 1), "done_on")]:
        with pytest.raises(ValidationError) as refused:
            services.measure_complete(actor=controller, measure=measure, done_on=done_on)
        assert field in refused.value.message_dict
    measure.refresh_from_db()
    assert (measure.done, measure.done_on, AuditEvent.objects.count()) == (False, None, events)

    done = services.measure_complete(actor=controller, measure=measure, done_on=dt.date(2025, 6, 20))
    assert (done.done, done.done_on, done.done_by) == (True, dt.date(2025, 6, 20), controller)
    assert AuditEvent.objects.count() == events + 1
    with pytest.raises(ValidationError) as again:
        services.measure_complete(actor=controller, measure=measure, done_on=dt.date(2025, 6, 21))
    assert "measure" in again.value.message_dict
    measures = report_data(contract=contract, year=2025)["goals"][0]["measures"]
    assert measures == [
        {"id": measure.pk, "text": "Redaktionsplan", "due_on": "2025-06-30", "done": True, "done_on": "2025-06-20"}
    ]
