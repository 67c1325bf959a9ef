"""Reads of the strategy app (through the access layer): a municipality's funnel, inventory, potential, demand,
priorities and roadmap; the comparison across members; the KPI "OZG coverage of members" for controlling."""

import datetime as dt
import statistics
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from verbund.catalog.models import PriceRevision, Product
from verbund.catalog.selectors import approved_price_on
from verbund.core.access import Action, user_sees_all
from verbund.core.money import round_even
from verbund.registry.choices import ApprovalStatus
from verbund.registry.models import AgreementParty, Organization
from verbund.strategy.choices import SolutionKind
from verbund.strategy.engine.potential import PotentialInput, PotentialRow, potential
from verbund.strategy.engine.priority import Score, ServiceFacts, Weights, score_services
from verbund.strategy.models import (
    CaseVolume,
    CatalogueImport,
    CoverageFigure,
    InventoryEntry,
    LeikaService,
    PriorityWeights,
    ProductServiceTag,
    RoadmapItem,
    Themenfeld,
)


def scope_services() -> QuerySet[LeikaService]:
    """The services every municipality is measured against (municipal LeiKa type, linked to an OZG service,
    not withdrawn)."""
    return LeikaService.objects.filter(municipal=True, withdrawn_in__isnull=True, ozg__isnull=False)


def latest_import() -> CatalogueImport | None:
    return CatalogueImport.objects.order_by("-created").first()


def _member_ids(*, user: Any) -> QuerySet[Any] | list[int]:
    """Ids of the municipalities whose strategy the user may open: for provider staff every current agreement
    party and every municipality with an inventory (from the pre-aggregated figures, not the inventory rows);
    for a member contact its own organisation."""
    if not user.has_perm("strategy.view_inventoryentry"):
        return []
    if user_sees_all(user):
        parties = AgreementParty.objects.filter(status=ApprovalStatus.APPROVED, left_on__isnull=True).values(
            "organization_id"
        )
        return Organization.objects.filter(
            Q(pk__in=parties) | Q(pk__in=CoverageFigure.objects.values("organization_id"))
        ).values("pk")
    return list(Organization.objects.restrict(user).filter(pk=user.organization_id).values_list("pk", flat=True))


def strategy_members(*, user: Any) -> list[Organization]:
    """Municipalities whose strategy the user may open (see `_member_ids`), by name."""
    return list(Organization.objects.filter(pk__in=_member_ids(user=user)).order_by("name"))


def strategy_organization(*, user: Any, organization_id: int, action: str = Action.VIEW) -> Organization:
    """The municipality whose strategy the user opens (VIEW) or edits (CHANGE): a member contact only its own;
    provider staff any, if their role has the permission."""
    perm = "strategy.view_inventoryentry" if action == Action.VIEW else "strategy.change_inventoryentry"
    if not user.has_perm(perm):
        raise PermissionDenied
    organization = get_object_or_404(Organization.objects.restrict(user), pk=organization_id)
    if not user_sees_all(user) and organization.pk != user.organization_id:
        raise PermissionDenied
    return organization


@dataclass(frozen=True)
class Funnel:
    in_scope: int
    described: int
    online: int
    entries: int
    demo: bool


def funnel(organization: Organization) -> Funnel:
    entries = InventoryEntry.objects.filter(organization=organization)
    in_scope_entries = entries.filter(leika__in=scope_services())
    counts = in_scope_entries.aggregate(
        described=Count("pk", filter=Q(described=True)), online=Count("pk", filter=Q(online=True))
    )
    return Funnel(
        in_scope=scope_services().count(),
        described=counts["described"],
        online=counts["online"],
        entries=entries.count(),
        demo=entries.filter(source="demo").exists(),
    )


def inventory(organization: Organization) -> QuerySet[InventoryEntry]:
    return (
        InventoryEntry.objects.filter(organization=organization)
        .select_related("leika", "leika__ozg", "product")
        .order_by("-online", "leika__name")
    )


def inventory_for_user(*, user: Any, organization: Organization) -> QuerySet[InventoryEntry]:
    """A municipality's inventory as the user may read it (access layer: a member contact sees its own
    organisation's rows only), by service name: a stable order for the API's pages."""
    return (
        InventoryEntry.objects.restrict(user)
        .filter(organization=organization)
        .select_related("leika", "leika__ozg")
        .order_by("leika__name", "leika_id")
    )


def inventory_entry_for_user(*, user: Any, organization: Organization, leika_id: int) -> InventoryEntry:
    """One entry of a municipality's inventory with its maturity scores; 404 where there is none, or none the
    user may see."""
    entries = inventory_for_user(user=user, organization=organization).prefetch_related("scores")
    return get_object_or_404(entries, leika_id=leika_id)


