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

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from .errors import ScenarioError
from .inputs import Range, Scenario, ScenarioModel
from .projection import entity_fees, likely_values, status_quo, timelines, validate
from .rules import vat_rate

Progress = Callable[[int, int], None]
CHUNK = 32  # draws per block: bounds the draws × fee weights matrix (32 × 274,525 floats ≈ 70 MB)
MAX_DRAWS = 100_000


@dataclass(frozen=True, slots=True)
class Structure:
    """The draw-independent arrays of one scenario."""

    years: np.ndarray  # T
    base: np.ndarray  # I: base cost per item
    category: np.ndarray  # I: column of the item's synergy in the parameter matrix
    ramp: np.ndarray  # I × T: synergy ramp (0 before the first move)
    move_item: np.ndarray  # K: item of each move
    move_year: np.ndarray  # K: index of the move year in `years` (or −1 before the start)
    move_base_year: np.ndarray  # K: offset of the move year from the base year
    overhead: np.ndarray  # I × T: the item's share of its entity's overhead (base-year euros)
    vat: np.ndarray  # I × T: effective VAT rate on the item's fees
    sub_item: np.ndarray  # S: item of each fee weight (sorted by member)
    sub_weight: np.ndarray  # S: fee per euro of the item's fee cost, VAT included (final year)
    member_starts: np.ndarray  # start of each member's block in sub_*
    members: tuple[str, ...]
    amortisation: int
    base_offset: int  # start year − base year


def _structure(model: ScenarioModel, scenario: Scenario, columns: dict[str, int]) -> Structure:
    years = np.arange(model.start_year, model.end_year + 1)
    items = list(model.items)
    index = {item.id: k for k, item in enumerate(items)}
    lines = timelines(model, scenario)
    entities = {e.id: e for e in (*model.providers, *scenario.entities)}
    assumptions = scenario.assumptions
    ramp = np.zeros((len(items), len(years)))
    move_item, move_year, move_offset = [], [], []
    owner = np.empty((len(items), len(years)), dtype=object)
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
        for start, _entity in line[1:]:
            move_item.append(k)
            move_year.append(int(start - model.start_year))
            move_offset.append(int(start - model.base_year))
    # Fee weights from the costing engine (likely values, final year): fee line ÷ the product's net cost.
    _rows, results, _ = entity_fees(model, scenario, likely_values(assumptions), model.end_year)
    weights: dict[tuple[str, int], float] = {}
    shares: dict[int, list[tuple[str, float]]] = {}
    for entity_id, result in results.items():
        net = {p.product: p.net_cost for p in result.products}
        for fee in result.fees.lines:
            if net[fee.product]:
                share = float(fee.exact / net[fee.product])
                k = index[fee.product]
                shares.setdefault(k, []).append((fee.member, share))
                rate = float(vat_rate(entities[entity_id], fee.member, assumptions.vat_rate))
                weights[(fee.member, k)] = share * (1.0 + rate)
    vat = np.zeros((len(items), len(years)))
    memo: dict[tuple[int, str], float] = {}
    for k in range(len(items)):
        for t in range(len(years)):
            key = (k, owner[k, t])
            if key not in memo:
                provider, base_rate = entities[owner[k, t]], assumptions.vat_rate
                memo[key] = sum(
                    (share * float(vat_rate(provider, m, base_rate)) for m, share in shares.get(k, [])), 0.0
                )
            vat[k, t] = memo[key]
    overhead = np.zeros((len(items), len(years)))
    for t in range(len(years)):
        by_entity: dict[str, list[int]] = {}
        for k in range(len(items)):
            by_entity.setdefault(owner[k, t], []).append(k)
        for entity_id, ks in by_entity.items():
            cost = float(entities[entity_id].overhead)
            if cost:
                bases = np.array([float(items[k].cost) or 1.0 for k in ks])
                overhead[ks, t] = cost * bases / bases.sum()
    ordered = sorted(weights.items())
    members = sorted({m for (m, _k) in weights})
    starts = []
    previous = None
    for position, ((member, _k), _w) in enumerate(ordered):
        if member != previous:
            starts.append(position)
            previous = member
    return Structure(
        years,
        np.array([float(i.cost) for i in items]),
        np.array([columns.get(f"synergy:{i.category}", columns["synergy"]) for i in items]),
        ramp,
        np.array(move_item, dtype=int),
        np.array(move_year, dtype=int),
        np.array(move_offset, dtype=int),
        overhead,
        vat,
        np.array([k for (_m, k), _w in ordered], dtype=int),
        np.array([w for _key, w in ordered]),
        np.array(starts, dtype=int),
        tuple(members),
        assumptions.amortisation_years,
        model.start_year - model.base_year,
    )


