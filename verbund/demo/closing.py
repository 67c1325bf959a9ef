"""The demo closing of citeq's plan year 2026 (demo figures, marked as such on every page): actual costs, actual
usage of the metered products per case / GB / hour, the post-calculation approved, its over- and under-recovery
carried into a draft plan 2028, and the business plan and annual accounts 2026 reported to the committee.

Idempotent: every step looks for its result first, so a second run creates nothing (no rows, no audit events).

Why 2026 and not 2025 (as issue #18's demo paragraph says): the demo federation has one plan costing, 2026, and
its subscriptions start on 1 Jan 2026; a 2025 plan would have no members' quantities and would need approved 2025
catalogue prices. The demo's 2026 is therefore the year that is closed (its figures are an assumed result), and
by the rule of ADR 0017 (`from_year + 2`) the result enters the plan of 2028. The report goes on the agenda of the
committee's next meeting (10 Dec 2026); the held meeting (19 Nov 2025) predates the year.

Demo assumptions for the actual figures: per cost type a fixed change against the plan (`COST_CHANGE`); per
member and metered product (per case, GB or hour) the subscribed quantity times a factor between 0.85 and 1.20
that follows from the member's AGS (`_usage_factor`), so that members differ and the figures are reproducible.
"""

import datetime as dt
import zlib
from decimal import Decimal
from typing import Any

from django.db import transaction

from verbund.catalog.choices import ChargeUnit
from verbund.closing import services
from verbund.closing.choices import BusinessPlanPart, ClosingStatus
from verbund.closing.models import BusinessPlanLine, CarryForward, Closing, CommitteeReport, ProductOutcome
from verbund.core.money import round_money
from verbund.costing import services as costing_services
from verbund.costing.choices import Charging, PlanStatus
from verbund.costing.models import PlannedCost, PlanVersion, ProductPlan
from verbund.costing.selectors import plan_model
from verbund.demo.costing import demo_plan
from verbund.governance.choices import MeetingState
from verbund.governance.models import Meeting

CLOSING_NAME = "Nachkalkulation 2026 (Demo-Istzahlen)"
TARGET_NAME = "Plankostenrechnung 2028 (Entwurf mit Vortrag 2026)"
DECISION = "Jahresabschluss 2026 (Demo)"
REPORT_REFERENCE = "ZA-V-2026/12"
COST_CHANGE = {"PERS": Decimal("1.032"), "SACH": Decimal("0.985"), "AFA": Decimal("1.000"), "LIZ": Decimal("1.061")}
# Part of the change is price (collective pay rise, licence prices), the rest consumption.
PRICE_INDEX = {"PERS": Decimal("1.025"), "LIZ": Decimal("1.040")}
USAGE_UNITS = {ChargeUnit.CASE, ChargeUnit.GIGABYTE, ChargeUnit.HOUR}


def _usage_factor(ags: str) -> Decimal:
    return Decimal(85 + zlib.crc32(ags.encode()) % 36) / 100


def _actual_costs(plan: PlanVersion) -> dict[tuple[str, str], Decimal]:
    return {
        (c.centre.code, c.cost_type.code): round_money(c.amount * COST_CHANGE.get(c.cost_type.code, Decimal(1)))
        for c in PlannedCost.objects.filter(plan=plan).select_related("centre", "cost_type")
    }


def _actual_usage(plan: PlanVersion) -> dict[tuple[int, int, str], Decimal]:
    model, members = plan_model(plan=plan)
    product_plans = {
        pp.product.number: pp
        for pp in ProductPlan.objects.filter(plan=plan, charging=Charging.METERED).select_related("product")
    }
    usage: dict[tuple[int, int, str], Decimal] = {}
    for sub in model.subscriptions:
        pp = product_plans.get(sub.product)
        if pp is None or pp.product.unit not in USAGE_UNITS or sub.quantity is None:
            continue
        member = members[sub.member]
        yearly = round_money(sub.quantity * _usage_factor(member.ags or str(member.pk)), Decimal(1))
        half = round_money(yearly / 2, Decimal(1))
        usage[(member.pk, pp.pk, f"{plan.year}-Q1")] = half  # two periods: the import sums them per year
        usage[(member.pk, pp.pk, f"{plan.year}-Q3")] = yearly - half
    return usage


