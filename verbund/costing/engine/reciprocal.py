"""The reciprocal method's linear system: x = d + A x, i.e. (I − A) x = d, over the support centres.

a_ij = quantity of support j's output consumed by support i ÷ j's total output (self-service included, a_jj).
NumPy (float64) is used only to solve the system; the solution is converted to Decimal and then refined in
Decimal (iterative refinement: r = d + A x − x computed in Decimal, x += solve(I − A, r)) until the largest
residual is below 10⁻¹⁸ EUR, so the money path keeps Decimal accuracy.

(I − A) is singular exactly when some set of support centres passes all its output among its own members, so
that no cost of the set ever reaches an end centre. That is detected before solving, and named.
"""

from decimal import Decimal

import numpy as np

from verbund.core.steps import Step

from .errors import CostingError
from .rounding import ZERO
from .validation import Network, check_drains

RESIDUAL_TARGET = Decimal("1E-18")
RESIDUAL_LIMIT = Decimal("1E-6")
MAX_REFINEMENTS = 8
CONDITION_LIMIT = 1e12


def support_shares(network: Network) -> dict[str, dict[str, Decimal]]:
    """provider → support receiver → a_ij (Decimal)."""
    return {
        provider: {r: q / network.total_out[provider] for r, q in receivers.items() if network.is_support(r)}
        for provider, receivers in network.out.items()
    }


def solve_gross(network: Network, primary: dict[str, Decimal]) -> tuple[dict[str, Decimal], tuple[Step, ...]]:
    """x_j for every support centre (exact to about 10⁻¹⁸ EUR) and trace lines on the solution."""
    check_drains(network)
    supports = network.supports
    if not supports:
        return {}, ()
    position = {s: n for n, s in enumerate(supports)}
    shares = support_shares(network)
    size = len(supports)
    matrix = np.eye(size)
    for provider, receivers in shares.items():
        for receiver, share in receivers.items():
            matrix[position[receiver], position[provider]] -= float(share)
    condition = float(np.linalg.cond(matrix))
    if not np.isfinite(condition) or condition > CONDITION_LIMIT:
        raise CostingError(
            "service_quantities",
            f"the reciprocal system (I − A) x = d is numerically singular (condition number {condition:.3g}); "
            "some support centres pass almost all their output among themselves",
        )
    d = [primary[s] for s in supports]
    x = [Decimal(repr(v)) for v in np.linalg.solve(matrix, np.array([float(v) for v in d])).tolist()]
    steps = 0
    while True:
        inflow = dict.fromkeys(supports, ZERO)
        for provider, receivers in shares.items():
            gross = x[position[provider]]
            for receiver, share in receivers.items():
                inflow[receiver] += share * gross
        residual = [d[n] + inflow[s] - x[n] for n, s in enumerate(supports)]
        largest = max(abs(r) for r in residual)
        if largest <= RESIDUAL_TARGET or steps == MAX_REFINEMENTS:
            break
        correction = np.linalg.solve(matrix, np.array([float(r) for r in residual])).tolist()
        x = [v + Decimal(repr(c)) for v, c in zip(x, correction, strict=True)]
        steps += 1
    if largest > RESIDUAL_LIMIT:
        raise CostingError("service_quantities", f"the reciprocal system did not converge (residual {largest} EUR)")
    trace = (
        Step(
            "allocation.solved",
            {"size": size, "condition": f"{condition:.3g}", "steps": steps, "residual": f"{largest:.2E}"},
        ),
    )
    return dict(zip(supports, x, strict=True)), trace