@dataclass(frozen=True)
class Offer:
    product: Product
    price: PriceRevision | None


@dataclass(frozen=True)
class PotentialLine:
    service: LeikaService
    row: PotentialRow
    offers: tuple[Offer, ...]


def orderable_tags() -> dict[int, list[Product]]:
    """LeiKa service id → active products tagged with it."""
    tags: dict[int, list[Product]] = {}
    for tag in ProductServiceTag.objects.filter(product__status="active").select_related("product"):
        tags.setdefault(tag.leika_id, []).append(tag.product)
    return tags


def potential_lines(organization: Organization, *, as_of: dt.date, limit: int | None = None) -> list[PotentialLine]:
    scope_ids = set(scope_services().values_list("pk", flat=True))
    online_here = set(
        InventoryEntry.objects.filter(organization=organization, online=True).values_list("leika_id", flat=True)
    )
    tags = orderable_tags()
    others = InventoryEntry.objects.filter(online=True).exclude(organization=organization)
    efa = set(others.filter(solution_kind=SolutionKind.EFA).values_list("leika_id", flat=True).distinct())
    counts = dict(others.values_list("leika_id").annotate(n=Count("pk")).values_list("leika_id", "n").order_by())
    rows = potential(
        PotentialInput(
            in_scope=frozenset(str(i) for i in scope_ids),
            online_here=frozenset(str(i) for i in online_here),
            products={str(k): tuple(p.pk for p in v) for k, v in tags.items()},
            efa=frozenset(str(i) for i in efa),
            others_online={str(k): v for k, v in counts.items()},
        )
    )
    if limit is not None:
        rows = rows[:limit]
    services = LeikaService.objects.select_related("ozg").in_bulk([int(r.ident) for r in rows])
    products = {p.pk: p for ps in tags.values() for p in ps}
    lines = []
    for row in rows:
        offers = tuple(Offer(products[pk], approved_price_on(product=products[pk], on=as_of)) for pk in row.products)
        lines.append(PotentialLine(services[int(row.ident)], row, offers))
    return lines


@dataclass(frozen=True)
class DemandLine:
    service: LeikaService
    year: int
    cases: int
    source: str
    is_estimate: bool
    is_proxy: bool
    is_demo: bool = False
    basis: str = ""


def demand_lines(organization: Organization) -> list[DemandLine]:
    """The latest recorded figure per service; for services with figures only elsewhere, a population proxy:
    the median of the other municipalities' cases per inhabitant × this municipality's population (labelled)."""
    lines: dict[int, DemandLine] = {}
    own = CaseVolume.objects.filter(organization=organization).select_related("leika").order_by("leika_id", "-year")
    for v in own:
        if v.leika_id not in lines:
            lines[v.leika_id] = DemandLine(v.leika, v.year, v.cases, v.source, v.is_estimate, False, v.is_demo)
    if organization.population:
        rates: dict[int, list[Decimal]] = {}
        years: dict[int, int] = {}
        others = (
            CaseVolume.objects.exclude(organization=organization)
            .exclude(leika_id__in=list(lines))
            .filter(organization__population__gt=0)
            .values_list("leika_id", "cases", "organization__population", "year")
        )
        for leika_id, cases, population, year in others:
            rates.setdefault(leika_id, []).append(Decimal(cases) / Decimal(population or 1))
            years[leika_id] = max(years.get(leika_id, 0), year)
        services = LeikaService.objects.in_bulk(list(rates))
        for leika_id, values in rates.items():
            rate = statistics.median(values)
            lines[leika_id] = DemandLine(
                services[leika_id],
                years[leika_id],
                int((rate * organization.population).to_integral_value()),
                "",
                True,
                True,
                basis=f"{len(values)}",
            )
    return sorted(lines.values(), key=lambda line: (-line.cases, line.service.name))


def weights_for(organization: Organization) -> Weights:
    stored = PriorityWeights.objects.filter(organization=organization).first()
    if stored is None:
        return Weights()
    return Weights(stored.demand, stored.gap, stored.available, stored.mandatory, stored.effort)


@dataclass(frozen=True)
class PriorityLine:
    service: LeikaService
    score: Score
    facts: ServiceFacts


