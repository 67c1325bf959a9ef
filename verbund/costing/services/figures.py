"""The plan's figures as a whole: what the plan spreadsheet holds, read and replaced in one piece."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from verbund.catalog.models import Product
from verbund.core.audit import audit_record
from verbund.core.models import AuditAction
from verbund.costing.choices import CentreKind, Charging, KeyBasis
from verbund.costing.models import (
    CentreResult,
    CostCentre,
    CostType,
    MemberFee,
    PlannedCost,
    PlanVersion,
    ProductMapping,
    ProductPlan,
    ProductRate,
    ServiceFlow,
)
from verbund.costing.selectors import plan_figures_of  # a read: lives in the selectors, re-exported by the package
from verbund.costing.services.common import _invalidate, _locked, _require_draft

# ---------------------------------------------------------------- the plan's figures as a whole (spreadsheet import)


@dataclass(frozen=True, slots=True)
class CentreFigure:
    code: str
    name: str
    kind: str  # CentreKind


@dataclass(frozen=True, slots=True)
class CostTypeFigure:
    code: str
    name: str
    variable_share: Decimal


@dataclass(frozen=True, slots=True)
class CostFigure:
    centre: str  # cost centre code
    cost_type: str  # cost type code
    amount: Decimal


@dataclass(frozen=True, slots=True)
class FlowFigure:
    provider: str  # support centre code
    receiver: str  # cost centre code
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class ProductFigure:
    product: str  # catalogue product number
    charging: str  # Charging
    planned_quantity: Decimal | None
    key: tuple[tuple[str, Decimal], ...] = ()  # (basis, weight) of a shared product, weights summing to 1
    carry_forward: Decimal = Decimal(0)
    carry_forward_from_year: int | None = None
    carry_forward_years: int = 1


@dataclass(frozen=True, slots=True)
class MappingFigure:
    centre: str  # end centre code
    product: str  # product number (a ProductFigure of the same figures)
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class PlanFigures:
    """Every figure of a plan version (what the spreadsheet holds), without its results."""

    centres: tuple[CentreFigure, ...] = ()
    cost_types: tuple[CostTypeFigure, ...] = ()
    costs: tuple[CostFigure, ...] = ()
    flows: tuple[FlowFigure, ...] = ()
    products: tuple[ProductFigure, ...] = ()
    mappings: tuple[MappingFigure, ...] = ()

    def counts(self) -> dict[str, int]:
        return {
            "centres": len(self.centres),
            "cost_types": len(self.cost_types),
            "costs": len(self.costs),
            "flows": len(self.flows),
            "products": len(self.products),
            "mappings": len(self.mappings),
        }

    def canonical(self) -> "PlanFigures":
        """The same figures in a fixed order (keys by basis), so that two sets compare equal regardless of order;
        Decimals compare by value (1.0 == 1.00)."""
        return PlanFigures(
            centres=tuple(sorted(self.centres, key=lambda c: c.code)),
            cost_types=tuple(sorted(self.cost_types, key=lambda t: t.code)),
            costs=tuple(sorted(self.costs, key=lambda c: (c.centre, c.cost_type))),
            flows=tuple(sorted(self.flows, key=lambda f: (f.provider, f.receiver))),
            products=tuple(
                sorted(
                    (
                        ProductFigure(
                            product=p.product,
                            charging=p.charging,
                            planned_quantity=p.planned_quantity,
                            key=tuple(sorted(p.key)),
                            carry_forward=p.carry_forward,
                            carry_forward_from_year=p.carry_forward_from_year if p.carry_forward else None,
                            carry_forward_years=p.carry_forward_years,
                        )
                        for p in self.products
                    ),
                    key=lambda p: p.product,
                )
            ),
            mappings=tuple(sorted(self.mappings, key=lambda m: (m.centre, m.product))),
        )


def _figures_problems(figures: PlanFigures, products: dict[str, Product], year: int) -> list[str]:
    """What makes a set of figures unfit for a plan (the spreadsheet import reports the same with line numbers;
    this is the service's own check for every other caller)."""
    problems: list[str] = []

    def unique(kind: str, keys: list[Any]) -> None:
        seen: set[Any] = set()
        for key in keys:
            if key in seen:
                problems.append(_("%(kind)s %(key)s is given twice.") % {"kind": kind, "key": key})
            seen.add(key)

    unique(_("Cost centre"), [c.code for c in figures.centres])
    unique(_("Cost type"), [t.code for t in figures.cost_types])
    unique(_("Planned cost"), [(c.centre, c.cost_type) for c in figures.costs])
    unique(_("Service quantity"), [(f.provider, f.receiver) for f in figures.flows])
    unique(_("Product"), [p.product for p in figures.products])
    unique(_("Mapping"), [(m.centre, m.product) for m in figures.mappings])
    kinds = {c.code: c.kind for c in figures.centres}
    types = {t.code for t in figures.cost_types}
    planned = {p.product for p in figures.products}
    for centre in figures.centres:
        if not centre.code or not centre.name or centre.kind not in CentreKind.values:
            problems.append(_("Cost centre %(code)r needs a code, a name and a kind.") % {"code": centre.code})
    for cost_type in figures.cost_types:
        if not cost_type.code or not cost_type.name or not Decimal(0) <= cost_type.variable_share <= Decimal(1):
            problems.append(
                _("Cost type %(code)r needs a code, a name and a variable share between 0 and 1.")
                % {"code": cost_type.code}
            )
    for cost in figures.costs:
        if cost.centre not in kinds or cost.cost_type not in types:
            problems.append(_("Planned cost %(c)s/%(t)s: unknown code.") % {"c": cost.centre, "t": cost.cost_type})
        if cost.amount < 0:
            problems.append(_("A planned cost cannot be negative."))
    for flow in figures.flows:
        if kinds.get(flow.provider) != CentreKind.SUPPORT or flow.receiver not in kinds:
            problems.append(
                _("Service quantity %(p)s → %(r)s: the provider must be a support centre and both must exist.")
                % {"p": flow.provider, "r": flow.receiver}
            )
        if flow.quantity < 0:
            problems.append(_("A service quantity cannot be negative."))
    for product in figures.products:
        if product.product not in products:
            problems.append(_("Product %(number)s is not in the catalogue.") % {"number": product.product})
        if product.charging not in Charging.values:
            problems.append(_("Product %(number)s: unknown charging.") % {"number": product.product})
        if product.planned_quantity is not None and product.planned_quantity < 0:
            problems.append(_("Product %(number)s: negative planned quantity.") % {"number": product.product})
        if product.charging == Charging.METERED and (product.planned_quantity is None or product.key):
            problems.append(
                _("Product %(number)s: a metered product needs a planned quantity and no key.")
                % {"number": product.product}
            )
        if product.charging == Charging.SHARED and (
            not product.key
            or any(basis not in KeyBasis.values or weight <= 0 for basis, weight in product.key)
            or sum((weight for _basis, weight in product.key), Decimal(0)) != Decimal(1)
            or len({basis for basis, _weight in product.key}) != len(product.key)
        ):
            problems.append(
                _("Product %(number)s: a shared product needs a key with positive weights summing to 1.")
                % {"number": product.product}
            )
        if product.carry_forward and (
            product.carry_forward_from_year is None
            or product.carry_forward_from_year >= year
            or product.carry_forward_years < 1
        ):
            problems.append(
                _("Product %(number)s: a carry-forward needs an earlier year of origin and at least one year.")
                % {"number": product.product}
            )
    for mapping in figures.mappings:
        if kinds.get(mapping.centre) != CentreKind.END or mapping.product not in planned:
            problems.append(
                _("Mapping %(c)s → %(p)s: the centre must be an end centre and the product in the plan.")
                % {"c": mapping.centre, "p": mapping.product}
            )
        if mapping.quantity < 0:
            problems.append(_("A mapping quantity cannot be negative."))
    return problems


@transaction.atomic
def plan_figures_replace(*, actor: Any, plan: PlanVersion, figures: PlanFigures) -> bool:
    """Replace every figure of a draft plan (cost centres, cost types, planned costs, service quantities, products,
    mappings) by `figures`, in one transaction, and drop the results of the last calculation (they no longer
    explain the figures). Figures equal to the current ones write nothing (a re-import is a no-op). Returns
    whether anything was written; one audit event with the counts before and after."""
    locked = _locked(plan)
    _require_draft(locked)
    numbers = {p.product for p in figures.products}
    products = {p.number: p for p in Product.objects.filter(number__in=numbers)}
    problems = _figures_problems(figures, products, locked.year)
    if problems:
        raise ValidationError({"figures": problems})
    current = plan_figures_of(locked)
    if current.canonical() == figures.canonical():
        return False
    # Results first (they reference products and centres), then the figures; cascades do the rest.
    MemberFee.objects.filter(plan=locked).delete()
    ProductRate.objects.filter(plan=locked).delete()
    CentreResult.objects.filter(plan=locked).delete()
    ProductMapping.objects.filter(plan=locked).delete()
    ProductPlan.objects.filter(plan=locked).delete()
    PlannedCost.objects.filter(plan=locked).delete()
    ServiceFlow.objects.filter(plan=locked).delete()
    CostCentre.objects.filter(plan=locked).delete()
    CostType.objects.filter(plan=locked).delete()
    centres = {
        c.code: c
        for c in CostCentre.objects.bulk_create(
            CostCentre(plan=locked, code=c.code, name=c.name, kind=c.kind) for c in figures.centres
        )
    }
    types = {
        t.code: t
        for t in CostType.objects.bulk_create(
            CostType(plan=locked, code=t.code, name=t.name, variable_share=t.variable_share) for t in figures.cost_types
        )
    }
    PlannedCost.objects.bulk_create(
        PlannedCost(plan=locked, centre=centres[c.centre], cost_type=types[c.cost_type], amount=c.amount)
        for c in figures.costs
    )
    ServiceFlow.objects.bulk_create(
        ServiceFlow(plan=locked, provider=centres[f.provider], receiver=centres[f.receiver], quantity=f.quantity)
        for f in figures.flows
    )
    product_plans = {
        pp.product.number: pp
        for pp in ProductPlan.objects.bulk_create(
            ProductPlan(
                plan=locked,
                product=products[p.product],
                charging=p.charging,
                planned_quantity=p.planned_quantity,
                key_weights={basis: str(weight) for basis, weight in p.key},
                carry_forward=p.carry_forward,
                carry_forward_from_year=p.carry_forward_from_year if p.carry_forward else None,
                carry_forward_years=p.carry_forward_years,
            )
            for p in figures.products
        )
    }
    ProductMapping.objects.bulk_create(
        ProductMapping(
            plan=locked, centre=centres[m.centre], product_plan=product_plans[m.product], quantity=m.quantity
        )
        for m in figures.mappings
    )
    if locked.calculated_at is not None:
        _invalidate(locked)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        before=current.counts(),
        after=figures.counts(),
        scope_organization_id=locked.provider_id,
        message=_("Plan figures replaced"),
    )
    return True
