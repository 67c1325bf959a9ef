"""The demo plan costing of citeq: "Plankostenrechnung 2026", calculated and submitted to the Zentralausschuss.
Idempotent: a second run creates nothing (no rows, no audit events).

Everything goes through the costing services (`plan_version_create`, `plan_figures_replace`,
`plan_version_calculate`, `plan_version_submit`). The committee's approval is a separate step of the governance
demo (`verbund.demo.governance.approve_demo_plan`): the decision approves the plan and generates the approved
2026 price revisions of its metered products from the plan's rates, so catalogue prices and plan agree.

Order of the demo loader (`federation.load_demo`): catalogue → governance (approves the 2026 catalogue) →
subscriptions → this plan (its quantities come from the subscriptions) → governance approves the plan → the
meeting of 19 Nov 2025 is closed.

Figures (all demo assumptions, no real citeq figures):

- Cost centres: three support centres – Rechenzentrum (RZ), Netz (NETZ), IT-Verwaltung/Overhead (VERW) – and
  five end centres – Arbeitsplatz (AP), Kommunikation (KOM), Fachverfahren (FV), Portal/OZG (OZG), Beratung
  und Schulung (BER). Support centres serve each other and the end centres (`FLOWS`: server units, network
  ports, full-time equivalents); the plan uses the reciprocal method (Gleichungsverfahren).
- Cost types: Personal (variable share 10 %), Sachkosten (50 %), Abschreibungen (0 %), Lizenzen und Wartung
  (80 %).
- Budget: about 14.7 M EUR of planned primary costs (`PRIMARY_COSTS`). The amount is chosen to fit the demo's
  volumes: the demo subscriptions (`demo.catalogue.subscription_plan`: one workstation per 250 inhabitants)
  give about 5,900 workstations for 27 partners, worth about 12.9 M EUR at the 2026 catalogue prices. A budget
  of 35–45 M EUR, plausible for a provider of citeq's real size (which also runs its host city's whole
  administration), would have to be carried by these volumes and would multiply every 2026 price by about 2.7;
  with about 14.7 M EUR the plan confirms the proposed catalogue prices within a few per cent.
- Products: every active catalogue product. Metered products have the 2026 subscriptions' total quantity (in
  force on 1 Jan 2026, as the plan loader reads them) as planned quantity; flat products are metered by the
  number of subscribers (their subscription quantity is 1); a product nobody subscribes to yet gets the orders
  expected in 2026 (`EXPECTED_ORDERS`). Three joint tasks are shared by a key instead (`SHARED`): the
  Grundpauschale (half inhabitants, half workstations), the citizen portal (inhabitants) and the joint purchasing
  (workstations). Shared products keep their catalogue price; the plan gives their members' fees.
- Mappings: each product belongs to one end centre (`PRODUCT_CENTRE`, else by family `FAMILY_CENTRE`); the end
  centre's cost is split over its products by equivalence numbers (Äquivalenzziffern) = planned quantity × 2026
  catalogue price, i.e. in proportion to the planned revenue. So a product's rate is its catalogue price times
  its end centre's cost coverage (plan cost ÷ planned revenue).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q

from verbund.catalog.choices import ProductStatus
from verbund.catalog.models import Product
from verbund.catalog.selectors import approved_price_on
from verbund.core.money import round_money
from verbund.costing import services
from verbund.costing.choices import CentreKind, Charging, Method, PlanStatus
from verbund.costing.models import PlanVersion
from verbund.costing.selectors import plan_members
from verbund.orders.models import Subscription
from verbund.orders.selectors import quantity_on
from verbund.registry.choices import OrganizationKind
from verbund.registry.models import Organization

PROVIDER_SHORT_NAME = "citeq"
PLAN_YEAR = 2026
PLAN_NAME = "Plankostenrechnung 2026"

CENTRES: list[tuple[str, str, str]] = [
    ("RZ", "Rechenzentrum", CentreKind.SUPPORT),
    ("NETZ", "Netz und Sicherheit", CentreKind.SUPPORT),
    ("VERW", "IT-Verwaltung und Overhead", CentreKind.SUPPORT),
    ("AP", "Arbeitsplatz und Endgeräte", CentreKind.END),
    ("KOM", "Kommunikation und Zusammenarbeit", CentreKind.END),
    ("FV", "Fachverfahren", CentreKind.END),
    ("OZG", "Portal und Onlinedienste (OZG)", CentreKind.END),
    ("BER", "Beratung und Schulung", CentreKind.END),
]
COST_TYPES: list[tuple[str, str, str]] = [
    ("PERS", "Personalkosten", "0.10"),
    ("SACH", "Sachkosten", "0.50"),
    ("AFA", "Abschreibungen", "0"),
    ("LIZ", "Lizenzen und Wartung", "0.80"),
]
# Planned primary costs 2026 in EUR per cost centre and cost type (demo assumption, see the module docstring).
PRIMARY_COSTS: dict[str, dict[str, str]] = {
    "RZ": {"PERS": "1150000", "SACH": "820000", "AFA": "980000", "LIZ": "450000"},
    "NETZ": {"PERS": "520000", "SACH": "610000", "AFA": "430000", "LIZ": "90000"},
    "VERW": {"PERS": "980000", "SACH": "310000", "AFA": "60000"},
    "AP": {"PERS": "1900000", "SACH": "1010000", "AFA": "2350000", "LIZ": "970000"},
    "KOM": {"PERS": "170000", "SACH": "90000", "AFA": "80000", "LIZ": "300000"},
    "FV": {"PERS": "200000", "SACH": "50000", "AFA": "30000", "LIZ": "300000"},
    "OZG": {"PERS": "160000", "SACH": "80000", "AFA": "40000", "LIZ": "120000"},
    "BER": {"PERS": "580000", "SACH": "100000"},
}
# Service quantities: RZ in server units, NETZ in network ports, VERW in full-time equivalents (FTE) served.
FLOWS: list[tuple[str, str, str]] = [
    ("RZ", "NETZ", "40"),
    ("RZ", "VERW", "25"),
    ("RZ", "AP", "700"),
    ("RZ", "KOM", "70"),
    ("RZ", "FV", "60"),
    ("RZ", "OZG", "45"),
    ("RZ", "BER", "25"),
    ("NETZ", "RZ", "120"),
    ("NETZ", "VERW", "60"),
    ("NETZ", "AP", "5900"),
    ("NETZ", "KOM", "450"),
    ("NETZ", "FV", "400"),
    ("NETZ", "OZG", "300"),
    ("NETZ", "BER", "300"),
    ("VERW", "RZ", "24"),
    ("VERW", "NETZ", "12"),
    ("VERW", "AP", "60"),
    ("VERW", "KOM", "6"),
    ("VERW", "FV", "6"),
    ("VERW", "OZG", "5"),
    ("VERW", "BER", "8"),
]
FAMILY_CENTRE: dict[str, str] = {
    "ARB": "AP",
    "KOM": "KOM",
    "OZG": "OZG",
    "FIN": "FV",
    "BUE": "FV",
    "RZI": "FV",
    "BER": "BER",
    "SCH": "BER",
}
PRODUCT_CENTRE: dict[str, str] = {
    "INF-010": "AP",  # network and security per workstation
    "INF-020": "AP",  # remote access for the workplace
    "INF-030": "KOM",  # directory and identities
    "RZ-030": "AP",  # file service of the workplaces
    "RZ-050": "OZG",  # long-term archive of the e-file
}
DEFAULT_CENTRE = "BER"
# Shared products and their keys (basis → weight); all other products are metered.
SHARED: dict[str, dict[str, str]] = {
    "BER-001": {"inhabitants": "0.5", "workstations": "0.5"},  # Grundpauschale: no unit rate, only the key
    "OZG-010": {"inhabitants": "1"},
    "BER-070": {"workstations": "1"},
}
SHARED_WITHOUT_QUANTITY = frozenset({"BER-001"})
# Orders expected in 2026 for products nobody subscribes to yet (demo assumption; a metered rate needs a
# planned quantity).
EXPECTED_ORDERS: dict[str, str] = {
    "ARB-030": "300",
    "BER-010": "400",
    "BER-020": "800",
    "BER-030": "600",
    "BER-040": "400",
    "BER-050": "4",
    "BER-060": "500",
    "BER-080": "200",
    "BUE-040": "20",
    "BUE-060": "450000",
    "FIN-020": "40",
    "FIN-030": "3000",
    "FIN-040": "30",
    "INF-020": "800",
    "KOM-020": "1500",
    "KOM-030": "2500",
    "OZG-020": "500000",
    "OZG-030": "1200",
    "OZG-040": "150",
    "RZ-010": "120",
    "RZ-040": "50000",
    "RZ-050": "20000",
    "SCH-010": "300",
    "SCH-020": "200",
    "SCH-030": "4000",
    "SCH-040": "10",
}
UNKNOWN_EXPECTED = Decimal(1)


class DemoCostingError(RuntimeError):
    """The federation or catalogue the plan builds on is missing."""


@dataclass(frozen=True)
class _Demand:
    quantity: Decimal  # Σ subscription quantities in force on 1 Jan of the plan year
    subscribers: int


def _citeq() -> Organization:
    provider = Organization.objects.filter(kind=OrganizationKind.PROVIDER, short_name=PROVIDER_SHORT_NAME).first()
    if provider is None:
        raise DemoCostingError(f"the provider {PROVIDER_SHORT_NAME!r} does not exist; load the federation first")
    return provider


def demo_plan() -> PlanVersion | None:
    """The demo plan version, if it was loaded."""
    return PlanVersion.objects.filter(provider__short_name=PROVIDER_SHORT_NAME, year=PLAN_YEAR, name=PLAN_NAME).first()


def _demand(plan: PlanVersion) -> dict[int, _Demand]:
    """Per product id: the plan members' subscribed quantities in force on 1 Jan (on the start date for later
    starts), exactly as `costing.selectors.plan_model` reads them."""
    day = dt.date(plan.year, 1, 1)
    members = [m.pk for m in plan_members(plan=plan)]
    subscriptions = (
        Subscription.objects.filter(member_id__in=members, start_date__lte=dt.date(plan.year, 12, 31))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .prefetch_related("quantities")
    )
    totals: dict[int, Decimal] = defaultdict(Decimal)
    counts: dict[int, int] = defaultdict(int)
    for sub in subscriptions:
        rows = sorted(sub.quantities.all(), key=lambda q: (q.valid_from, q.pk))
        quantity = quantity_on(rows, max(day, sub.start_date))
        if quantity is None:
            continue
        totals[sub.product_id] += quantity
        counts[sub.product_id] += 1
    return {pk: _Demand(totals[pk], counts[pk]) for pk in totals}


def _centre_for(product: Product) -> str:
    return PRODUCT_CENTRE.get(product.number) or FAMILY_CENTRE.get(product.family.code, DEFAULT_CENTRE)


def demo_figures(plan: PlanVersion) -> services.PlanFigures:
    """The demo plan's figures for the current catalogue and subscriptions (see the module docstring)."""
    day = dt.date(plan.year, 1, 1)
    demand = _demand(plan)
    products = list(Product.objects.filter(status=ProductStatus.ACTIVE).select_related("family").order_by("number"))
    if not products:
        raise DemoCostingError("the catalogue has no active product; load the demo catalogue first")
    product_figures = []
    mappings = []
    for product in products:
        found = demand.get(product.pk)
        subscribed = found.quantity if found else Decimal(0)
        if product.number in SHARED:
            key = tuple((basis, Decimal(weight)) for basis, weight in SHARED[product.number].items())
            planned = None if product.number in SHARED_WITHOUT_QUANTITY or not subscribed else subscribed
            figure = services.ProductFigure(product.number, Charging.SHARED, planned, key)
            volume = subscribed or Decimal(found.subscribers if found else 1)
        else:
            planned = subscribed or Decimal(EXPECTED_ORDERS.get(product.number, UNKNOWN_EXPECTED))
            figure = services.ProductFigure(product.number, Charging.METERED, planned)
            volume = planned
        product_figures.append(figure)
        price = approved_price_on(product=product, on=day)
        unit_price = price.unit_price if price is not None else Decimal(1)
        equivalence = round_money(volume * unit_price, Decimal(1)) or Decimal(1)
        mappings.append(services.MappingFigure(_centre_for(product), product.number, equivalence))
    return services.PlanFigures(
        centres=tuple(services.CentreFigure(code, name, kind) for code, name, kind in CENTRES),
        cost_types=tuple(services.CostTypeFigure(code, name, Decimal(share)) for code, name, share in COST_TYPES),
        costs=tuple(
            services.CostFigure(centre, cost_type, Decimal(amount))
            for centre, amounts in PRIMARY_COSTS.items()
            for cost_type, amount in amounts.items()
        ),
        flows=tuple(services.FlowFigure(p, r, Decimal(q)) for p, r, q in FLOWS),
        products=tuple(product_figures),
        mappings=tuple(mappings),
    )


