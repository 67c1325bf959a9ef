"""Pure rules of closing a year (no Django): the actuals of the post-calculation and the carry-forward rule.

The post-calculation itself is the costing engine's plan vs actual (`verbund.costing.engine.calculate` with
`CostingModel.actuals`): the same allocation method on the actual figures, the variances price/efficiency/volume
and the over-/under-recovery per product and member. This module only builds its input from the imported figures
and decides into which plan years an over- or under-recovery may be carried (ADR 0017).
"""

from .actuals import actual_figures
from .carry import CARRY_DELAY, CarryRefusal, carry_allowed, carry_first_years, carry_problem

__all__ = [
    "CARRY_DELAY",
    "CarryRefusal",
    "actual_figures",
    "carry_allowed",
    "carry_first_years",
    "carry_problem",
]
