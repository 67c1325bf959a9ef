"""Deterministic projection: cost per entity and year, one-off and double-running cost, VAT by legal form, net
present value, and the fee of every member per year, computed by the costing engine (formulas exist once).

Per item and year t (base cost c, price factor G_t = (1 + p)^(t − base year), move year y, ramp τ):
- synergy S_t = S_category · min(1, (t − y + 1)/τ) once the item has moved (0 in the status quo);
- running cost c · G_t · (1 − S_t); double running c · G_y · months/12 in the move year;
- one-off migration c · G_y · m in the move year (cash), recovered through the fees over `amortisation_years`.
Per entity and year the items' costs (running + double running + recovered one-off) and the entity's overhead
(a support centre allocated to the items in proportion to their base cost) form a `CostingModel`; the costing
engine computes every member's fee. VAT: a GmbH charges VAT on every fee; a public-law entity's supplies to its
members are untaxed while § 2b UStG holds (an assumption per entity); an own unit never taxes its host city.
"""

import gc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from statistics import median

from verbund.core.money import round_even, round_money
from verbund.core.steps import Step
from verbund.costing import engine as costing

from .errors import ScenarioError
from .inputs import ZERO, Assumptions, Entity, Item, Scenario, ScenarioModel
from .rules import Check, entity_checks, in_house_checks, vat_rate

STATUS_QUO = "status_quo"
ONE = Decimal(1)
TWELVE = Decimal(12)


@dataclass(frozen=True, slots=True)
class Values:
    """Point values of the assumptions: the likely ones, or one Monte Carlo draw."""

    synergy: Decimal
    synergy_by_category: dict[str, Decimal]
    migration: Decimal
    double_running_months: Decimal
    price_index: Decimal
    discount_rate: Decimal

    def synergy_of(self, category: str) -> Decimal:
        return self.synergy_by_category.get(category, self.synergy)


def likely_values(assumptions: Assumptions) -> Values:
    return Values(
        assumptions.synergy.likely,
        {c.category: c.synergy.likely for c in assumptions.synergy_by_category},
        assumptions.migration.likely,
        assumptions.double_running_months.likely,
        assumptions.price_index.likely,
        assumptions.discount_rate.likely,
    )


@dataclass(frozen=True, slots=True)
class ItemYear:
    item: str
    year: int
    entity: str
    factor: Decimal
    synergy: Decimal
    running: Decimal
    double_running: Decimal
    one_off: Decimal  # cash, in the move year
    amortised: Decimal  # the share of one-off costs recovered through the fees this year

    @property
    def fee_cost(self) -> Decimal:
        return self.running + self.double_running + self.amortised

    @property
    def saving(self) -> Decimal:
        return self.running * self.synergy / (ONE - self.synergy) if self.synergy != ONE else ZERO


@dataclass(frozen=True, slots=True)
class YearResult:
    year: int
    cost_by_entity: dict[str, Decimal]  # cash cost (running + double running + one-off + overhead), rounded
    running: Decimal
    double_running: Decimal
    one_off: Decimal
    overhead: Decimal
    vat: Decimal  # VAT burden on the members' fees
    total: Decimal  # Σ cost + VAT
    present: Decimal  # total discounted to the start year
    fees: dict[str, Decimal]  # fee per member, VAT included (rounded to the cent)
    vat_by_entity: dict[str, Decimal]


@dataclass(frozen=True, slots=True)
class FeeSummary:
    year: int
    members: int
    minimum: Decimal
    median: Decimal
    maximum: Decimal
    losers: tuple[str, ...]  # members whose fee rises
    over_limit: tuple[str, ...]  # members whose fee rises by more than the limit


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    scenario: str
    name: str
    years: tuple[YearResult, ...]
    npv: Decimal  # of the total cost
    savings: Decimal  # NPV status quo − NPV scenario (0 for the status quo)
    fee_summaries: tuple[FeeSummary, ...]
    limit_kept: bool  # no member worse off than the limit in any year
    entities: dict[str, Entity]
    trace: tuple[Step, ...]
    checks: tuple[Check, ...] = ()

    def fees_of(self, member: str) -> dict[int, Decimal]:
        return {y.year: y.fees.get(member, ZERO) for y in self.years}


@dataclass(frozen=True, slots=True)
class Projection:
    status_quo: ScenarioResult
    scenarios: tuple[ScenarioResult, ...]

    def all(self) -> tuple[ScenarioResult, ...]:
        return (self.status_quo, *self.scenarios)