def planned_budget() -> Decimal:
    """Σ of the planned primary costs (the plan total)."""
    return sum((Decimal(a) for amounts in PRIMARY_COSTS.values() for a in amounts.values()), Decimal(0))


@transaction.atomic
def load_demo_costing(*, actor: Any = None) -> dict[str, Any]:
    """Create "Plankostenrechnung 2026" of citeq from the demo catalogue and subscriptions, calculate and submit
    it. Needs the demo federation, the approved 2026 catalogue and the subscriptions (`load_demo_subscriptions`).
    Returns what was done; a plan that exists and is no longer a draft is left as it is (a second call does
    nothing)."""
    citeq = _citeq()
    result: dict[str, Any] = {"plans": 0, "figures": 0, "calculated": 0, "submitted": 0}
    plan = demo_plan()
    if plan is None:
        plan = services.plan_version_create(
            actor=actor, provider=citeq, year=PLAN_YEAR, name=PLAN_NAME, method=Method.RECIPROCAL
        )
        result["plans"] = 1
    if plan.status == PlanStatus.DRAFT:
        figures = demo_figures(plan)
        if services.plan_figures_replace(actor=actor, plan=plan, figures=figures):
            result["figures"] = 1
        plan.refresh_from_db()
        if plan.calculated_at is None:
            services.plan_version_calculate(actor=actor, plan=plan)
            result["calculated"] = 1
        services.plan_version_submit(actor=actor, plan=plan)
        result["submitted"] = 1
    plan.refresh_from_db()
    result.update(plan_id=plan.pk, status=plan.status, total=plan.result_total)
    return result


def summary_line(result: dict[str, Any]) -> str:
    """One line for the load-demo command."""
    total = result.get("total")
    shown = f"{total:,.2f} EUR".replace(",", " ") if total is not None else "not calculated"
    return (
        f"Demo costing: {PLAN_NAME} ({result.get('status', '?')}, total {shown}); {result['plans']} plans created, "
        f"{result['calculated']} calculated, {result['submitted']} submitted."
    )
