"""The plan's reports: rate sheet (page and PDF), cost-centre sheet, showback per member (page and CSV)."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.core.access import user_sees_all
from verbund.core.csvexport import CsvWriter
from verbund.core.explain import Line, render_steps
from verbund.core.money import round_money
from verbund.costing import engine, selectors
from verbund.costing.choices import CentreKind, Charging
from verbund.costing.models import (
    CentreResult,
    CostCentre,
    CostType,
    MemberFee,
    PlannedCost,
    PlanVersion,
    ProductRate,
)
from verbund.costing.views.common import HUNDRED, _centres, _plan, _results_state, _sum
from verbund.registry.models import Organization

# --- rate sheet (Preisblatt) ---------------------------------------------------------------------------------


def _rates(plan: PlanVersion) -> list[ProductRate]:
    """The rates with their explanation rendered in the active language (`rate.explanation`)."""
    rates = list(
        ProductRate.objects.filter(plan=plan)
        .select_related("product_plan__product")
        .order_by("product_plan__product__number")
    )
    names = selectors.explanation_names(plan=plan, products=[r.product_plan.product for r in rates])
    for rate in rates:
        rate.explanation = render_steps(rate.trace, engine.MESSAGES, names)  # type: ignore[attr-defined]
    return rates


@login_required
def rate_sheet(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    rates = _rates(plan)
    return render(
        request,
        "costing/rate_sheet.html",
        {"plan": plan, "rates": rates, "state": _results_state(plan, bool(rates))},
    )


@login_required
def rate_sheet_pdf(request: HttpRequest, plan_id: int) -> HttpResponse:
    from weasyprint import HTML

    plan = _plan(request, plan_id)
    rates = _rates(plan)
    html = render_to_string(
        "costing/rate_sheet_pdf.html",
        {"plan": plan, "rates": rates, "state": _results_state(plan, bool(rates)), "now": timezone.now()},
        request=request,
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="preisblatt-{plan.year}-{plan.pk}.pdf"'
    return response


# --- cost-centre sheet (Betriebsabrechnungsbogen) ------------------------------------------------------------


@dataclass(frozen=True)
class SheetRow:
    label: str
    values: list[Decimal | None]
    total: Decimal | None
    kind: str = "type"  # "type", "sum", "received", "passed_on", "total"


@login_required
def centre_sheet(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    centres = _centres(plan)
    types = list(CostType.objects.filter(plan=plan).order_by("code"))
    amounts: dict[tuple[int, int], Decimal] = {
        (c, t): a
        for c, t, a in PlannedCost.objects.filter(plan=plan).values_list("centre_id", "cost_type_id", "amount")
    }
    results = {r.centre_id: r for r in CentreResult.objects.filter(plan=plan)}

    def row(label: str, values: list[Decimal | None], kind: str) -> SheetRow:
        return SheetRow(label, values, _sum(values), kind)

    rows = [row(str(t), [amounts.get((c.pk, t.pk)) for c in centres], "type") for t in types]
    primary = [sum((amounts.get((c.pk, t.pk), Decimal(0)) for t in types), Decimal(0)) for c in centres]
    rows.append(row(_("Primary cost"), list(primary), "sum"))
    if results:
        rows.append(
            row(_("Received (service allocation)"), [_result(results, c, "received") for c in centres], "received")
        )
        passed = [_result(results, c, "passed_on") for c in centres]
        rows.append(row(_("Passed on"), [-v if v is not None else None for v in passed], "passed_on"))
        rows.append(row(_("Total after allocation"), [_result(results, c, "total") for c in centres], "total"))
    support = sum(1 for c in centres if c.kind == CentreKind.SUPPORT)
    return render(
        request,
        "costing/centre_sheet.html",
        {
            "plan": plan,
            "centres": centres,
            "support_count": support,
            "end_count": len(centres) - support,
            "rows": rows,
            "state": _results_state(plan, bool(results)),
        },
    )


def _result(results: dict[int, CentreResult], centre: CostCentre, attribute: str) -> Decimal | None:
    result = results.get(centre.pk)
    return getattr(result, attribute) if result is not None else None


# --- showback per member ("bill of IT") ----------------------------------------------------------------------


@dataclass(frozen=True)
class ShowbackLine:
    fee: MemberFee
    rate: Decimal | None
    share_percent: Decimal | None
    explanation: list[Line]

    @property
    def product(self) -> Any:
        return self.fee.product_plan.product

    @property
    def metered(self) -> bool:
        return self.fee.product_plan.charging == Charging.METERED


def _showback(
    request: HttpRequest, plan_id: int, member_id: int
) -> tuple[PlanVersion, Organization, list[ShowbackLine]]:
    """The plan and the member's fee lines; a member contact reaches only its own organisation (404 otherwise)."""
    plan = _plan(request, plan_id)
    if not request.user.has_perm("costing.view_memberfee"):
        raise PermissionDenied
    if not user_sees_all(request.user) and member_id != getattr(request.user, "organization_id", None):
        raise Http404
    member = get_object_or_404(Organization.objects.restrict(request.user), pk=member_id)
    fees = list(selectors.member_fees(user=request.user, plan=plan, member=member))
    names = selectors.explanation_names(plan=plan, products=[f.product_plan.product for f in fees], members=[member])
    lines = []
    for fee in fees:
        rate = getattr(fee.product_plan, "rate", None)  # select_related: None when the rate row is missing
        share = round_money(fee.share * HUNDRED, Decimal("0.0001")) if fee.share is not None else None
        lines.append(
            ShowbackLine(
                fee=fee,
                rate=rate.rate if rate is not None else None,
                share_percent=share,
                explanation=render_steps(fee.trace, engine.MESSAGES, names),
            )
        )
    return plan, member, lines


