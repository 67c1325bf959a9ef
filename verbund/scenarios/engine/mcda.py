"""Multi-criteria decision analysis (methods §2.1, next-capabilities §A.3): weighted sum (Nutzwertanalyse),
TOPSIS, PROMETHEE II, SMAA-2 rank acceptability and one-at-a-time weight sensitivity, group weights.

Generic and pure (NumPy only, no Django, nothing scenario-specific): alternatives and criteria are ids, so the
strategy app can reuse it for any decision. Scores are floats (no money path); results are rounded to 6
decimals and carry a trace.
"""

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from verbund.core.steps import Kind, Message, Step, gettext_noop

from .errors import ScenarioError


class Direction(StrEnum):
    BENEFIT = "benefit"  # more is better
    COST = "cost"  # less is better


@dataclass(frozen=True, slots=True)
class Criterion:
    id: str
    weight: float
    direction: Direction = Direction.BENEFIT
    # PROMETHEE linear preference function: indifference q and preference p thresholds (0, 0: "usual").
    q: float = 0.0
    p: float = 0.0


@dataclass(frozen=True, slots=True)
class Problem:
    alternatives: tuple[str, ...]
    criteria: tuple[Criterion, ...]
    scores: tuple[tuple[float, ...], ...]  # scores[i][j]: alternative i on criterion j


@dataclass(frozen=True, slots=True)
class MethodResult:
    method: str
    values: dict[str, float]  # alternative → score (weighted sum, closeness, net flow)
    ranks: dict[str, int]  # 1 = best


@dataclass(frozen=True, slots=True)
class McdaResult:
    methods: tuple[MethodResult, ...]
    acceptability: dict[str, tuple[float, ...]]  # SMAA: alternative → share of draws at rank 1, 2, ...
    sensitivity: dict[str, dict[str, str]]  # criterion → {"minus": best alternative, "plus": best alternative}
    trace: tuple[Step, ...]


MESSAGES: dict[str, Message] = {
    "mcda.weights": Message(gettext_noop("Weights (sum 1): %(weights)s"), {"weights": Kind.TEXT}),
    "mcda.method": Message(
        gettext_noop("%(method)s: %(values)s → ranking %(ranking)s"),
        {"method": Kind.TEXT, "values": Kind.TEXT, "ranking": Kind.TEXT},
    ),
    "mcda.smaa": Message(
        gettext_noop("SMAA: %(draws)s weight vectors drawn uniformly on the simplex (seed %(seed)s)"),
        {"draws": Kind.COUNT, "seed": Kind.TEXT},
    ),
}

TOLERANCE = 1e-9


def validate(problem: Problem) -> None:
    m, n = len(problem.alternatives), len(problem.criteria)
    if m < 2:
        raise ScenarioError("alternatives", "at least two alternatives are needed")
    if n < 1:
        raise ScenarioError("criteria", "at least one criterion is needed")
    if len(set(problem.alternatives)) != m or len({c.id for c in problem.criteria}) != n:
        raise ScenarioError("criteria", "ids must be unique")
    for j, c in enumerate(problem.criteria):
        if c.weight < 0:
            raise ScenarioError(f"criteria[{j}].weight", "a weight must not be negative")
        if c.q < 0 or c.p < c.q:
            raise ScenarioError(f"criteria[{j}].p", "0 ≤ q ≤ p must hold")
    total = sum(c.weight for c in problem.criteria)
    if abs(total - 1.0) > 1e-6:
        raise ScenarioError("criteria", f"the weights sum to {total:.6g}, not 1")
    if len(problem.scores) != m or any(len(row) != n for row in problem.scores):
        raise ScenarioError("scores", f"expected {m} rows of {n} scores")
    if not np.all(np.isfinite(np.array(problem.scores, dtype=float))):
        raise ScenarioError("scores", "every score must be a finite number")


def normalise_weights(weights: dict[str, float]) -> dict[str, float]:
    """Raw weights (e.g. points 0–10) → shares summing to 1; refuses all-zero or negative weights."""
    if any(w < 0 for w in weights.values()):
        raise ScenarioError("weights", "a weight must not be negative")
    total = sum(weights.values())
    if total <= 0:
        raise ScenarioError("weights", "at least one weight must be positive")
    return {k: w / total for k, w in weights.items()}


def group_weights(individual: list[dict[str, float]]) -> dict[str, float]:
    """The group's weights: the mean of every member's normalised weights."""
    if not individual:
        raise ScenarioError("weights", "no weights entered")
    shares = [normalise_weights(w) for w in individual]
    keys = sorted(set().union(*shares))
    return {k: sum(s.get(k, 0.0) for s in shares) / len(shares) for k in keys}


def _matrix(problem: Problem) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = np.array(problem.scores, dtype=float)
    w = np.array([c.weight for c in problem.criteria], dtype=float)
    benefit = np.array([c.direction == Direction.BENEFIT for c in problem.criteria])
    return x, w, benefit


def _ranks(values: np.ndarray) -> np.ndarray:
    """Rank 1 for the highest value; ties share the better rank."""
    order = -values
    return np.array([1 + int(np.sum(order < v - TOLERANCE)) for v in order])