# ---------------------------------------------------------------- validation


def _check_range(path: str, low: Decimal, likely: Decimal, high: Decimal) -> None:
    if not low <= likely <= high:
        raise ScenarioError(path, f"low {low} ≤ likely {likely} ≤ high {high} does not hold")


def validate(model: ScenarioModel) -> None:
    if not model.base_year <= model.start_year <= model.end_year:
        raise ScenarioError("start_year", "base year ≤ start year ≤ end year does not hold")
    providers = {p.id for p in model.providers}
    if len(providers) != len(model.providers):
        raise ScenarioError("providers", "provider ids are not unique")
    items: set[str] = set()
    for index, item in enumerate(model.items):
        path = f"items[{index}]"
        if item.id in items:
            raise ScenarioError(path, f"item {item.id} appears twice")
        items.add(item.id)
        if item.provider not in providers:
            raise ScenarioError(f"{path}.provider", f"unknown provider {item.provider}")
        if item.cost < 0:
            raise ScenarioError(f"{path}.cost", "the cost must not be negative")
        if item.charging == costing.Charging.METERED and not item.planned_quantity:
            raise ScenarioError(f"{path}.planned_quantity", "a metered item needs a planned quantity > 0")
    for index, use in enumerate(model.usage):
        if use.item not in items:
            raise ScenarioError(f"usage[{index}].item", f"unknown item {use.item}")
    for entity in model.providers:
        _check_entity(f"providers[{entity.id}]", entity)
    for s_index, scenario in enumerate(model.scenarios):
        path = f"scenarios[{s_index}]"
        entities = set(providers)
        for e_index, entity in enumerate(scenario.entities):
            if entity.id in entities:
                raise ScenarioError(f"{path}.entities[{e_index}]", f"entity {entity.id} exists already")
            entities.add(entity.id)
            _check_entity(f"{path}.entities[{e_index}]", entity)
        seen: dict[tuple[str, int], str] = {}
        for m_index, move in enumerate(scenario.moves):
            mpath = f"{path}.moves[{m_index}]"
            if move.item not in items:
                raise ScenarioError(f"{mpath}.item", f"unknown item {move.item}")
            if move.entity not in entities:
                raise ScenarioError(f"{mpath}.entity", f"unknown entity {move.entity}")
            if not model.start_year <= move.year <= model.end_year:
                raise ScenarioError(f"{mpath}.year", f"{move.year} is outside {model.start_year}–{model.end_year}")
            key = (move.item, move.year)
            if key in seen and seen[key] != move.entity:
                raise ScenarioError(
                    mpath, f"item {move.item} is in two entities in {move.year}: {seen[key]} and {move.entity}"
                )
            seen[key] = move.entity
        a = scenario.assumptions
        for name in ("synergy", "migration", "double_running_months", "attrition", "price_index", "discount_rate"):
            r = getattr(a, name)
            _check_range(f"{path}.assumptions.{name}", r.low, r.likely, r.high)
            if r.low < 0 and name not in ("price_index",):
                raise ScenarioError(f"{path}.assumptions.{name}", "must not be negative")
        for c in a.synergy_by_category:
            r = c.synergy
            _check_range(f"{path}.assumptions.synergy_by_category[{c.category}]", r.low, r.likely, r.high)
        for share in (a.synergy, *(c.synergy for c in a.synergy_by_category)):
            if share.low < 0 or share.high >= 1:
                raise ScenarioError(f"{path}.assumptions.synergy", "a synergy share lies in [0, 1)")
        if a.ramp_years < 1 or a.amortisation_years < 1:
            raise ScenarioError(f"{path}.assumptions.ramp_years", "ramp and amortisation years must be ≥ 1")


def _check_entity(path: str, entity: Entity) -> None:
    if entity.owners:
        total = sum((o.share for o in entity.owners), ZERO)
        if total != ONE:
            raise ScenarioError(f"{path}.owners", f"the owners' shares sum to {total}, not 1")
        if any(o.share < 0 or o.seats < 0 for o in entity.owners):
            raise ScenarioError(f"{path}.owners", "shares and seats must not be negative")
    if entity.overhead < 0 or entity.third_party_turnover < 0:
        raise ScenarioError(path, "overhead and third-party turnover must not be negative")


# ---------------------------------------------------------------- the projection


