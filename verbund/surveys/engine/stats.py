"""Survey statistics (methods.md §3.1), pure Python: the standard library's `statistics.NormalDist` only.

- Wilson score interval for a proportion, with the finite-population correction (FPC) where the population N is
  known: the sampling variance shrinks by f = (N − n)/(N − 1); the Wilson formula is applied with the effective
  sample size n_eff = n / f, so that a census (n = N) has a zero-width interval at the observed share.
- Mean of a score with a normal interval x̄ ± z·s/√n·√f (z, not Student's t: no scipy; for n ≥ 30 they agree to
  the second decimal, and the pages say "approximate").
- NPS with the adjusted-Wald interval (Rocks 2016): n + 3, promoters + ¾, detractors + ¾, then
  SE = √((p + d − (p − d)²)/n), NPS ± z·SE (and ×√f where N is known), clipped to [−1, 1].
- Two-proportion z-test (pooled) for top-2-box shares, and Welch's z-test for means, two-sided p-values.
"""

import math
from dataclasses import dataclass
from statistics import NormalDist

CONFIDENCE = 0.95
_STANDARD = NormalDist()


def z_value(confidence: float = CONFIDENCE) -> float:
    return _STANDARD.inv_cdf(0.5 + confidence / 2)


Z95 = z_value()


@dataclass(frozen=True, slots=True)
class Interval:
    point: float
    low: float
    high: float


def fpc_factor(n: int, population: int | None) -> float:
    """The variance factor (N − n)/(N − 1), 1 without a known population; 0 for a census (n ≥ N)."""
    if population is None or population <= 1:
        return 1.0
    if n >= population:
        return 0.0
    return (population - n) / (population - 1)


def wilson(successes: int, n: int, *, population: int | None = None, z: float = Z95) -> Interval | None:
    """Wilson score interval of successes/n; None for n = 0."""
    if n <= 0:
        return None
    if not 0 <= successes <= n:
        raise ValueError("successes must be between 0 and n")
    p = successes / n
    f = fpc_factor(n, population)
    if f == 0.0:
        return Interval(p, p, p)
    m = n / f  # effective sample size
    z2 = z * z
    denominator = 1 + z2 / m
    centre = (p + z2 / (2 * m)) / denominator
    half = z * math.sqrt(p * (1 - p) / m + z2 / (4 * m * m)) / denominator
    return Interval(p, max(0.0, centre - half), min(1.0, centre + half))


def mean_interval(
    total: float, total_squares: float, n: int, *, population: int | None = None, z: float = Z95
) -> Interval | None:
    """Mean with a normal interval from the sums Σx and Σx² of n values; None for n = 0."""
    if n <= 0:
        return None
    mean = total / n
    if n == 1:
        return Interval(mean, mean, mean)
    variance = max(0.0, (total_squares - n * mean * mean) / (n - 1))
    se = math.sqrt(variance / n * fpc_factor(n, population))
    return Interval(mean, mean - z * se, mean + z * se)


def nps(
    promoters: int, passives: int, detractors: int, *, population: int | None = None, z: float = Z95
) -> Interval | None:
    """Net promoter score as a fraction in [−1, 1] with the adjusted-Wald interval; None without answers."""
    n = promoters + passives + detractors
    if n <= 0:
        return None
    point = (promoters - detractors) / n
    n_adj = n + 3
    p = (promoters + 0.75) / n_adj
    d = (detractors + 0.75) / n_adj
    centre = p - d
    se = math.sqrt(max(0.0, p + d - (p - d) ** 2) / n_adj * fpc_factor(n, population))
    return Interval(point, max(-1.0, centre - z * se), min(1.0, centre + z * se))


def nps_se(promoters: int, passives: int, detractors: int) -> float:
    """The adjusted-Wald standard error of the NPS (for the difference of two waves)."""
    n_adj = promoters + passives + detractors + 3
    p = (promoters + 0.75) / n_adj
    d = (detractors + 0.75) / n_adj
    return math.sqrt(max(0.0, p + d - (p - d) ** 2) / n_adj)


@dataclass(frozen=True, slots=True)
class Test:
    difference: float
    z: float
    p_value: float


def _two_sided(z: float) -> float:
    return 2 * (1 - _STANDARD.cdf(abs(z)))


def two_proportion_test(x1: int, n1: int, x2: int, n2: int) -> Test | None:
    """Pooled two-proportion z-test of p2 − p1 (earlier wave 1, later wave 2); None if a wave has no answers."""
    if n1 <= 0 or n2 <= 0:
        return None
    p1, p2 = x1 / n1, x2 / n2
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return Test(p2 - p1, 0.0, 1.0)
    z = (p2 - p1) / se
    return Test(p2 - p1, z, _two_sided(z))


def welch_test(mean1: float, var1: float, n1: int, mean2: float, var2: float, n2: int) -> Test | None:
    """Welch's test of mean2 − mean1 with the normal distribution (large samples); None if n < 2 in a wave."""
    if n1 < 2 or n2 < 2:
        return None
    se = math.sqrt(var1 / n1 + var2 / n2)
    if se == 0:
        return Test(mean2 - mean1, 0.0, 1.0)
    z = (mean2 - mean1) / se
    return Test(mean2 - mean1, z, _two_sided(z))


def difference_test(difference: float, se1: float, se2: float) -> Test | None:
    """z-test of a difference with independent standard errors (NPS of two waves)."""
    se = math.sqrt(se1 * se1 + se2 * se2)
    if se == 0:
        return None
    z = difference / se
    return Test(difference, z, _two_sided(z))