def weighted_sum_values(x: np.ndarray, w: np.ndarray, benefit: np.ndarray) -> np.ndarray:
    """U_i = Σ_j w_j r_ij with min–max normalisation (cost criteria reversed); a constant criterion gives 1."""
    low, high = x.min(axis=0), x.max(axis=0)
    span = np.where(high - low > 0, high - low, 1.0)
    r = np.where(benefit, (x - low) / span, (high - x) / span)
    r = np.where(high - low > 0, r, 1.0)
    values: np.ndarray = r @ w
    return values


def topsis_values(x: np.ndarray, w: np.ndarray, benefit: np.ndarray) -> np.ndarray:
    norm = np.sqrt((x**2).sum(axis=0))
    v = x / np.where(norm > 0, norm, 1.0) * w
    best = np.where(benefit, v.max(axis=0), v.min(axis=0))
    worst = np.where(benefit, v.min(axis=0), v.max(axis=0))
    d_plus = np.sqrt(((v - best) ** 2).sum(axis=1))
    d_minus = np.sqrt(((v - worst) ** 2).sum(axis=1))
    total = d_plus + d_minus
    closeness: np.ndarray = np.where(total > 0, d_minus / np.where(total > 0, total, 1.0), 0.5)
    return closeness


def promethee_values(x: np.ndarray, w: np.ndarray, benefit: np.ndarray, q: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Net flows Φ = φ⁺ − φ⁻ with the linear preference function (usual when p = 0)."""
    m = x.shape[0]
    d = x[:, None, :] - x[None, :, :]  # d[a, b, j] = g_j(a) − g_j(b)
    d = np.where(benefit, d, -d)
    span = np.where(p - q > 0, p - q, 1.0)
    linear = np.clip((d - q) / span, 0.0, 1.0)
    usual = (d > 0).astype(float)
    pref = np.where(p > 0, linear, usual)
    pi = (pref * w).sum(axis=2)
    plus = pi.sum(axis=1) / (m - 1)
    minus = pi.sum(axis=0) / (m - 1)
    flows: np.ndarray = plus - minus
    return flows


def _result(method: str, alternatives: tuple[str, ...], values: np.ndarray) -> MethodResult:
    ranks = _ranks(values)
    return MethodResult(
        method,
        {a: round(float(v), 6) for a, v in zip(alternatives, values, strict=True)},
        {a: int(r) for a, r in zip(alternatives, ranks, strict=True)},
    )


def analyse(problem: Problem, *, draws: int = 2000, seed: int = 1, sensitivity_step: float = 0.1) -> McdaResult:
    """Every method, SMAA rank acceptability (weights ~ Dirichlet(1, …, 1): uniform on the simplex) and the
    winner when each weight is moved by ±`sensitivity_step` (the others rescaled to keep the sum 1)."""
    validate(problem)
    x, w, benefit = _matrix(problem)
    q = np.array([c.q for c in problem.criteria])
    p = np.array([c.p for c in problem.criteria])
    alts = problem.alternatives
    methods = (
        _result("weighted_sum", alts, weighted_sum_values(x, w, benefit)),
        _result("topsis", alts, topsis_values(x, w, benefit)),
        _result("promethee_ii", alts, promethee_values(x, w, benefit, q, p)),
    )
    rng = np.random.default_rng(seed)
    samples = rng.dirichlet(np.ones(len(w)), size=draws)
    low, high = x.min(axis=0), x.max(axis=0)
    span = np.where(high - low > 0, high - low, 1.0)
    r = np.where(benefit, (x - low) / span, (high - x) / span)
    r = np.where(high - low > 0, r, 1.0)
    utilities = samples @ r.T  # draws × alternatives
    order = np.argsort(-utilities, axis=1, kind="stable")
    counts = np.zeros((len(alts), len(alts)))
    for rank in range(len(alts)):
        counts[:, rank] = np.bincount(order[:, rank], minlength=len(alts))
    acceptability = {a: tuple(round(float(c) / draws, 4) for c in counts[i]) for i, a in enumerate(alts)}
    sensitivity: dict[str, dict[str, str]] = {}
    for j, c in enumerate(problem.criteria):
        winners = {}
        for label, delta in (("minus", -sensitivity_step), ("plus", sensitivity_step)):
            moved = w.copy()
            moved[j] = min(1.0, max(0.0, moved[j] + delta))
            rest = w.sum() - w[j]
            if rest > 0:
                others = [k for k in range(len(w)) if k != j]
                moved[others] = w[others] / rest * (1.0 - moved[j])
            winners[label] = alts[int(np.argmax(weighted_sum_values(x, moved, benefit)))]
        sensitivity[c.id] = winners
    trace = [Step("mcda.weights", {"weights": ", ".join(f"{c.id} {c.weight:.4f}" for c in problem.criteria)})]
    for mr in methods:
        ranking = " > ".join(sorted(mr.ranks, key=lambda a: (mr.ranks[a], a)))
        values = ", ".join(f"{a} {v:.4f}" for a, v in mr.values.items())
        trace.append(Step("mcda.method", {"method": mr.method, "values": values, "ranking": ranking}))
    trace.append(Step("mcda.smaa", {"draws": draws, "seed": str(seed)}))
    return McdaResult(methods, acceptability, sensitivity, tuple(trace))
