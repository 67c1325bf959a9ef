"""Reads of the scenarios app, and the loader that turns portfolios and scenarios into the engine's model.

Costs of items linked to a planned catalogue product come from the provider's plan of the base year through
the costing engine (`costing.selectors.plan_model` + `costing.engine.calculate`); their users and key shares
from the same plan's fee lines. Items without a plan carry an assumed annual cost and their own usage rows.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from verbund.core.money import round_even
from verbund.costing import engine as costing
from verbund.costing.choices import PlanStatus
from verbund.costing.models import PlanVersion
from verbund.costing.selectors import plan_model
from verbund.registry.models import Organization
from verbund.scenarios import engine
from verbund.scenarios.choices import ASSUMPTIONS, StaffStatus
from verbund.scenarios.models import (
    PortfolioItem,
    PortfolioUsage,
    ProviderProfile,
    Scenario,
    ScenarioEntity,
    ScenarioMemberFee,
    ScenarioMove,
    StaffPosition,
)

PLAN_STATUSES = (PlanStatus.APPROVED, PlanStatus.FROZEN, PlanStatus.SUBMITTED, PlanStatus.DRAFT)


def scenario_list(*, user: Any) -> QuerySet[Scenario]:
    return Scenario.objects.restrict(user).order_by("id")


def scenario_get_for_user(*, user: Any, scenario_id: int, action: str = "view") -> Scenario:
    return get_object_or_404(Scenario.objects.restrict(user, action), pk=scenario_id)


def portfolio_items(*, user: Any) -> QuerySet[PortfolioItem]:
    return PortfolioItem.objects.restrict(user).select_related("provider", "product").order_by("task_key", "code")


def member_fees_for_user(*, user: Any, scenario: Scenario) -> QuerySet[ScenarioMemberFee]:
    return ScenarioMemberFee.objects.restrict(user).filter(scenario=scenario).select_related("member")


def _plan_for(provider_id: int, year: int) -> PlanVersion | None:
    """The provider's plan of `year` that has been calculated, the most binding status first."""
    plans = PlanVersion.objects.filter(provider_id=provider_id, year=year, calculated_at__isnull=False)
    for status in PLAN_STATUSES:
        plan = plans.filter(status=status).order_by("-id").first()
        if plan is not None:
            return plan
    return None


def _plan_figures(provider_id: int, year: int) -> dict[str, tuple[Decimal, list[engine.Usage], Any]]:
    """Per product number: (plan cost, usage, (charging, planned quantity)) from the provider's plan."""
    plan = _plan_for(provider_id, year)
    if plan is None:
        return {}
    model, _members = plan_model(plan=plan)
    result = costing.calculate(model)
    usage: dict[str, list[engine.Usage]] = defaultdict(list)
    for line in result.fees.lines:
        if line.charging == costing.Charging.METERED:
            usage[line.product].append(engine.Usage(line.member, line.product, line.quantity))
        else:
            usage[line.product].append(engine.Usage(line.member, line.product, None, line.share or Decimal(0)))
    return {p.product: (p.cost, usage[p.product], (p.charging, p.planned_quantity)) for p in result.products}


def _range(values: dict[str, Any], name: str) -> engine.Range:
    _label, low, likely, high = ASSUMPTIONS[name]
    given = values.get(name) or {}
    return engine.Range(
        Decimal(str(given.get("low", low))),
        Decimal(str(given.get("likely", likely))),
        Decimal(str(given.get("high", high))),
    )


def assumptions_of(scenario: Scenario) -> engine.Assumptions:
    a = scenario.assumptions or {}
    by_category = tuple(
        engine.CategorySynergy(category, engine.Range(*(Decimal(str(v[k])) for k in ("low", "likely", "high"))))
        for category, v in sorted((scenario.synergy_by_category or {}).items())
    )
    return engine.Assumptions(
        synergy=_range(a, "synergy"),
        synergy_by_category=by_category,
        ramp_years=scenario.ramp_years,
        migration=_range(a, "migration"),
        double_running_months=_range(a, "double_running_months"),
        attrition=_range(a, "attrition"),
        price_index=_range(a, "price_index"),
        discount_rate=_range(a, "discount_rate"),
        amortisation_years=scenario.amortisation_years,
    )


def _owners(data: list[dict[str, Any]]) -> tuple[engine.Owner, ...]:
    return tuple(
        engine.Owner(str(o["authority"]), Decimal(str(o["share"])), int(o.get("seats", 1))) for o in data or []
    )


def provider_entity(profile: ProviderProfile) -> engine.Entity:
    return engine.Entity(
        str(profile.provider_id),
        profile.provider.short_name or profile.provider.name,
        engine.LegalForm(profile.legal_form),
        _owners(profile.owners),
        host=str(profile.host_id or ""),
        overhead=profile.overhead,
    )