def _business_plan(closing: Closing) -> dict[tuple[str, str], tuple[str, Decimal, Decimal | None]]:
    planned = closing.plan.result_total or Decimal(0)
    actual = closing.actual_total or planned
    revenue = sum((o.revenue for o in ProductOutcome.objects.filter(closing=closing)), Decimal(0))
    return {
        (BusinessPlanPart.INCOME, "U1"): ("Umsatzerlöse aus Entgelten der Kooperationspartner", planned, revenue),
        (BusinessPlanPart.INCOME, "U2"): ("Sonstige betriebliche Erträge", Decimal("120000.00"), Decimal("134500.00")),
        (BusinessPlanPart.EXPENSE, "A1"): ("Personalaufwand", planned * Decimal("0.46"), actual * Decimal("0.47")),
        (BusinessPlanPart.EXPENSE, "A2"): (
            "Materialaufwand und Lizenzen",
            planned * Decimal("0.32"),
            actual * Decimal("0.33"),
        ),
        (BusinessPlanPart.EXPENSE, "A3"): ("Abschreibungen", planned * Decimal("0.12"), actual * Decimal("0.11")),
        (BusinessPlanPart.EXPENSE, "A4"): (
            "Sonstige betriebliche Aufwendungen",
            planned * Decimal("0.10"),
            actual * Decimal("0.09"),
        ),
        (BusinessPlanPart.INVESTMENT, "I1"): (
            "Rechenzentrum: Server und Speicher",
            Decimal("850000.00"),
            Decimal("812300.00"),
        ),
        (BusinessPlanPart.INVESTMENT, "I2"): (
            "Netz und Arbeitsplatz-Hardware",
            Decimal("400000.00"),
            Decimal("436900.00"),
        ),
        (BusinessPlanPart.FINANCING, "F1"): (
            "Abschreibungen (Innenfinanzierung)",
            Decimal("1250000.00"),
            Decimal("1249200.00"),
        ),
        (BusinessPlanPart.POSTS, "S1"): ("Stellen (Vollzeitäquivalente)", Decimal("96.50"), Decimal("94.25")),
    }


def _quantized(figures: dict[tuple[str, str], tuple[str, Decimal, Decimal | None]]) -> dict[Any, Any]:
    return {
        key: (
            label,
            round_money(planned),
            None if actual is None else round_money(actual),
        )
        for key, (label, planned, actual) in figures.items()
    }


@transaction.atomic
def load_demo_closing(*, actor: Any = None) -> dict[str, Any]:
    """Close the demo year 2026 (see the module docstring); returns what was created."""
    created = {"closings": 0, "carried": 0, "business_plan_lines": 0, "reports": 0}
    plan = demo_plan()
    if plan is None or plan.status not in (PlanStatus.APPROVED, PlanStatus.FROZEN):
        return created
    closing = Closing.objects.filter(plan=plan, name=CLOSING_NAME).first()
    if closing is None:
        closing = services.closing_create(actor=actor, plan=plan, name=CLOSING_NAME, demo=True)
        services.actual_costs_replace(
            actor=actor, closing=closing, figures=_actual_costs(plan), file_name="istkosten-2026-demo.csv"
        )
        services.actual_usage_replace(
            actor=actor, closing=closing, figures=_actual_usage(plan), file_name="verbrauch-2026-demo.csv"
        )
        services.price_indices_replace(actor=actor, closing=closing, figures=PRICE_INDEX)
        services.closing_calculate(actor=actor, closing=closing)
        services.closing_approve(
            actor=actor, closing=closing, decision_reference=DECISION, approved_on=dt.date(2026, 12, 1)
        )
        created["closings"] += 1
    closing.refresh_from_db()
    if closing.status == ClosingStatus.APPROVED and not CarryForward.objects.filter(closing=closing).exists():
        target = PlanVersion.objects.filter(provider=plan.provider, year=plan.year + 2, name=TARGET_NAME).first()
        if target is None:
            target = costing_services.plan_version_copy(actor=actor, source=plan, year=plan.year + 2, name=TARGET_NAME)
        created["carried"] = len(services.carry_forward_apply(actor=actor, closing=closing, target_plan=target))
        costing_services.plan_version_calculate(actor=actor, plan=target)
    if not BusinessPlanLine.objects.filter(provider=plan.provider, year=plan.year).exists():
        figures = _quantized(_business_plan(closing))
        services.business_plan_replace(actor=actor, provider=plan.provider, year=plan.year, figures=figures, demo=True)
        created["business_plan_lines"] = len(figures)
    if not CommitteeReport.objects.filter(provider=plan.provider, year=plan.year).exists():
        meeting = (
            Meeting.objects.filter(
                committee__short_name="ZA",
                committee__body=plan.provider,
                state__in=[MeetingState.SCHEDULED, MeetingState.INVITED],
                start__year__gte=plan.year,
            )
            .order_by("start")
            .first()
        )
        if meeting is not None:
            services.committee_report_create(
                actor=actor, provider=plan.provider, year=plan.year, meeting=meeting, reference=REPORT_REFERENCE
            )
            created["reports"] = 1
    return created


def summary_line(result: dict[str, Any]) -> str:
    return (
        f"Demo closing 2026: {result['closings']} post-calculations, {result['carried']} carry-forwards, "
        f"{result['business_plan_lines']} business plan lines, {result['reports']} committee reports created."
    )
