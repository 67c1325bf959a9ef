"""The costing engine's explanation catalogue: every step code, its English message and its arguments' kinds.

Results carry `Step`s (`verbund.core.steps`), never text. `explain(steps)` renders them in plain English (the
CLI, the tests); the web pages render them in the user's language (`verbund.core.explain.render_steps` with
`MESSAGES`). docs/costing-model-format.md lists the codes ("Trace steps"); a test keeps the list complete.
"""

from collections.abc import Iterable

from verbund.core.steps import Kind, Message, Names, Step, gettext_noop, render_plain

M, N, S, C, Y = Kind.MONEY, Kind.NUMBER, Kind.SHARE, Kind.COUNT, Kind.YEAR
CENTRE, PRODUCT, MEMBER = Kind.CENTRE, Kind.PRODUCT, Kind.MEMBER

MESSAGES: dict[str, Message] = {
    # allocation (allocation.py, reciprocal.py)
    "allocation.direct": Message(
        gettext_noop("Allocation by the direct method (Anbauverfahren): services between support centres are ignored."),
        {},
    ),
    "allocation.step_down": Message(
        gettext_noop("Allocation by the step-down method (Stufenleiterverfahren) in the order %(order)s."),
        {"order": Kind.ORDER},
    ),
    "allocation.reciprocal": Message(
        gettext_noop("Allocation by the reciprocal method (Gleichungsverfahren): x = (I − A)⁻¹ d, e = e₀ + B x."), {}
    ),
    "allocation.solved": Message(
        gettext_noop(
            "Solved (I − A) x = d for %(size)s support centres with NumPy (float64, condition number "
            "%(condition)s), then refined in Decimal in %(steps)s step(s): largest residual |d + A x − x| = "
            "%(residual)s EUR."
        ),
        {"size": C, "condition": Kind.SCI, "steps": C, "residual": Kind.SCI},
    ),
    "allocation.support_primary": Message(
        gettext_noop("%(centre)s: primary cost %(cost)s to allocate"), {"centre": CENTRE, "cost": M}
    ),
    "allocation.support_gross": Message(
        gettext_noop("%(centre)s: primary %(primary)s + received %(received)s = %(cost)s to allocate"),
        {"centre": CENTRE, "primary": M, "received": M, "cost": M},
    ),
    "allocation.ignored": Message(
        gettext_noop("(services to %(centres)s are ignored by this method)"), {"centres": Kind.CENTRES}
    ),
    "allocation.flow": Message(
        gettext_noop("%(provider)s → %(receiver)s: %(base)s × %(quantity)s/%(spread)s = %(amount)s"),
        {"provider": CENTRE, "receiver": CENTRE, "base": M, "quantity": N, "spread": N, "amount": M},
    ),
    "allocation.end": Message(
        gettext_noop("%(centre)s: primary %(primary)s + allocated %(allocated)s = %(exact)s → %(total)s"),
        {"centre": CENTRE, "primary": M, "allocated": M, "exact": N, "total": M},
    ),
    "allocation.conservation": Message(
        gettext_noop(
            "Conservation: Σ end centres %(ends)s = Σ primary costs %(total)s (end totals rounded by the largest "
            "remainder method, ties by id)."
        ),
        {"ends": M, "total": M},
    ),
    # product costs and rates (rates.py)
    "product.cost": Message(gettext_noop("%(product)s: plan cost %(cost)s"), {"product": PRODUCT, "cost": M}),
    "product.from_centre_all": Message(
        gettext_noop("from end centre %(centre)s: all of it = %(amount)s"), {"centre": CENTRE, "amount": M}
    ),
    "product.from_centre": Message(
        gettext_noop("from end centre %(centre)s: %(total)s × %(quantity)s/%(spread)s = %(amount)s"),
        {"centre": CENTRE, "total": M, "quantity": N, "spread": N, "amount": M},
    ),
    "carry.over_none": Message(
        gettext_noop(
            "carry-forward from %(from_year)s: over-recovery (to return) %(amount)s, spread over "
            "%(start)s–%(last)s; nothing in %(year)s"
        ),
        {"from_year": Y, "amount": M, "start": Y, "last": Y, "year": Y},
    ),
    "carry.under_none": Message(
        gettext_noop(
            "carry-forward from %(from_year)s: under-recovery (to recover) %(amount)s, spread over "
            "%(start)s–%(last)s; nothing in %(year)s"
        ),
        {"from_year": Y, "amount": M, "start": Y, "last": Y, "year": Y},
    ),
    "carry.over": Message(
        gettext_noop(
            "carry-forward from %(from_year)s: over-recovery (to return) %(amount)s, spread over "
            "%(start)s–%(last)s: %(amount)s ÷ %(years)s → %(part)s in %(year)s"
        ),
        {"from_year": Y, "amount": M, "start": Y, "last": Y, "years": C, "part": M, "year": Y},
    ),
    "carry.under": Message(
        gettext_noop(
            "carry-forward from %(from_year)s: under-recovery (to recover) %(amount)s, spread over "
            "%(start)s–%(last)s: %(amount)s ÷ %(years)s → %(part)s in %(year)s"
        ),
        {"from_year": Y, "amount": M, "start": Y, "last": Y, "years": C, "part": M, "year": Y},
    ),
    "product.net": Message(
        gettext_noop("cost to recover = %(cost)s − carry-forward %(carry)s = %(net)s"),
        {"cost": M, "carry": M, "net": M},
    ),
    "product.no_quantity": Message(
        gettext_noop("no planned quantity: no unit rate; the cost is shared by the product's key"), {}
    ),
    "product.zero_rate": Message(gettext_noop("planned quantity 0 and nothing to recover: rate 0"), {}),
    "product.rate": Message(
        gettext_noop(
            "unit rate = %(net)s ÷ %(planned)s %(unit)s = %(exact)s → %(rate)s (4 decimals, commercial rounding)"
        ),
        {"net": M, "planned": N, "unit": Kind.UNIT, "exact": N, "rate": N},
    ),
    # fees (fees.py, results.FeeLine)
    "fees.shared": Message(
        gettext_noop(
            "%(product)s: %(members)s members share %(net)s by key; Σ fees %(total)s (exact, largest remainder method)"
        ),
        {"product": PRODUCT, "members": C, "net": M, "total": M},
    ),
    "fees.metered": Message(
        gettext_noop(
            "%(product)s: %(members)s members, Σ quantities %(quantity)s × rate %(rate)s → Σ fees %(total)s vs cost "
            "to recover %(net)s (difference %(difference)s: members' quantities vs the planned %(planned)s, "
            "rounding)"
        ),
        {
            "product": PRODUCT,
            "members": C,
            "quantity": N,
            "rate": N,
            "total": M,
            "net": M,
            "difference": M,
            "planned": N,
        },
    ),
    "fees.total": Message(gettext_noop("Σ fees of all members %(total)s"), {"total": M}),
    "fee.metered": Message(
        gettext_noop(
            "%(member)s × %(product)s: %(quantity)s × %(rate)s = %(exact)s → %(amount)s (rounded to the cent)"
        ),
        {"member": MEMBER, "product": PRODUCT, "quantity": N, "rate": N, "exact": N, "amount": M},
    ),
    "fee.key_share": Message(
        gettext_noop("%(member)s × %(product)s: key share = %(parts)s = %(share)s"),
        {"member": MEMBER, "product": PRODUCT, "parts": Kind.KEY_PARTS, "share": S},
    ),
    "fee.shared": Message(
        gettext_noop("%(member)s × %(product)s: %(base)s × %(share)s = %(exact)s → %(amount)s"),
        {"member": MEMBER, "product": PRODUCT, "base": M, "share": S, "exact": N, "amount": M},
    ),
    # the whole run (calculate.py)
    "plan.totals": Message(
        gettext_noop(
            "Plan year %(year)s: Σ primary costs %(primary)s = Σ end centres %(ends)s = Σ product costs %(products)s"
        ),
        {"year": Y, "primary": M, "ends": M, "products": M},
    ),
    "plan.fees": Message(
        gettext_noop(
            "Σ carry-forward settled %(carry)s; Σ cost to recover %(net)s; Σ planned fees %(fees)s over %(lines)s "
            "fee lines"
        ),
        {"carry": M, "net": M, "fees": M, "lines": C},
    ),
    # plan vs actual (variance.py)
    "variance.plan_cost": Message(
        gettext_noop("%(product)s: plan cost K_plan %(cost)s = fixed %(fixed)s + variable %(variable)s"),
        {"product": PRODUCT, "cost": M, "fixed": M, "variable": M},
    ),
    "variance.actual_cost": Message(
        gettext_noop("actual cost K_ist %(cost)s; at plan prices %(at_plan)s (actual costs ÷ price index)"),
        {"cost": M, "at_plan": M},
    ),
    "variance.no_quantity": Message(
        gettext_noop("no planned quantity: K_verr = K_soll = K_plan (no volume variance)"), {}
    ),
    "variance.credited": Message(
        gettext_noop(
            "K_verr = %(cost)s ÷ %(planned)s × %(actual)s = %(credited)s; K_soll = %(fixed)s + %(variable)s ÷ "
            "%(planned)s × %(actual)s = %(target)s"
        ),
        {"cost": M, "planned": N, "actual": N, "credited": M, "fixed": M, "variable": M, "target": M},
    ),
    "variance.split": Message(
        gettext_noop(
            "price variance %(price)s + efficiency variance %(efficiency)s + volume variance %(volume)s = total "
            "%(total)s (K_ist − K_verr; positive = unfavourable)"
        ),
        {"price": M, "efficiency": M, "volume": M, "total": M},
    ),
    "variance.over": Message(
        gettext_noop(
            "revenue %(revenue)s − (K_ist %(cost)s − carry-forward %(carry)s) = over-recovery %(result)s (to carry "
            "forward)"
        ),
        {"revenue": M, "cost": M, "carry": M, "result": M},
    ),
    "variance.under": Message(
        gettext_noop(
            "revenue %(revenue)s − (K_ist %(cost)s − carry-forward %(carry)s) = under-recovery %(result)s (to carry "
            "forward)"
        ),
        {"revenue": M, "cost": M, "carry": M, "result": M},
    ),
    "variance.summary": Message(
        gettext_noop("Actual costs %(total)s allocated by the same method; Σ over-/under-recovery %(result)s"),
        {"total": M, "result": M},
    ),
    "variance.no_member_quantities": Message(
        gettext_noop("no actual member quantities: revenue = %(rate)s × %(quantity)s; no member split"),
        {"rate": N, "quantity": N},
    ),
    "variance.member_quantities_zero": Message(
        gettext_noop("the members' actual quantities are all 0: no member split of the cost"), {}
    ),
    "variance.members_by_key": Message(
        gettext_noop("members: cost to recover %(cost)s split by key shares (largest remainder method)"),
        {"cost": M},
    ),
    "variance.members_by_quantity": Message(
        gettext_noop("members: cost to recover %(cost)s split by actual quantities (largest remainder method)"),
        {"cost": M},
    ),
    "variance.member_metered": Message(
        gettext_noop(
            "%(member)s × %(product)s: revenue %(quantity)s × %(rate)s = %(revenue)s − cost share %(cost)s (actual "
            "quantities) = %(result)s"
        ),
        {"member": MEMBER, "product": PRODUCT, "quantity": N, "rate": N, "revenue": M, "cost": M, "result": M},
    ),
    "variance.member_shared": Message(
        gettext_noop(
            "%(member)s × %(product)s: revenue (planned fee) %(revenue)s − cost share %(cost)s (key shares) = "
            "%(result)s"
        ),
        {"member": MEMBER, "product": PRODUCT, "revenue": M, "cost": M, "result": M},
    ),
}


def explain(steps: Iterable[Step], names: Names | None = None) -> tuple[str, ...]:
    """The steps in plain English (1,234.56); `names` ({kind: {id: text}}) replaces ids, e.g. centre codes."""
    return render_plain(steps, MESSAGES, names)
