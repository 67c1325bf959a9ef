"""Monte Carlo risk of a scenario (methods §2.3): the uncertain assumptions are drawn by Latin hypercube sampling
(seeded, reproducible) from triangular distributions (low, likely, high), and each draw is projected with the
same cost formulas as `projection` in float arithmetic (NumPy), against the status quo under the same draw.

Results are floats, reported rounded to the euro (and shares to 4 decimals): they describe a distribution,
never a fee that is charged. Member fees per draw are the sparse product of the item costs of the final year
with the fee weights that the costing engine computes once for the likely values (a shared product's key share,
a metered product's quantity ÷ planned quantity, VAT by legal form): linear in the cost, so the formulas stay
in the costing engine. With zero spread (low = likely = high) the result equals the deterministic projection
up to the cent rounding of the latter.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from .errors import ScenarioError
from .inputs import Entity, Range, Scenario, ScenarioModel
from .projection import Prepared, entity_fees, gc_paused, likely_values, prepare, status_quo, timelines, validate
from .rules import vat_rate

Progress = Callable[[int, int], None]
MEMBER_CHUNK = 512  # members per block: bounds the members × draws arrays (512 × 10,000 floats ≈ 40 MB each)
MAX_DRAWS = 100_000


@dataclass(frozen=True, slots=True)
class Structure:
    """The draw-independent arrays of one scenario, factored.

    Every cost in a draw is linear in a few factors that depend on the draw alone: the price factor of each year
    G_t = (1 + p)^(t − base year), the same times the synergy of each category (G_t · S_c), and per move year y the
    price factor of the move times the double-running months ÷ 12 and times the migration share. The coefficients
    of these factors are summed once over the items (yearly totals, T columns) and once over the fee weights
    (member fees in the final year, one column per member); a draw then costs a (factors) row times these
    matrices instead of a pass over all items and subscriptions.
    """

    years: np.ndarray  # T
    factors: tuple[tuple[str, int, int], ...]  # F: (kind, parameter column or move year, year index)
    total: np.ndarray  # F × T: coefficient of each factor in the yearly total (cash + VAT)
    fee_factors: np.ndarray  # F': indices into `factors` that reach a member fee in the final year
    member_coef: np.ndarray  # F' × members: coefficient of each such factor in each member's fee (VAT included)
    members: tuple[str, ...]
    base_offset: int  # start year − base year


def _structure(model: ScenarioModel, scenario: Scenario, columns: dict[str, int], prepared: Prepared) -> Structure:
    years = np.arange(model.start_year, model.end_year + 1)
    t_count = len(years)
    items = list(model.items)
    index = {item.id: k for k, item in enumerate(items)}
    lines = timelines(model, scenario)
    entities = {e.id: e for e in (*model.providers, *scenario.entities)}
    assumptions = scenario.assumptions
    amortisation = assumptions.amortisation_years
    base = np.array([float(i.cost) for i in items])
    category = np.array([columns.get(f"synergy:{i.category}", columns["synergy"]) for i in items], dtype=int)
    ramp = np.zeros((len(items), t_count))
    moves: list[tuple[int, int]] = []  # (item, index of the move year)
    owner = np.empty((len(items), t_count), dtype=object)
    for k, item in enumerate(items):
        line = lines[item.id]
        for t, year in enumerate(years):
            current = line[0][1]
            for start, entity in line:
                if start <= year:
                    current = entity
            owner[k, t] = current
            if len(line) > 1 and year >= line[1][0]:
                ramp[k, t] = min(1.0, (year - line[1][0] + 1) / assumptions.ramp_years)
        moves.extend((k, int(start - model.start_year)) for start, _entity in line[1:])
    # Fee weights from the costing engine (likely values, final year): fee line ÷ the product's net cost.
    _rows, results, _ = entity_fees(model, scenario, likely_values(assumptions), model.end_year, prepared)
    # Per fee line: member, item and weight (share × (1 + VAT)); the rate depends on the member only through the
    # entity's host city (rules.vat_rate). The shares per item give the VAT of the item under any owner: the rate
    # for any other member times the item's total share, corrected for the owner's host city's share.
    hosts = {e.host for e in entities.values() if e.host}
    member_ids: dict[str, int] = {}
    sub_member_list: list[int] = []
    sub_item_list: list[int] = []
    sub_weight_list: list[float] = []
    total_share: dict[int, float] = defaultdict(float)
    host_share: dict[int, dict[str, float]] = defaultdict(dict)
    for entity_id, result in results.items():
        seller = entities[entity_id]
        others = 1.0 + float(vat_rate(seller, NOT_HOST, assumptions.vat_rate))
        at_host = 1.0 + float(vat_rate(seller, seller.host, assumptions.vat_rate)) if seller.host else others
        net = {p.product: p.net_cost for p in result.products}
        for fee in result.fees.lines:
            net_cost = net[fee.product]
            if net_cost:
                share = float(fee.exact / net_cost)
                k = index[fee.product]
                member = fee.member
                total_share[k] += share
                if member in hosts:
                    host_share[k][member] = host_share[k].get(member, 0.0) + share
                sub_member_list.append(member_ids.setdefault(member, len(member_ids)))
                sub_item_list.append(k)
                sub_weight_list.append(share * (at_host if member == seller.host else others))
    vat = np.zeros((len(items), t_count))
    memo: dict[tuple[int, str], float] = {}
    for k in range(len(items)):
        for t in range(t_count):
            key = (k, owner[k, t])
            if key not in memo:
                memo[key] = _item_vat(entities[owner[k, t]], assumptions.vat_rate, total_share, host_share, k)
            vat[k, t] = memo[key]
    overhead = np.zeros((len(items), t_count))
    for t in range(t_count):
        by_entity: dict[str, list[int]] = {}
        for k in range(len(items)):
            by_entity.setdefault(owner[k, t], []).append(k)
        for entity_id, ks in by_entity.items():
            cost = float(entities[entity_id].overhead)
            if cost:
                bases = np.array([float(items[k].cost) or 1.0 for k in ks])
                overhead[ks, t] = cost * bases / bases.sum()
    # The factors and their coefficients per item and year (C[f] is I × T): fee cost = Σ_f factor_f · C[f].
    factors: list[tuple[str, int, int]] = []
    fee_coef: list[np.ndarray] = []  # per factor: I × T coefficients in the items' fee cost
    cash_extra: list[np.ndarray] = []  # per factor: T coefficients of cash that is no fee cost (one-off)
    for t in range(t_count):
        coef = np.zeros((len(items), t_count))
        coef[:, t] = base + overhead[:, t]
        factors.append(("growth", 0, t))
        fee_coef.append(coef)
        cash_extra.append(np.zeros(t_count))
        for column in np.unique(category[ramp[:, t] > 0]):
            coef = np.zeros((len(items), t_count))
            hit = (category == column) & (ramp[:, t] > 0)
            coef[hit, t] = -base[hit] * ramp[hit, t]
            factors.append(("synergy", int(column), t))
            fee_coef.append(coef)
            cash_extra.append(np.zeros(t_count))
    for y in sorted({y for _k, y in moves}):
        at = [k for k, year in moves if year == y]
        double = np.zeros((len(items), t_count))
        amortised = np.zeros((len(items), t_count))
        one_off = np.zeros(t_count)
        if 0 <= y < t_count:
            double[at, y] = base[at]
            one_off[y] = base[at].sum()
        for a in range(amortisation):
            if 0 <= y + a < t_count:
                amortised[at, y + a] = base[at] / amortisation
        factors.append(("double", y, -1))
        fee_coef.append(double)
        cash_extra.append(np.zeros(t_count))
        factors.append(("migration", y, -1))
        fee_coef.append(amortised)
        cash_extra.append(one_off)
    # Yearly total = cash + VAT; cash = fee cost − amortised one-off + the one-off in its year.
    total = np.zeros((len(factors), t_count))
    for f, (kind, _c, _t) in enumerate(factors):
        fee_part = fee_coef[f] * (1.0 + vat) if kind != "migration" else fee_coef[f] * vat
        total[f] = fee_part.sum(axis=0) + cash_extra[f]
    # Member fees in the final year: Σ over the member's fee weights of the item's final-year fee cost.
    members = sorted(member_ids)
    position = np.empty(len(members), dtype=int)  # first-seen index → sorted position
    for j, member in enumerate(members):
        position[member_ids[member]] = j
    sub_member = position[np.array(sub_member_list, dtype=int)] if sub_member_list else np.zeros(0, dtype=int)
    sub_item = np.array(sub_item_list, dtype=int)
    sub_weight = np.array(sub_weight_list)
    fee_factors = [f for f in range(len(factors)) if np.any(fee_coef[f][:, -1])]
    member_coef = np.zeros((len(fee_factors), len(members)))
    for row, f in enumerate(fee_factors):
        if len(sub_item):
            member_coef[row] = np.bincount(
                sub_member, weights=fee_coef[f][sub_item, -1] * sub_weight, minlength=len(members)
            )
    return Structure(
        years,
        tuple(factors),
        total,
        np.array(fee_factors, dtype=int),
        member_coef,
        tuple(members),
        model.start_year - model.base_year,
    )


NOT_HOST = "\x00"  # a member id that is no entity's host city (ids are never empty control characters)


def _item_vat(
    entity: Entity, rate: Decimal, total: dict[int, float], by_member: dict[int, dict[str, float]], k: int
) -> float:
    others = float(vat_rate(entity, NOT_HOST, rate))
    value = others * total.get(k, 0.0)
    if entity.host:
        host = by_member.get(k, {}).get(entity.host, 0.0)
        value += (float(vat_rate(entity, entity.host, rate)) - others) * host
    return value


def _factor_values(s: Structure, params: np.ndarray, columns: dict[str, int]) -> np.ndarray:
    """The factors of each draw: D × F."""
    price = params[:, columns["price_index"]]
    migration = params[:, columns["migration"]]
    months = params[:, columns["double_running_months"]]
    out = np.empty((params.shape[0], len(s.factors)))
    for f, (kind, c, t) in enumerate(s.factors):
        if kind == "growth":
            out[:, f] = (1.0 + price) ** (t + s.base_offset)
        elif kind == "synergy":
            out[:, f] = (1.0 + price) ** (t + s.base_offset) * params[:, c]
        elif kind == "double":
            out[:, f] = (1.0 + price) ** (c + s.base_offset) * (months / 12.0)
        else:
            out[:, f] = (1.0 + price) ** (c + s.base_offset) * migration
    return out


def _evaluate(s: Structure, params: np.ndarray, columns: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Total cost per draw and year (cash + VAT), and the factors of each draw that reach the member fees."""
    values = _factor_values(s, params, columns)
    return values @ s.total, values[:, s.fee_factors]