def scenario_entity(entity: ScenarioEntity) -> engine.Entity:
    return engine.Entity(
        f"e{entity.pk}",
        entity.name,
        engine.LegalForm(entity.legal_form),
        _owners(entity.owners),
        private_capital=entity.private_capital,
        overhead=entity.overhead,
        third_party_turnover=entity.third_party_turnover,
    )


def engine_model(
    *, scenarios: list[Scenario], base_year: int, start_year: int, end_year: int, limit: Decimal = Decimal("0.05")
) -> tuple[engine.ScenarioModel, dict[str, str]]:
    """The engine's model of every participating provider's portfolio and the given scenarios, with a map from
    the engine's ids (items, entities, members) to display names."""
    profiles = list(ProviderProfile.objects.select_related("provider").order_by("provider__name"))
    provider_ids = [p.provider_id for p in profiles]
    items = list(PortfolioItem.objects.filter(provider_id__in=provider_ids).select_related("product").order_by("code"))
    usages = defaultdict(list)
    for use in PortfolioUsage.objects.filter(item__in=items):
        usages[use.item_id].append(use)
    figures = {pid: _plan_figures(pid, base_year) for pid in provider_ids}
    engine_items: list[engine.Item] = []
    engine_usage: list[engine.Usage] = []
    names: dict[str, str] = {}
    for item in items:
        item_id = f"i{item.pk}"
        names[item_id] = item.name
        plan = figures[item.provider_id].get(item.product.number) if item.product is not None else None
        if plan is not None:
            cost, uses, (charging, planned) = plan
            engine_items.append(
                engine.Item(
                    item_id,
                    str(item.provider_id),
                    item.task_key,
                    item.category,
                    cost,
                    charging,
                    planned,
                    item.fte,
                    item.civil_servant_fte,
                    item.name,
                )
            )
            engine_usage.extend(engine.Usage(u.member, item_id, u.quantity, u.key) for u in uses)
        else:
            engine_items.append(
                engine.Item(
                    item_id,
                    str(item.provider_id),
                    item.task_key,
                    item.category,
                    item.annual_cost or Decimal(0),
                    costing.Charging(item.charging),
                    item.planned_quantity,
                    item.fte,
                    item.civil_servant_fte,
                    item.name,
                )
            )
            engine_usage.extend(
                engine.Usage(str(u.member_id), item_id, u.quantity, u.key_value) for u in usages[item.pk]
            )
    entities = defaultdict(list)
    for entity in ScenarioEntity.objects.filter(scenario__in=scenarios).order_by("code"):
        entities[entity.scenario_id].append(entity)
        names[f"e{entity.pk}"] = entity.name
    moves = defaultdict(list)
    for move in ScenarioMove.objects.filter(scenario__in=scenarios):
        moves[move.scenario_id].append(engine.Move(f"i{move.item_id}", f"e{move.entity_id}", move.year))
    engine_scenarios = tuple(
        engine.Scenario(
            f"s{s.pk}", s.name, tuple(scenario_entity(e) for e in entities[s.pk]), tuple(moves[s.pk]), assumptions_of(s)
        )
        for s in scenarios
    )
    members = {u.member for u in engine_usage}
    for org in Organization.objects.filter(pk__in=[int(m) for m in members] + provider_ids):
        names[str(org.pk)] = org.short_name or org.name
    model = engine.ScenarioModel(
        base_year=base_year,
        start_year=start_year,
        end_year=end_year,
        providers=tuple(provider_entity(p) for p in profiles),
        items=tuple(engine_items),
        usage=tuple(engine_usage),
        scenarios=engine_scenarios,
        worse_off_limit=limit,
    )
    return model, names


def scenario_engine_model(scenario: Scenario) -> tuple[engine.ScenarioModel, dict[str, str]]:
    return engine_model(
        scenarios=[scenario],
        base_year=scenario.base_year,
        start_year=scenario.start_year,
        end_year=scenario.end_year,
        limit=scenario.worse_off_limit,
    )


# --- staff per person -----------------------------------------------------------------------------------------

STAFF_YEARS = tuple(range(2026, 2041))  # the years of the retirement chart
ATTRITION_YEARS = (2026, 2030)  # natural attrition: the FTE retiring by the end of 2030 (overdue ones included)


def staff_provider(*, user: Any) -> QuerySet[Organization]:
    """The providers with portfolio items the user may see (the providers of the portfolio page)."""
    return (
        Organization.objects.restrict(user)
        .filter(portfolio_items__in=PortfolioItem.objects.restrict(user))
        .distinct()
        .order_by("name")
    )