def status_quo(model: ScenarioModel, like: Scenario | None = None) -> Scenario:
    """The status quo: no moves, with the price index, discount rate and VAT rate of `like` (default: the first
    scenario), so that a scenario is compared with a status quo under the same economic assumptions."""
    like = like or (model.scenarios[0] if model.scenarios else None)
    a = like.assumptions if like else Assumptions()
    same = Assumptions(price_index=a.price_index, discount_rate=a.discount_rate, vat_rate=a.vat_rate)
    return Scenario(STATUS_QUO, "Status quo", (), (), same)


def timelines(model: ScenarioModel, scenario: Scenario) -> dict[str, list[tuple[int, str]]]:
    """Per item: its moves (year, entity) in order of year, starting with (base year, provider)."""
    result: dict[str, list[tuple[int, str]]] = {i.id: [(model.base_year, i.provider)] for i in model.items}
    for move in sorted(scenario.moves, key=lambda m: (m.year, m.item)):
        line = result[move.item]
        if line[-1][1] != move.entity:
            line.append((move.year, move.entity))
    return result


def item_year(
    item: Item, line: list[tuple[int, str]], year: int, values: Values, assumptions: Assumptions, base_year: int
) -> ItemYear:
    entity = line[0][1]
    for start, owner in line:
        if start <= year:
            entity = owner
    first_move = line[1][0] if len(line) > 1 else None
    factor = (ONE + values.price_index) ** (year - base_year)
    synergy = ZERO
    if first_move is not None and year >= first_move:
        ramp = min(ONE, Decimal(year - first_move + 1) / Decimal(assumptions.ramp_years))
        synergy = values.synergy_of(item.category) * ramp
    running = item.cost * factor * (ONE - synergy)
    double = one_off = amortised = ZERO
    for start, _owner in line[1:]:
        move_factor = (ONE + values.price_index) ** (start - base_year)
        cash = item.cost * move_factor * values.migration
        if start == year:
            double += item.cost * move_factor * values.double_running_months / TWELVE
            one_off += cash
        if start <= year < start + assumptions.amortisation_years:
            amortised += cash / Decimal(assumptions.amortisation_years)
    return ItemYear(item.id, year, entity, factor, synergy, running, double, one_off, amortised)


@dataclass(frozen=True, slots=True)
class _ItemParts:
    """The year-independent parts of one item in a costing model (built once per model, reused every year)."""

    centre: costing.CostCentre
    product: costing.Product
    mapping: costing.ProductMapping
    subscriptions: tuple[costing.Subscription, ...]
    key: costing.AllocationKey | None
    members: frozenset[str]
    overhead_weight: Decimal  # the item's quantity of the overhead flow: its base cost (or 1)


@dataclass
class Prepared:
    """What every year and scenario of one model share: the items, the usage per item, the items' costing parts,
    and the costing engine's fees per distinct input (an entity whose items and costs are the same in two years or
    two scenarios, e.g. before the first move, gets the same fees: the costing engine is a pure function)."""

    items: dict[str, Item]
    usage: dict[str, list[tuple[str, Decimal | None, Decimal]]]
    parts: dict[str, _ItemParts]
    members: dict[str, costing.Member]
    fees: dict[tuple[object, ...], dict[str, Decimal]] = field(default_factory=dict)


def prepare(model: ScenarioModel) -> Prepared:
    items = {i.id: i for i in model.items}
    usage = usage_index(model)
    parts: dict[str, _ItemParts] = {}
    names: set[str] = set()
    for item in model.items:
        subscriptions, values, members = [], [], set()
        uses = usage.get(item.id, [])
        for member, quantity, key in uses:
            members.add(member)
            if item.charging == costing.Charging.METERED:
                subscriptions.append(costing.Subscription(member, item.id, quantity or ZERO))
            else:
                subscriptions.append(costing.Subscription(member, item.id))
                values.append(costing.KeyValue(member, key))
        allocation_key = None
        if item.charging == costing.Charging.SHARED and uses:
            component = costing.KeyComponent(costing.KeyBasis.INHABITANTS, ONE, tuple(values))
            allocation_key = costing.AllocationKey(item.id, (component,))
        parts[item.id] = _ItemParts(
            costing.CostCentre(f"C-{item.id}", item.name or item.id, costing.CentreKind.END),
            costing.Product(item.id, item.name or item.id, item.charging, item.planned_quantity),
            costing.ProductMapping(f"C-{item.id}", item.id),
            tuple(subscriptions),
            allocation_key,
            frozenset(members),
            item.cost or ONE,
        )
        names |= members
    return Prepared(items, usage, parts, {m: costing.Member(m) for m in sorted(names)})