def _member_fees(s: Structure, fee_values: np.ndarray, members: slice | np.ndarray) -> np.ndarray:
    """Member fees (final year) of a block of members per draw: members × draws (each member's draws contiguous for
    the percentiles), one term per factor, the same arithmetic for every draw (equal draws give equal fees)."""
    coef = s.member_coef[:, members]
    fees = np.zeros((coef.shape[1], fee_values.shape[0]))
    for row in range(coef.shape[0]):
        fees += coef[row][:, None] * fee_values[None, :, row]
    return fees


def _member_percentiles(
    s: Structure,
    fee_values: np.ndarray,
    q: Structure,
    sq_fee_values: np.ndarray,
    align: np.ndarray,
    block: slice,
    out: dict[str, tuple[float, float, float]],
) -> None:
    """P10/P50/P90 of the fee change (scenario ÷ status quo − 1, final year) of a block of members; the change is
    float32 (7 significant digits; reported to 4 decimals)."""
    fees = _member_fees(s, fee_values, block)
    ours = align[block]
    before = _member_fees(q, sq_fee_values, np.maximum(ours, 0))
    valid = (before > 0) & (ours >= 0)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        change = np.where(valid, fees / before - 1.0, np.nan).astype(np.float32)
    complete = valid.all(axis=1)
    found = np.percentile(change[complete], [10, 50, 90], axis=1) if complete.any() else np.zeros((3, 0))
    names = s.members[block]
    for j, column in zip(np.flatnonzero(complete), found.T, strict=True):
        out[names[j]] = _rounded(column)
    for j in np.flatnonzero(~complete & valid.any(axis=1)):  # a status-quo fee of 0 in some draws only
        out[names[j]] = _rounded(np.nanpercentile(change[j], [10, 50, 90]))


