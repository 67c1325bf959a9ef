"""The costing run, phase by phase: prepare (validate) → allocate → product costs and rates → fees → actuals.

Each phase is a public function so that callers (the benchmark, a service that persists results) can time or
reuse them; `calculate` runs them all. All arithmetic runs in `ENGINE_CONTEXT`, whatever the caller's context.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from decimal import localcontext

from verbund.core.steps import Step

from .actuals import ActualsIndex, check_actuals
from .allocation import allocate
from .errors import CostingError
from .fees import compute_fees
from .inputs import AllocationSettings, CostingModel, Method
from .rates import product_costs
from .results import AllocationResult, CostingResult, FeeResult, ProductResult, VarianceResult
from .rounding import ENGINE_CONTEXT, ZERO
from .validation import Index, build_index
from .variance import compare_actuals


@dataclass(frozen=True, slots=True)
class Prepared:
    """A validated model with its look-up tables."""

    index: Index
    actuals: ActualsIndex | None

    @property
    def method(self) -> Method:
        return self.index.model.allocation.method

    @property
    def order(self) -> tuple[str, ...]:
        return self.index.model.allocation.order


def prepare(model: CostingModel, *, method: Method | None = None, order: tuple[str, ...] | None = None) -> Prepared:
    """Validate `model` (optionally with another allocation method or step-down order)."""
    if method is not None or order is not None:
        settings = AllocationSettings(method or model.allocation.method, order or model.allocation.order)
        model = replace(model, allocation=settings)
    with localcontext(ENGINE_CONTEXT):
        index = build_index(model)
        actuals = check_actuals(index, model.actuals) if model.actuals is not None else None
    return Prepared(index, actuals)


def run_allocation(prepared: Prepared) -> AllocationResult:
    index = prepared.index
    with localcontext(ENGINE_CONTEXT):
        return allocate(index.network, index.primary, prepared.method, prepared.order, index.centres)


def run_rates(prepared: Prepared, allocation: AllocationResult) -> tuple[ProductResult, ...]:
    with localcontext(ENGINE_CONTEXT):
        return product_costs(prepared.index, allocation)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (restoring its state after).

    The fee phase creates a few hundred thousand small objects and no reference cycles; collections triggered
    by those allocations would rescan the whole (large) model again and again, about 40 % of the phase.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run_fees(prepared: Prepared, products: tuple[ProductResult, ...]) -> FeeResult:
    with localcontext(ENGINE_CONTEXT), gc_paused():
        return compute_fees(prepared.index, products)


def run_variance(prepared: Prepared, products: tuple[ProductResult, ...], fees: FeeResult) -> VarianceResult | None:
    if prepared.actuals is None:
        return None
    with localcontext(ENGINE_CONTEXT), gc_paused():  # a result per member and product, like the fee phase
        return compare_actuals(prepared.index, prepared.actuals, prepared.method, prepared.order, products, fees)


def calculate(
    model: CostingModel, *, method: Method | None = None, order: tuple[str, ...] | None = None
) -> CostingResult:
    """Run every phase on `model`; raises `CostingError` (with `.path`) on input it cannot cost."""
    prepared = prepare(model, method=method, order=order)
    allocation = run_allocation(prepared)
    products = run_rates(prepared, allocation)
    fees = run_fees(prepared, products)
    variance = run_variance(prepared, products, fees)
    product_total = sum((p.cost for p in products), ZERO)
    if product_total != allocation.total:
        raise CostingError("products", f"Σ product costs {product_total} ≠ Σ primary costs {allocation.total}")
    carry = sum((p.carry_forward for p in products), ZERO)
    ends = sum(allocation.end_totals.values(), ZERO)
    planned_fees = sum(fees.by_product.values(), ZERO)
    trace = (
        Step(
            "plan.totals",
            {"year": model.year, "primary": allocation.total, "ends": ends, "products": product_total},
        ),
        Step(
            "plan.fees",
            {"carry": carry, "net": product_total - carry, "fees": planned_fees, "lines": len(fees.lines)},
        ),
    )
    return CostingResult(model.year, allocation, products, fees, variance, trace)


def compare_methods(model: CostingModel) -> dict[Method, AllocationResult]:
    """The allocation by every method that the model allows (step-down needs an order), side by side."""
    results: dict[Method, AllocationResult] = {}
    for method in Method:
        if method == Method.STEP_DOWN and not model.allocation.order:
            continue
        results[method] = run_allocation(prepare(model, method=method))
    return results