COST_TYPES = (costing.CostType("run", "Running cost"), costing.CostType("migration", "One-off migration"))


def costing_model(year: int, rows: list[ItemYear], prepared: Prepared, overhead: Decimal) -> costing.CostingModel:
    """One entity in one year as the costing engine's model: an end centre per item with its costs, the
    overhead as a support centre passed on in proportion to the items' base cost."""
    parts = [prepared.parts[r.item] for r in rows]
    centres = [p.centre for p in parts]
    costs = []
    for r in rows:
        costs.append(costing.PrimaryCost(f"C-{r.item}", "run", round_money(r.running + r.double_running)))
        if r.amortised:
            costs.append(costing.PrimaryCost(f"C-{r.item}", "migration", round_money(r.amortised)))
    flows = []
    if overhead:
        centres.append(costing.CostCentre("OVERHEAD", "Overhead", costing.CentreKind.SUPPORT))
        costs.append(costing.PrimaryCost("OVERHEAD", "run", round_money(overhead)))
        flows = [costing.ServiceQuantity("OVERHEAD", p.centre.id, p.overhead_weight) for p in parts]
    subscriptions = [s for p in parts for s in p.subscriptions]
    members = set().union(*(p.members for p in parts))
    return costing.CostingModel(
        year=year,
        cost_centres=tuple(centres),
        cost_types=COST_TYPES,
        primary_costs=tuple(costs),
        service_quantities=tuple(flows),
        products=tuple(p.product for p in parts),
        product_mappings=tuple(p.mapping for p in parts),
        allocation=costing.AllocationSettings(costing.Method.DIRECT),
        members=tuple(prepared.members[m] for m in sorted(members)),
        subscriptions=tuple(subscriptions),
        keys=tuple(p.key for p in parts if p.key is not None),
    )


def _input_key(rows: list[ItemYear], overhead: Decimal) -> tuple[object, ...]:
    """Everything of an entity-year that reaches its costing model besides the year, which only labels the result
    (the model has no carry-forwards): the items with their rounded costs, and the rounded overhead."""
    return (
        tuple(
            (
                r.item,
                round_money(r.running + r.double_running),
                round_money(r.amortised) if r.amortised else None,
            )
            for r in rows
        ),
        round_money(overhead) if overhead else None,
    )


def usage_index(model: ScenarioModel) -> dict[str, list[tuple[str, Decimal | None, Decimal]]]:
    usage: dict[str, list[tuple[str, Decimal | None, Decimal]]] = defaultdict(list)
    for use in model.usage:
        usage[use.item].append((use.member, use.quantity, use.key))
    return usage


def _calculate(scenario: Scenario, entity_id: str, year: int, cmodel: costing.CostingModel) -> costing.CostingResult:
    try:
        return costing.calculate(cmodel)
    except costing.CostingError as exc:
        raise ScenarioError(f"scenarios[{scenario.id}].{entity_id}.{year}", exc.args[-1]) from exc


def _item_rows(
    model: ScenarioModel, scenario: Scenario, values: Values, year: int, lines: dict[str, list[tuple[int, str]]]
) -> dict[str, list[ItemYear]]:
    rows: dict[str, list[ItemYear]] = defaultdict(list)
    for item in model.items:
        row = item_year(item, lines[item.id], year, values, scenario.assumptions, model.base_year)
        rows[row.entity].append(row)
    return rows


def entity_fees(
    model: ScenarioModel,
    scenario: Scenario,
    values: Values,
    year: int,
    prepared: Prepared | None = None,
) -> tuple[dict[str, list[ItemYear]], dict[str, costing.CostingResult], dict[str, Entity]]:
    """The items per entity in `year` and the costing engine's result per entity."""
    prepared = prepared or prepare(model)
    entities = {e.id: e for e in (*model.providers, *scenario.entities)}
    rows = _item_rows(model, scenario, values, year, timelines(model, scenario))
    factor = (ONE + values.price_index) ** (year - model.base_year)
    results: dict[str, costing.CostingResult] = {}
    for entity_id, entity_rows in rows.items():
        overhead = entities[entity_id].overhead * factor
        # Items nobody uses cost money but raise no fee (internal services); the rest go to the costing engine.
        billed = [r for r in entity_rows if prepared.usage.get(r.item)]
        if not billed:
            continue
        results[entity_id] = _calculate(scenario, entity_id, year, costing_model(year, billed, prepared, overhead))
    return rows, results, entities