def _rounded(values: np.ndarray) -> tuple[float, float, float]:
    return (round(float(values[0]), 4), round(float(values[1]), 4), round(float(values[2]), 4))


def _triangular(u: np.ndarray, r: Range) -> np.ndarray:
    a, m, b = float(r.low), float(r.likely), float(r.high)
    if b == a:
        return np.full_like(u, a)
    f = (m - a) / (b - a)
    return np.where(u < f, a + np.sqrt(u * (b - a) * (m - a)), b - np.sqrt((1 - u) * (b - a) * (b - m)))


def latin_hypercube(draws: int, dims: int, rng: np.random.Generator) -> np.ndarray:
    """One point in each of `draws` equal strata per dimension, strata paired at random."""
    u = (rng.random((draws, dims)) + np.arange(draws)[:, None]) / draws
    for j in range(dims):
        u[:, j] = u[rng.permutation(draws), j]
    return u


@dataclass(frozen=True, slots=True)
class RiskResult:
    scenario: str
    draws: int
    seed: int
    years: tuple[int, ...]
    cost_percentiles: dict[str, tuple[int, ...]]  # "p10"/"p50"/"p90" → per year, euros
    npv_percentiles: dict[str, int]  # of the scenario's NPV of cost
    savings_percentiles: dict[str, int]
    probability_better: float  # P(NPV savings > 0)
    cvar5: int  # mean of the worst 5 % of savings
    member_change: dict[str, tuple[float, float, float]]  # member → P10/P50/P90 fee change (share), final year
    tornado: tuple[tuple[str, int, int], ...]  # (assumption, savings at low, savings at high), widest first