def staff_provider_get(*, user: Any, provider_id: int) -> Organization:
    return get_object_or_404(staff_provider(user=user), pk=provider_id)


def staff_positions(*, user: Any, provider: Organization) -> QuerySet[StaffPosition]:
    return (
        StaffPosition.objects.restrict(user)
        .filter(provider=provider)
        .select_related("item")
        .order_by("item__code", "reference")
    )


@dataclass
class StaffGroup:
    """The positions of one service (portfolio item)."""

    item: PortfolioItem
    positions: list[StaffPosition] = field(default_factory=list)
    fte: Decimal = Decimal(0)
    civil: Decimal = Decimal(0)
    employees: Decimal = Decimal(0)
    pay_groups: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class StaffOverview:
    provider: Organization
    groups: list[StaffGroup]
    fte: Decimal
    civil: Decimal
    employees: Decimal
    # (year, civil servant FTE, employee FTE, total, per cent of the total FTE) for STAFF_YEARS
    years: list[tuple[int, Decimal, Decimal, Decimal, Decimal | None]]
    overdue: Decimal  # FTE whose retirement year lies before the first year
    by_horizon: Decimal  # FTE retiring by the end of ATTRITION_YEARS[1], overdue included
    attrition: Decimal | None  # by_horizon / fte
    attrition_per_year: Decimal | None  # attrition / number of ATTRITION_YEARS

    @property
    def positions(self) -> int:
        return sum(len(g.positions) for g in self.groups)

    @property
    def attrition_percent(self) -> Decimal | None:
        return _percent(self.attrition)

    @property
    def attrition_per_year_percent(self) -> Decimal | None:
        return _percent(self.attrition_per_year)


def _percent(share: Decimal | None) -> Decimal | None:
    return None if share is None else share * 100


def _share(part: Decimal, whole: Decimal) -> Decimal | None:
    return round_even(part / whole, Decimal("0.0001")) if whole else None


def staff_overview(*, user: Any, provider: Organization) -> StaffOverview:
    """The provider's positions grouped by service, the FTE retiring per year and the natural attrition: the
    FTE retiring by 2030 as a share of today's FTE, and that share per year (the basis for the scenario
    assumption "staff attrition", which the engine takes as entered)."""
    groups: dict[int, StaffGroup] = {}
    for item in PortfolioItem.objects.restrict(user).filter(provider=provider).order_by("code"):
        groups[item.pk] = StaffGroup(item=item)
    retiring: dict[int, list[Decimal]] = {year: [Decimal(0), Decimal(0)] for year in STAFF_YEARS}
    overdue = Decimal(0)
    by_horizon = Decimal(0)
    for position in staff_positions(user=user, provider=provider):
        group = groups.setdefault(position.item_id, StaffGroup(item=position.item))
        group.positions.append(position)
        group.fte += position.fte
        civil = position.status == StaffStatus.CIVIL_SERVANT
        if civil:
            group.civil += position.fte
        else:
            group.employees += position.fte
        group.pay_groups[position.pay_group] = group.pay_groups.get(position.pay_group, Decimal(0)) + position.fte
        if position.retirement_year in retiring:
            retiring[position.retirement_year][0 if civil else 1] += position.fte
        if position.retirement_year < STAFF_YEARS[0]:
            overdue += position.fte
        if position.retirement_year <= ATTRITION_YEARS[1]:
            by_horizon += position.fte
    ordered = [g for g in groups.values()]
    for group in ordered:
        group.pay_groups = dict(sorted(group.pay_groups.items(), key=lambda kv: _pay_group_order(kv[0])))
    fte = sum((g.fte for g in ordered), Decimal(0))
    civil_total = sum((g.civil for g in ordered), Decimal(0))
    years = [(y, c, e, c + e, _percent(_share(c + e, fte))) for y, (c, e) in retiring.items()]
    attrition = _share(by_horizon, fte)
    span = ATTRITION_YEARS[1] - ATTRITION_YEARS[0] + 1
    return StaffOverview(
        provider=provider,
        groups=ordered,
        fte=fte,
        civil=civil_total,
        employees=fte - civil_total,
        years=years,
        overdue=overdue,
        by_horizon=by_horizon,
        attrition=attrition,
        attrition_per_year=round_even(attrition / span, Decimal("0.0001")) if attrition is not None else None,
    )


def _pay_group_order(pay_group: str) -> tuple[str, int, str]:
    letter, _space, grade = pay_group.partition(" ")
    digits = "".join(ch for ch in grade if ch.isdigit())
    return (letter, int(digits or 0), grade.removeprefix(digits))
