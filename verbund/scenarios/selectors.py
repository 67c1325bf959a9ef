"""Reads of the scenarios app, and the loader that turns portfolios and scenarios into the engine's model.

Costs of items linked to a planned catalogue product come from the provider's plan of the base year through
the costing engine (`costing.selectors.plan_model` + `costing.engine.calculate`); their users and key shares
from the same plan's fee lines. Items without a plan carry an assumed annual cost and their own usage rows.
"""

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from verbund.costing import engine as costing
from verbund.costing.choices import PlanStatus
from verbund.costing.models import PlanVersion
from verbund.costing.selectors import plan_model
from verbund.registry.models import Organization
from verbund.scenarios import engine
from verbund.scenarios.choices import ASSUMPTIONS
from verbund.scenarios.models import (
    PortfolioItem,
    PortfolioUsage,
    ProviderProfile,
    Scenario,
    ScenarioEntity,
    ScenarioMemberFee,
    ScenarioMove,
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