def _net_fees(
    model: ScenarioModel,
    scenario: Scenario,
    values: Values,
    year: int,
    lines: dict[str, list[tuple[int, str]]],
    prepared: Prepared,
) -> tuple[dict[str, list[ItemYear]], dict[str, dict[str, Decimal]], dict[str, Entity]]:
    """As `entity_fees`, but only each entity's net fee per member, computed once per distinct input."""
    entities = {e.id: e for e in (*model.providers, *scenario.entities)}
    rows = _item_rows(model, scenario, values, year, lines)
    factor = (ONE + values.price_index) ** (year - model.base_year)
    fees: dict[str, dict[str, Decimal]] = {}
    for entity_id, entity_rows in rows.items():
        overhead = entities[entity_id].overhead * factor
        billed = [r for r in entity_rows if prepared.usage.get(r.item)]
        if not billed:
            continue
        key = _input_key(billed, overhead)
        if key not in prepared.fees:
            result = _calculate(scenario, entity_id, year, costing_model(year, billed, prepared, overhead))
            prepared.fees[key] = dict(result.fees.by_member)
        fees[entity_id] = prepared.fees[key]
    return rows, fees, entities


def project_scenario(
    model: ScenarioModel, scenario: Scenario, values: Values | None = None, prepared: Prepared | None = None
) -> ScenarioResult:
    values = values or likely_values(scenario.assumptions)
    prepared = prepared or prepare(model)
    lines = timelines(model, scenario)
    vat = scenario.assumptions.vat_rate
    trace: list[Step] = []
    checks: list[Check] = []
    items = prepared.items
    years: list[YearResult] = []
    npv = ZERO
    for year in range(model.start_year, model.end_year + 1):
        rows, results, entities = _net_fees(model, scenario, values, year, lines, prepared)
        cost_by_entity: dict[str, Decimal] = {}
        running = double = one_off = overhead_total = vat_total = ZERO
        fees: dict[str, Decimal] = defaultdict(Decimal)
        vat_by_entity: dict[str, Decimal] = {}
        factor = (ONE + values.price_index) ** (year - model.base_year)
        for entity_id, entity_rows in sorted(rows.items()):
            entity = entities[entity_id]
            overhead = entity.overhead * factor
            r = sum((x.running for x in entity_rows), ZERO)
            d = sum((x.double_running for x in entity_rows), ZERO)
            o = sum((x.one_off for x in entity_rows), ZERO)
            running, double, one_off, overhead_total = running + r, double + d, one_off + o, overhead_total + overhead
            cost_by_entity[entity_id] = round_money(r + d + o + overhead)
            entity_vat = ZERO
            net_fees = ZERO
            net_by_member = dict(results.get(entity_id, {}))
            for member, amount in net_by_member.items():
                tax = round_money(amount * vat_rate(entity, member, vat))
                fees[member] += amount + tax
                entity_vat += tax
                net_fees += amount
            vat_by_entity[entity_id] = entity_vat
            checks.extend(in_house_checks(entity, year, net_by_member))
            checks.extend(entity_checks(entity, year, [items[x.item] for x in entity_rows], entity_vat))
            vat_total += entity_vat
            if entity_vat:
                trace.append(
                    Step(
                        "scenario.vat",
                        {
                            "entity": entity.name,
                            "form": str(entity.legal_form),
                            "year": year,
                            "rate": vat,
                            "fees": net_fees,
                            "vat": entity_vat,
                        },
                    )
                )
            for x in entity_rows:
                if x.one_off and x.year == year:
                    item = items[x.item]
                    trace.append(
                        Step(
                            "scenario.move",
                            {
                                "item": x.item,
                                "entity": entity.name,
                                "year": year,
                                "share": values.migration,
                                "cost": item.cost * x.factor,
                                "one_off": x.one_off,
                                "months": values.double_running_months,
                                "double": x.double_running,
                            },
                        )
                    )
        total = round_money(running + double + one_off + overhead_total) + vat_total
        discount = ONE / (ONE + values.discount_rate) ** (year - model.start_year)
        present = total * discount
        npv += present
        trace.append(
            Step(
                "scenario.year",
                {
                    "year": year,
                    "running": running,
                    "double": double,
                    "one_off": one_off,
                    "overhead": overhead_total,
                    "vat": vat_total,
                    "total": total,
                    "factor": round_even(discount, Decimal("0.000001")),
                    "present": present,
                },
            )
        )
        years.append(
            YearResult(
                year,
                cost_by_entity,
                round_money(running),
                round_money(double),
                round_money(one_off),
                round_money(overhead_total),
                vat_total,
                total,
                round_money(present),
                dict(fees),
                vat_by_entity,
            )
        )
    npv = round_money(npv)
    trace.append(
        Step(
            "scenario.npv", {"start": model.start_year, "end": model.end_year, "rate": values.discount_rate, "npv": npv}
        )
    )
    entities_all = {e.id: e for e in (*model.providers, *scenario.entities)}
    return ScenarioResult(
        scenario.id, scenario.name, tuple(years), npv, ZERO, (), True, entities_all, tuple(trace), tuple(checks)
    )