def priority_lines(
    organization: Organization, *, weights: Weights | None = None, limit: int = 50
) -> list[PriorityLine]:
    """Scores of the services in scope that are not online yet (see `engine.priority`)."""
    weights = weights or weights_for(organization)
    entries = {e.leika_id: e for e in InventoryEntry.objects.filter(organization=organization)}
    demand = {line.service.pk: line.cases for line in demand_lines(organization)}
    tags = orderable_tags()
    others = InventoryEntry.objects.filter(online=True).exclude(organization=organization)
    efa_or_others = set(others.values_list("leika_id", flat=True).distinct())
    services = {s.pk: s for s in scope_services()}
    facts = []
    for pk, service in services.items():
        entry = entries.get(pk)
        if entry is not None and entry.online:
            continue
        level, top = None, 4
        if entry is not None and entry.level_2025 is not None:
            level, top = entry.level_2025, 7
        elif entry is not None and entry.level_2020 is not None:
            level = entry.level_2020
        catalogue = pk in tags
        available = catalogue or pk in efa_or_others
        effort = Decimal(0) if catalogue else Decimal("0.5") if available else Decimal(1)
        facts.append(ServiceFacts(str(pk), demand.get(pk), level, top, available, service.sdg_relevant, effort))
    by_ident = {f.ident: f for f in facts}
    scores = score_services(facts, weights)[:limit]
    return [PriorityLine(services[int(s.ident)], s, by_ident[s.ident]) for s in scores]


def roadmap(organization: Organization) -> QuerySet[RoadmapItem]:
    return RoadmapItem.objects.filter(organization=organization).select_related("leika", "product")


def roadmap_progress(items: list[RoadmapItem]) -> list[tuple[int, int, int]]:
    """Progress over time: per year (year, milestones due by its end, milestones done by its end)."""
    years = sorted({i.milestone.year for i in items} | {i.done_on.year for i in items if i.done_on})
    return [
        (
            year,
            sum(1 for i in items if i.milestone.year <= year),
            sum(1 for i in items if i.done_on is not None and i.done_on.year <= year),
        )
        for year in years
    ]


@dataclass(frozen=True)
class ThemenfeldCoverage:
    themenfeld: Themenfeld
    in_scope: int
    online: int
    members: int

    @property
    def share(self) -> Decimal:
        base = self.in_scope * self.members
        return round_even(Decimal(self.online) * 100 / base, Decimal("0.1")) if base else Decimal(0)


@dataclass
class Comparison:
    members: int
    themen: list[ThemenfeldCoverage] = field(default_factory=list)
    per_member: list[tuple[Organization, int, int]] = field(default_factory=list)  # (org, online, in scope)
    missing: list[tuple[LeikaService, int, int]] = field(default_factory=list)  # (service, cases, members without)


def _coverage_figures(*, user: Any, ids: QuerySet[Any] | list[int]) -> QuerySet[CoverageFigure]:
    # Every municipality with coverage figures is a member for provider staff: read the figures unfiltered.
    if user_sees_all(user):
        return CoverageFigure.objects.all()
    return CoverageFigure.objects.filter(organization_id__in=ids)


def _themen_coverage(figures: QuerySet[CoverageFigure], members: int) -> list[ThemenfeldCoverage]:
    by_theme = dict(figures.values("themenfeld_id").annotate(n=Sum("online")).values_list("themenfeld_id", "n"))
    themen_scope = dict(
        scope_services()
        .values_list("ozg__lebenslage__themenfeld")
        .annotate(n=Count("pk"))
        .values_list("ozg__lebenslage__themenfeld", "n")
        .order_by()
    )
    return [
        ThemenfeldCoverage(theme, themen_scope.get(theme.pk, 0), by_theme.get(theme.pk) or 0, members)
        for theme in Themenfeld.objects.filter(withdrawn_in__isnull=True)
    ]


def themenfeld_coverage(*, user: Any) -> Comparison:
    """Coverage per Themenfeld across the members the user may see (from the pre-aggregated `CoverageFigure`),
    without the comparison's member ranking and missing services: four queries."""
    ids = _member_ids(user=user)
    result = Comparison(members=Organization.objects.filter(pk__in=ids).count())
    result.themen = _themen_coverage(_coverage_figures(user=user, ids=ids), result.members)
    return result