def _evaluate(s: Structure, params: np.ndarray, columns: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Total cost per draw and year (cash + VAT) and the fee cost per draw and item in the final year."""
    d, t_count = params.shape[0], len(s.years)
    price = params[:, columns["price_index"]]
    offsets = np.arange(t_count) + s.base_offset
    growth = (1.0 + price)[:, None] ** offsets[None, :]  # D × T
    synergy = params[:, s.category]  # D × I
    running = growth[:, None, :] * s.base[None, :, None] * (1.0 - synergy[:, :, None] * s.ramp[None, :, :])
    fee_cost = running + growth[:, None, :] * s.overhead[None, :, :]
    cash = fee_cost.sum(axis=1)
    migration = params[:, columns["migration"]]
    months = params[:, columns["double_running_months"]]
    if len(s.move_item):
        # every move at once: D × K matrices (a product moves at most once a year, so (item, year) pairs are unique)
        at_move = s.base[s.move_item][None, :] * (1.0 + price)[:, None] ** s.move_base_year[None, :]
        one_off = at_move * migration[:, None]
        double = at_move * (months / 12.0)[:, None]
        inside = (s.move_year >= 0) & (s.move_year < t_count)
        cash_add = np.zeros((d, t_count))
        for t in np.unique(s.move_year[inside]):
            hit = inside & (s.move_year == t)
            cash_add[:, t] = (one_off[:, hit] + double[:, hit]).sum(axis=1)
        cash += cash_add
        fee_cost[:, s.move_item[inside], s.move_year[inside]] += double[:, inside]
        for a in range(s.amortisation):
            years = s.move_year + a
            ok = (years >= 0) & (years < t_count)
            fee_cost[:, s.move_item[ok], years[ok]] += one_off[:, ok] / s.amortisation
    vat = (fee_cost * s.vat[None, :, :]).sum(axis=1)
    return cash + vat, fee_cost[:, :, -1]


def _member_fees(s: Structure, fee_cost: np.ndarray) -> np.ndarray:
    if not len(s.sub_item):
        return np.zeros((fee_cost.shape[0], 0))
    contributions = fee_cost[:, s.sub_item] * s.sub_weight[None, :]
    return np.add.reduceat(contributions, s.member_starts, axis=1)


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
    s_struct = _structure(model, scenario, columns)
    q_struct = _structure(model, base, columns)
    rng = np.random.default_rng(seed)
    u = latin_hypercube(draws, len(ranges), rng)
    params = np.column_stack([_triangular(u[:, j], r) for j, (_n, r) in enumerate(ranges)])
    offsets = np.arange(len(s_struct.years))
    totals, npvs, savings, changes = [], [], [], []
    member_pos = {m: k for k, m in enumerate(q_struct.members)}
    align = np.array([member_pos.get(m, -1) for m in s_struct.members], dtype=int)
    chunks = range(0, draws, CHUNK)
    for n, start in enumerate(chunks):
        block = params[start : start + CHUNK]
        cost, fee_cost = _evaluate(s_struct, block, columns)
        sq_cost, sq_fee_cost = _evaluate(q_struct, block, columns)
        discount = (1.0 + block[:, columns["discount_rate"]])[:, None] ** -offsets[None, :]
        npv = (cost * discount).sum(axis=1)
        sq_npv = (sq_cost * discount).sum(axis=1)
        fees = _member_fees(s_struct, fee_cost)
        sq_fees = _member_fees(q_struct, sq_fee_cost)
        before = np.where(align >= 0, sq_fees[:, np.maximum(align, 0)], np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            changes.append(np.where(before > 0, fees / before - 1.0, np.nan))
        totals.append(cost)
        npvs.append(npv)
        savings.append(sq_npv - npv)
        if progress:
            progress(n + 1, len(chunks))
    cost_all, npv_all, saving_all = np.vstack(totals), np.concatenate(npvs), np.concatenate(savings)
    change_all = np.vstack(changes)
    pct = {"p10": 10, "p50": 50, "p90": 90}
    worst = np.sort(saving_all)[: max(1, draws // 20)]
    member_change = {}
    for k, member in enumerate(s_struct.members):
        column = change_all[:, k]
        if np.all(np.isnan(column)):
            continue
        p10, p50, p90 = np.nanpercentile(column, [10, 50, 90])
        member_change[member] = (round(float(p10), 4), round(float(p50), 4), round(float(p90), 4))
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