@login_required
def showback_index(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Provider staff choose a member; a member contact goes straight to its own organisation."""
    plan = _plan(request, plan_id)
    if not request.user.has_perm("costing.view_memberfee"):
        raise PermissionDenied
    if not user_sees_all(request.user):
        organization_id = getattr(request.user, "organization_id", None)
        if organization_id is None:
            raise Http404
        return redirect("costing:showback", plan_id=plan.pk, member_id=organization_id)
    members = list(
        MemberFee.objects.restrict(request.user)
        .filter(plan=plan)
        .values("member_id", "member__name")
        .annotate(total=Sum("fee"), lines=Count("id"))
        .order_by("member__name")
    )
    total = sum((m["total"] for m in members), Decimal(0))
    return render(
        request,
        "costing/showback_index.html",
        {"plan": plan, "members": members, "total": total, "state": _results_state(plan, bool(members))},
    )


@login_required
def showback(request: HttpRequest, plan_id: int, member_id: int) -> HttpResponse:
    plan, member, lines = _showback(request, plan_id, member_id)
    return render(
        request,
        "costing/showback.html",
        {
            "plan": plan,
            "member": member,
            "lines": lines,
            "total": sum((line.fee.fee for line in lines), Decimal(0)),
            "state": _results_state(plan, bool(lines)),
            "staff": user_sees_all(request.user),
        },
    )


@login_required
def showback_csv(request: HttpRequest, plan_id: int, member_id: int) -> HttpResponse:
    plan, member, lines = _showback(request, plan_id, member_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="entgelte-{plan.year}-{member.pk}.csv"'
    writer = CsvWriter(response)  # BOM, `;`, text protected against formula injection
    writer.writerow(
        [
            _("Product number"),
            _("Product"),
            _("Charging"),
            _("Quantity"),
            _("Rate (EUR)"),
            _("Share (%)"),
            _("Planned fee (EUR)"),
            _("Calculation"),
        ]
    )
    for line in lines:
        fee = line.fee
        writer.writerow(
            [
                line.product.number,
                line.product.display_name,
                fee.product_plan.get_charging_display(),
                fee.quantity if fee.quantity is not None else "",
                line.rate if line.rate is not None and line.metered else "",
                line.share_percent if line.share_percent is not None else "",
                fee.fee,
                " | ".join(step.text for step in line.explanation),
            ]
        )
    writer.writerow(["", _("Sum"), "", "", "", "", sum((line.fee.fee for line in lines), Decimal(0)), ""])
    return response