def comparison(*, user: Any, missing_limit: int = 20, member_limit: int = 50) -> Comparison:
    """Across the members the user may see: coverage per Themenfeld and the members with the most services
    online (from the pre-aggregated `CoverageFigure`), and the most-demanded services not online at the members
    that record demand. A fixed number of queries, none over the inventory rows except per recorded volume."""
    ids = _member_ids(user=user)
    result = Comparison(members=Organization.objects.filter(pk__in=ids).count())
    in_scope = scope_services().count()
    figures = _coverage_figures(user=user, ids=ids)
    result.themen = _themen_coverage(figures, result.members)
    top = list(
        figures.values("organization_id").annotate(n=Sum("online")).order_by("-n", "organization_id")[:member_limit]
    )
    names = Organization.objects.in_bulk([row["organization_id"] for row in top])
    result.per_member = [(names[row["organization_id"]], row["n"] or 0, in_scope) for row in top]
    online_here = InventoryEntry.objects.filter(
        organization_id=OuterRef("organization_id"), leika_id=OuterRef("leika_id"), online=True
    )
    volumes = (
        CaseVolume.objects.filter(organization_id__in=ids, leika__in=scope_services())
        .annotate(online_here=Exists(online_here))
        .filter(online_here=False)
        .order_by("organization_id", "leika_id", "-year")
        .values_list("organization_id", "leika_id", "cases")
    )
    totals: dict[int, int] = {}
    without: dict[int, set[int]] = {}
    seen: set[tuple[int, int]] = set()
    for org_id, leika_id, cases in volumes:
        if (org_id, leika_id) in seen:
            continue
        seen.add((org_id, leika_id))
        totals[leika_id] = totals.get(leika_id, 0) + cases
        without.setdefault(leika_id, set()).add(org_id)
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:missing_limit]
    services = LeikaService.objects.in_bulk([pk for pk, _n in ranked])
    result.missing = [(services[pk], n, len(without[pk])) for pk, n in ranked]
    return result


def online_at(*, user: Any, leika: LeikaService) -> list[Organization]:
    """Which of the user's visible municipalities offer this service online."""
    online = InventoryEntry.objects.filter(leika=leika, online=True).values("organization_id")
    return list(Organization.objects.filter(pk__in=_member_ids(user=user)).filter(pk__in=online).order_by("name"))


@dataclass(frozen=True)
class OzgCoverage:
    """The KPI "OZG coverage of members": services in scope that are online, summed over the members."""

    members: int
    in_scope: int  # per member
    online: int  # summed over the members
    share: Decimal  # percent, one decimal: online / (members × in_scope)


def ozg_coverage_of_members(*, organization_ids: list[int]) -> OzgCoverage:
    """For the controlling app: the OZG coverage of these member organisations, from the pre-aggregated figures
    (`CoverageFigure`, refreshed on every inventory change). Reads no user scope: the caller decides which
    members count (e.g. the current parties of an agreement) and checks the user's access itself.

    share = Σ online services in scope / (number of members × services in scope) × 100, rounded to 0.1."""
    in_scope = scope_services().count()
    online = CoverageFigure.objects.filter(organization_id__in=organization_ids).aggregate(n=Sum("online"))["n"] or 0
    base = in_scope * len(organization_ids)
    share = round_even(Decimal(online) * 100 / base, Decimal("0.1")) if base else Decimal(0)
    return OzgCoverage(len(organization_ids), in_scope, online, share)


def provider_members_on(*, provider_id: int, on: dt.date) -> list[int]:
    """Ids of the organisations that are parties in force on `on` of an agreement with this provider."""
    return list(
        AgreementParty.objects.filter(
            agreement__provider_id=provider_id, status=ApprovalStatus.APPROVED, joined_on__lte=on
        )
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=on))
        .values_list("organization_id", flat=True)
        .distinct()
        .order_by("organization_id")
    )


@dataclass(frozen=True)
class OnlineShare:
    """Services in scope that are online, over the members with an inventory, per Themenfeld and in total."""

    members: int  # members asked for
    with_inventory: int  # of them, those with an inventory (the base)
    in_scope: int  # services in scope per member
    online: int  # summed over the members with an inventory
    themen: list[ThemenfeldCoverage]
    cut_off: dt.date | None  # the newest change of these inventories


def ozg_online_share(*, organization_ids: list[int]) -> OnlineShare:
    """For the controlling app's figure `strategy.ozg_online_share`: from the pre-aggregated figures
    (`CoverageFigure`); a member without an inventory is not counted as offline but left out of the base. Reads
    no user scope (the caller decides which members count)."""
    figures = CoverageFigure.objects.filter(organization_id__in=organization_ids)
    with_inventory = figures.values("organization_id").distinct().count()
    themen = _themen_coverage(figures, with_inventory)
    newest = (
        InventoryEntry.objects.filter(organization_id__in=organization_ids).order_by().aggregate(m=Max("modified"))["m"]
    )
    return OnlineShare(
        members=len(set(organization_ids)),
        with_inventory=with_inventory,
        in_scope=scope_services().count(),
        online=sum(t.online for t in themen),
        themen=themen,
        cut_off=newest.date() if newest else None,
    )