def compare_fees(
    result: ScenarioResult, base: ScenarioResult, limit: Decimal
) -> tuple[tuple[FeeSummary, ...], bool, tuple[Step, ...]]:
    summaries = []
    steps = []
    kept = True
    for year, base_year in zip(result.years, base.years, strict=True):
        changes: dict[str, Decimal] = {}
        for member in sorted(set(year.fees) | set(base_year.fees)):
            before = base_year.fees.get(member, ZERO)
            after = year.fees.get(member, ZERO)
            if before:
                changes[member] = (after - before) / before
        if not changes:
            continue
        ordered = sorted(changes.values())
        losers = tuple(m for m, c in changes.items() if c > 0)
        over = tuple(m for m, c in changes.items() if c > limit)
        kept = kept and not over
        q = Decimal("0.0001")
        summary = FeeSummary(
            year.year,
            len(changes),
            round_even(ordered[0], q),
            round_even(Decimal(median(ordered)), q),
            round_even(ordered[-1], q),
            losers,
            over,
        )
        summaries.append(summary)
        steps.append(
            Step(
                "scenario.fees",
                {
                    "year": year.year,
                    "members": summary.members,
                    "min": summary.minimum,
                    "median": summary.median,
                    "max": summary.maximum,
                    "losers": len(losers),
                    "over": len(over),
                    "limit": limit,
                },
            )
        )
    return tuple(summaries), kept, tuple(steps)


def project(model: ScenarioModel) -> Projection:
    """Validate the model, project the status quo and every scenario, compare fees and NPV with the status quo."""
    validate(model)
    with gc_paused():
        return _project(model)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while the engine builds millions of small immutable objects (fee lines
    and costing inputs, none of them in reference cycles): its full passes over the growing heap took 40 % of a
    national projection. Reference counting still frees everything; the collector's state is restored after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _project(model: ScenarioModel) -> Projection:
    prepared = prepare(model)
    first = project_scenario(model, status_quo(model), prepared=prepared)
    bases: dict[tuple[Decimal, Decimal, Decimal], ScenarioResult] = {}
    results = []
    for scenario in model.scenarios:
        a = scenario.assumptions
        signature = (a.price_index.likely, a.discount_rate.likely, a.vat_rate)
        if signature not in bases:
            bases[signature] = project_scenario(model, status_quo(model, scenario), prepared=prepared)
        base = bases[signature]
        result = project_scenario(model, scenario, prepared=prepared)
        summaries, kept, steps = compare_fees(result, base, model.worse_off_limit)
        savings = base.npv - result.npv
        saving_step = Step("scenario.savings", {"status_quo": base.npv, "npv": result.npv, "savings": savings})
        results.append(
            ScenarioResult(
                result.scenario,
                result.name,
                result.years,
                result.npv,
                savings,
                summaries,
                kept,
                result.entities,
                (*result.trace, saving_step, *steps),
                result.checks,
            )
        )
    return Projection(first, tuple(results))


def explain_item(model: ScenarioModel, scenario: Scenario, item_id: str, year: int) -> Step:
    """The step that explains one item's cost in one year (built on demand: there are items × years of them)."""
    item = next(i for i in model.items if i.id == item_id)
    values = likely_values(scenario.assumptions)
    x = item_year(item, timelines(model, scenario)[item_id], year, values, scenario.assumptions, model.base_year)
    return Step(
        "scenario.item_year",
        {
            "item": item_id,
            "year": year,
            "entity": x.entity,
            "cost": item.cost,
            "factor": x.factor,
            "synergy": x.synergy,
            "running": x.running,
            "double": x.double_running,
            "one_off": x.one_off,
            "amortised": x.amortised,
        },
    )