def _ranges(scenario: Scenario) -> list[tuple[str, Range]]:
    a = scenario.assumptions
    ranges = [("synergy", a.synergy)]
    ranges += [(f"synergy:{c.category}", c.synergy) for c in a.synergy_by_category]
    ranges += [
        ("migration", a.migration),
        ("double_running_months", a.double_running_months),
        ("price_index", a.price_index),
        ("discount_rate", a.discount_rate),
    ]
    return ranges


def simulate(
    model: ScenarioModel, scenario_id: str, *, draws: int, seed: int, progress: Progress | None = None
) -> RiskResult:
    validate(model)
    if not 1 <= draws <= MAX_DRAWS:
        raise ScenarioError("draws", f"the number of draws must lie in 1–{MAX_DRAWS}")
    scenario = next((s for s in model.scenarios if s.id == scenario_id), None)
    if scenario is None:
        raise ScenarioError("scenario", f"unknown scenario {scenario_id}")
    ranges = _ranges(scenario)
    columns = {name: j for j, (name, _r) in enumerate(ranges)}
    base = status_quo(model, scenario)
    with gc_paused():
        prepared = prepare(model)
        s_struct = _structure(model, scenario, columns, prepared)
        q_struct = _structure(model, base, columns, prepared)
        del prepared
    rng = np.random.default_rng(seed)
    u = latin_hypercube(draws, len(ranges), rng)
    params = np.column_stack([_triangular(u[:, j], r) for j, (_n, r) in enumerate(ranges)])
    offsets = np.arange(len(s_struct.years))
    discount = (1.0 + params[:, columns["discount_rate"]])[:, None] ** -offsets[None, :]
    cost_all, fee_values = _evaluate(s_struct, params, columns)
    sq_cost, sq_fee_values = _evaluate(q_struct, params, columns)
    npv_all = (cost_all * discount).sum(axis=1)
    saving_all = (sq_cost * discount).sum(axis=1) - npv_all
    member_pos = {m: k for k, m in enumerate(q_struct.members)}
    align = np.array([member_pos.get(m, -1) for m in s_struct.members], dtype=int)
    chunks = range(0, len(s_struct.members), MEMBER_CHUNK)
    member_change: dict[str, tuple[float, float, float]] = {}
    for n, start in enumerate(chunks):
        block = slice(start, start + MEMBER_CHUNK)
        _member_percentiles(s_struct, fee_values, q_struct, sq_fee_values, align, block, member_change)
        if progress:
            progress(n + 1, len(chunks))
    pct = {"p10": 10, "p50": 50, "p90": 90}
    worst = np.sort(saving_all)[: max(1, draws // 20)]
    tornado = []
    likely = np.array([[float(r.likely) for _n, r in ranges]])
    for name, r in ranges:
        if r.low == r.high:
            continue
        swings = []
        for value in (r.low, r.high):
            row = likely.copy()
            row[0, columns[name]] = float(value)
            cost, _ = _evaluate(s_struct, row, columns)
            sq_cost, _ = _evaluate(q_struct, row, columns)
            discount = (1.0 + row[0, columns["discount_rate"]]) ** -offsets
            swings.append(round(float(((sq_cost - cost) * discount).sum())))
        tornado.append((name, swings[0], swings[1]))
    tornado.sort(key=lambda x: -abs(x[2] - x[1]))
    return RiskResult(
        scenario.id,
        draws,
        seed,
        tuple(int(y) for y in s_struct.years),
        {k: tuple(round(v) for v in np.percentile(cost_all, p, axis=0)) for k, p in pct.items()},
        {k: round(float(np.percentile(npv_all, p))) for k, p in pct.items()},
        {k: round(float(np.percentile(saving_all, p))) for k, p in pct.items()},
        round(float(np.mean(saving_all > 0)), 4),
        round(float(worst.mean())),
        member_change,
        tuple(tornado),
    )


def as_decimal(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))
