"""Services and imports of closing a year on the `plan` fixture (approved), with actual costs and usage."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from verbund.closing import imports, services
from verbund.closing.choices import ClosingStatus
from verbund.closing.models import ActualCost, ActualImport, ActualUsage, CarryForward, MemberOutcome, ProductOutcome
from verbund.closing.tests.conftest import ACTUAL_COSTS_CSV, read_csv
from verbund.core.models import AuditEvent
from verbund.core.spreadsheet import SpreadsheetError

D = Decimal


def test_a_draft_plan_cannot_be_post_calculated(plan, admin_user):
    with pytest.raises(ValidationError) as info:
        services.closing_create(actor=admin_user, plan=plan)
    assert "plan" in info.value.message_dict


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("cost_centre;cost_type;amount\nXX;PERS;1\n", 2, "cost_centre"),
        ("cost_centre;cost_type;amount\nRZ;NOPE;1\n", 2, "cost_type"),
        ("cost_centre;cost_type;amount\nRZ;PERS;abc\n", 2, "amount"),
        ("cost_centre;cost_type;amount\nRZ;PERS;-5\n", 2, "amount"),
        ("cost_centre;cost_type;amount\nRZ;PERS;1,234\n", 2, "amount"),
        ("cost_centre;cost_type;amount\nRZ;PERS;1\nRZ;PERS;2\n", 3, "cost_type"),
        ("cost_centre;cost_type;amount\n;PERS;1\n", 2, "cost_centre"),
        ("cost_centre;cost_type\nRZ;PERS\n", 1, "amount"),
        ("cost_centre;cost_type;amount;oops\nRZ;PERS;1;2\n", 1, "oops"),
    ],
)
def test_cost_import_reports_line_and_column_and_writes_nothing(closing, text, line, column):
    with pytest.raises(SpreadsheetError) as info:
        imports.parse_costs(closing, read_csv(text, imports.COSTS))
    assert (info.value.errors[0].line, info.value.errors[0].column) == (line, column)
    assert not ActualCost.objects.exists()


def test_every_error_of_a_file_is_reported_at_once(closing):
    text = "cost_centre;cost_type;amount\nXX;PERS;1\nRZ;PERS;x\nRZ;SACH;5\n"
    with pytest.raises(SpreadsheetError) as info:
        imports.parse_costs(closing, read_csv(text, imports.COSTS))
    assert [(e.line, e.column) for e in info.value.errors] == [(2, "cost_centre"), (3, "amount")]


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("99999999;AP-100;2026;1", "ags"),
        ("05570044;NOPE;2026;1", "product"),
        ("05570044;OZ-200;2026;1", "product"),  # shared by a key: no usage
        ("05570044;AP-100;2025;1", "period"),
        ("05570044;AP-100;2026-13;1", "period"),
        ("05570044;AP-100;2026;-1", "quantity"),
    ],
)
def test_usage_import_refuses_bad_rows(closing, row, column):
    with pytest.raises(SpreadsheetError) as info:
        imports.parse_usage(closing, read_csv("ags;product;period;quantity\n" + row + "\n", imports.USAGE))
    assert info.value.errors[0].column == column
    assert not ActualUsage.objects.exists()


def test_reimport_changes_nothing_and_a_corrected_file_shows_the_diff(closing, admin_user):
    figures = imports.parse_costs(closing, read_csv(ACTUAL_COSTS_CSV, imports.COSTS))
    first = services.actual_costs_replace(actor=admin_user, closing=closing, figures=figures, file_name="ist.csv")
    assert first is not None and (first.added, first.changed, first.removed) == (5, 0, 0)
    events = AuditEvent.objects.count()
    assert services.actual_costs_replace(actor=admin_user, closing=closing, figures=figures) is None
    assert AuditEvent.objects.count() == events and ActualImport.objects.count() == 1
    corrected = ACTUAL_COSTS_CSV.replace("RZ;SACH;45.000,00\n", "").replace("84.000,00", "85.000,00")
    second = services.actual_costs_replace(
        actor=admin_user,
        closing=closing,
        figures=imports.parse_costs(closing, read_csv(corrected, imports.COSTS)),
        file_name="ist-korrigiert.csv",
    )
    assert second is not None and (second.added, second.changed, second.removed) == (0, 1, 1)
    assert {"key": "AP/PERS", "before": "84000.00", "after": "85000.00"} in second.diff
    assert {"key": "RZ/SACH", "before": "45000.00", "after": ""} in second.diff
    assert ActualCost.objects.filter(closing=closing).count() == 4
    assert AuditEvent.objects.count() == events + 1


def test_calculation_stores_variances_and_member_results_that_add_up(closing_with_actuals, admin_user):
    services.closing_calculate(actor=admin_user, closing=closing_with_actuals)
    closing_with_actuals.refresh_from_db()
    products = {p.product_plan.product.number: p for p in ProductOutcome.objects.filter(closing=closing_with_actuals)}
    assert closing_with_actuals.actual_total == D("290000.00")  # Σ of the file: conserved to the cent
    assert sum(p.actual_cost for p in products.values()) == D("290000.00")
    ap = products["AP-100"]
    assert ap.actual_quantity == D(165)  # Telgte 45 + Ahlen 100 + 20 (two quarters)
    assert ap.price_variance + ap.efficiency_variance + ap.volume_variance == ap.total_variance
    revenues = MemberOutcome.objects.filter(closing=closing_with_actuals, product_plan=ap.product_plan)
    assert ap.revenue == sum(round(m.quantity * ap.plan_rate, 2) for m in revenues)  # plan rate × actual usage
    for number, product in products.items():
        members = MemberOutcome.objects.filter(closing=closing_with_actuals, product_plan__product__number=number)
        assert sum(m.over_under for m in members) == product.over_under
    assert closing_with_actuals.result_total == sum(p.over_under for p in products.values())
    assert ap.trace and MemberOutcome.objects.first().trace


def test_changed_figures_drop_the_results(closing_with_actuals, admin_user):
    services.closing_calculate(actor=admin_user, closing=closing_with_actuals)
    services.actual_costs_replace(actor=admin_user, closing=closing_with_actuals, figures={("RZ", "PERS"): D(1)})
    closing_with_actuals.refresh_from_db()
    assert closing_with_actuals.calculated_at is None and not ProductOutcome.objects.exists()


def test_calculate_needs_actual_costs(closing, admin_user):
    with pytest.raises(ValidationError):
        services.closing_calculate(actor=admin_user, closing=closing)


USAGE_TELGTE_7 = "ags;product;period;quantity\n05570044;AP-100;2026;7\n"


def _approved(closing, actor):
    services.closing_calculate(actor=actor, closing=closing)
    return services.closing_approve(
        actor=actor, closing=closing, decision_reference="JA-2026", approved_on=dt.date(2027, 6, 30)
    )


def test_an_approved_closing_is_never_changed(closing_with_actuals, admin_user):
    approved = _approved(closing_with_actuals, admin_user)
    assert approved.status == ClosingStatus.APPROVED
    with pytest.raises(ValidationError):
        services.actual_costs_replace(actor=admin_user, closing=approved, figures={})
    with pytest.raises(ValidationError):
        services.closing_calculate(actor=admin_user, closing=approved)


def _later_plan(plan, actor, year):
    from verbund.costing import services as costing

    return costing.plan_version_copy(actor=actor, source=plan, year=year, name=f"Plan {year}")


def test_carry_forward_enters_the_plan_after_next_once(closing_with_actuals, admin_user, approved_plan):
    from verbund.costing import services as costing
    from verbund.costing.models import ProductRate

    approved = _approved(closing_with_actuals, admin_user)
    too_early = _later_plan(approved_plan, admin_user, 2027)
    with pytest.raises(ValidationError) as info:
        services.carry_forward_apply(actor=admin_user, closing=approved, target_plan=too_early)
    assert "target_plan" in info.value.message_dict
    target = _later_plan(approved_plan, admin_user, 2028)
    carried = services.carry_forward_apply(actor=admin_user, closing=approved, target_plan=target)
    outcomes = {o.product_plan.product.number: o.over_under for o in ProductOutcome.objects.filter(closing=approved)}
    assert {c.product.number: c.amount for c in carried} == {n: a for n, a in outcomes.items() if a}
    result = costing.plan_version_calculate(actor=admin_user, plan=target)
    assert {p.product: p.carry_forward for p in result.products} == outcomes  # a visible line in the rates
    assert ProductRate.objects.filter(plan=target, carry_forward__gt=0).exists()
    with pytest.raises(ValidationError) as info:  # never twice
        services.carry_forward_apply(actor=admin_user, closing=approved, target_plan=target)
    assert "already carried" in str(info.value.messages) or "bereits" in str(info.value.messages)
    assert CarryForward.objects.count() == len(carried)


def test_an_over_recovery_spread_past_the_return_window_is_refused(closing_with_actuals, admin_user, approved_plan):
    approved = _approved(closing_with_actuals, admin_user)
    target = _later_plan(approved_plan, admin_user, 2028)
    positive = [
        o.product_plan.product.number for o in ProductOutcome.objects.filter(closing=approved, over_under__gt=0)
    ]
    with pytest.raises(ValidationError):
        services.carry_forward_apply(actor=admin_user, closing=approved, target_plan=target, years=3, products=positive)
    assert not CarryForward.objects.exists()


def test_only_an_approved_closing_is_carried(closing_with_actuals, admin_user, approved_plan):
    services.closing_calculate(actor=admin_user, closing=closing_with_actuals)
    target = _later_plan(approved_plan, admin_user, 2028)
    with pytest.raises(ValidationError):
        services.carry_forward_apply(actor=admin_user, closing=closing_with_actuals, target_plan=target)


def test_actual_usage_selector_sums_the_periods(closing_with_actuals, registry, catalogue):
    from verbund.closing.selectors import actual_usage

    usage = actual_usage(registry["citeq"], 2026)
    assert usage[(registry["ahlen"].pk, catalogue["workplace"].pk)] == D(120)
    assert usage[(registry["telgte"].pk, catalogue["workplace"].pk)] == D(45)
    assert actual_usage(registry["citeq"], 2025) == {}


def test_actual_usage_prefers_the_approved_post_calculation_to_a_newer_draft(
    closing_with_actuals, admin_user, registry, catalogue
):
    from verbund.closing.selectors import actual_usage

    approved = _approved(closing_with_actuals, admin_user)
    newer = services.closing_create(actor=admin_user, plan=approved.plan, name="Entwurf")
    services.actual_usage_replace(
        actor=admin_user,
        closing=newer,
        figures=imports.parse_usage(newer, read_csv(USAGE_TELGTE_7, imports.USAGE)),
    )
    usage = actual_usage(registry["citeq"], 2026)
    assert usage[(registry["telgte"].pk, catalogue["workplace"].pk)] == D(45)  # not the draft's 7


def test_business_plan_import_and_committee_report(registry, admin_user):
    from verbund.governance.models import AgendaItem

    text = (
        "part;code;label;planned;actual\n"
        "income;U1;Umsatzerlöse;14.700.000,00;14.950.000,00\n"
        "expense;A1;Personalaufwand;8.000.000,00;8.100.000,00\n"
        "posts;S1;Stellen;95;93,5\n"
    )
    figures = imports.parse_business_plan(read_csv(text, imports.BUSINESS_PLAN))
    assert services.business_plan_replace(actor=admin_user, provider=registry["citeq"], year=2026, figures=figures)
    assert not services.business_plan_replace(actor=admin_user, provider=registry["citeq"], year=2026, figures=figures)
    with pytest.raises(SpreadsheetError) as info:
        imports.parse_business_plan(read_csv("part;code;label;planned\nbogus;X;Y;1\n", imports.BUSINESS_PLAN))
    assert info.value.errors[0].column == "part"
    meeting = _meeting(registry, admin_user)
    report = services.committee_report_create(
        actor=admin_user, provider=registry["citeq"], year=2026, meeting=meeting, reference="WP-2026"
    )
    assert report.paper.paper_type == "report"
    assert AgendaItem.objects.get(pk=report.agenda_item_id).decides is False
    with pytest.raises(ValidationError):
        services.committee_report_create(
            actor=admin_user, provider=registry["citeq"], year=2026, meeting=meeting, reference="WP-2026b"
        )


def _meeting(registry, actor):
    from django.utils import timezone

    from verbund.governance import services as governance

    committee = governance.committee_create(
        actor=actor, body=registry["citeq"], name="Zentralausschuss", short_name="ZA", kind="central"
    )
    return governance.meeting_schedule(
        actor=actor, committee=committee, name="Sitzung", start=timezone.now() + dt.timedelta(days=30)
    )


def test_price_indices_split_price_and_efficiency_variance(closing_with_actuals, admin_user):
    services.price_indices_replace(
        actor=admin_user, closing=closing_with_actuals, figures={"PERS": D("1.05"), "SACH": D("0.98")}
    )
    services.closing_calculate(actor=admin_user, closing=closing_with_actuals)
    ap = ProductOutcome.objects.get(closing=closing_with_actuals, product_plan__product__number="AP-100")
    assert ap.price_variance > 0  # personnel 5 % dearer than planned
    assert ap.price_variance + ap.efficiency_variance + ap.volume_variance == ap.total_variance
    assert (
        services.price_indices_replace(
            actor=admin_user, closing=closing_with_actuals, figures={"PERS": D("1.05"), "SACH": D("0.98")}
        )
        is None
    )  # the same indices again: nothing written


@pytest.mark.parametrize("figures", [{"NOPE": D(1)}, {"PERS": D(0)}, {"PERS": D("-1")}, {"PERS": D("1.00001")}])
def test_bad_price_indices_are_refused(closing, admin_user, figures):
    with pytest.raises(ValidationError):
        services.price_indices_replace(actor=admin_user, closing=closing, figures=figures)
