"""The scenario engine's explanation catalogue: every step code, its English message and its arguments' kinds.

Results carry `Step`s (`verbund.core.steps`), never text; pages render them in the user's language with
`verbund.core.explain.render_steps(steps, MESSAGES, names)`, the CLI and tests with `explain(steps)`.
"""

from collections.abc import Iterable

from verbund.core.steps import Kind, Message, Names, Step, gettext_noop, render_plain

M, N, S, C, Y, T = Kind.MONEY, Kind.NUMBER, Kind.SHARE, Kind.COUNT, Kind.YEAR, Kind.TEXT
PRODUCT, MEMBER = Kind.PRODUCT, Kind.MEMBER

MESSAGES: dict[str, Message] = {
    "scenario.move": Message(
        gettext_noop(
            "%(item)s moves to %(entity)s in %(year)s: one-off migration %(share)s × %(cost)s = %(one_off)s, "
            "double running %(months)s months = %(double)s"
        ),
        {"item": PRODUCT, "entity": T, "year": Y, "share": S, "cost": M, "one_off": M, "months": N, "double": M},
    ),
    "scenario.item_year": Message(
        gettext_noop(
            "%(item)s in %(year)s at %(entity)s: %(cost)s × price factor %(factor)s × (1 − synergy %(synergy)s) = "
            "%(running)s; + double running %(double)s + one-off %(one_off)s (recovered through the fees: "
            "%(amortised)s this year)"
        ),
        {
            "item": PRODUCT,
            "year": Y,
            "entity": T,
            "cost": M,
            "factor": N,
            "synergy": S,
            "running": M,
            "double": M,
            "one_off": M,
            "amortised": M,
        },
    ),
    "scenario.year": Message(
        gettext_noop(
            "%(year)s: running %(running)s + double running %(double)s + one-off %(one_off)s + overhead "
            "%(overhead)s + VAT %(vat)s = %(total)s; discounted × %(factor)s = %(present)s"
        ),
        {
            "year": Y,
            "running": M,
            "double": M,
            "one_off": M,
            "overhead": M,
            "vat": M,
            "total": M,
            "factor": N,
            "present": M,
        },
    ),
    "scenario.npv": Message(
        gettext_noop("Net present value of the cost %(start)s–%(end)s at %(rate)s discount rate: %(npv)s"),
        {"start": Y, "end": Y, "rate": S, "npv": M},
    ),
    "scenario.savings": Message(
        gettext_noop("Savings against status quo: %(status_quo)s − %(npv)s = %(savings)s (net present value)"),
        {"status_quo": M, "npv": M, "savings": M},
    ),
    "scenario.fees": Message(
        gettext_noop(
            "Fees %(year)s (through the costing engine, VAT included): %(members)s members, change against status "
            "quo min %(min)s, median %(median)s, max %(max)s; %(losers)s worse off, %(over)s by more than %(limit)s"
        ),
        {
            "year": Y,
            "members": C,
            "min": S,
            "median": S,
            "max": S,
            "losers": C,
            "over": C,
            "limit": S,
        },
    ),
    "scenario.vat": Message(
        gettext_noop("%(entity)s (%(form)s) in %(year)s: VAT %(rate)s on fees of %(fees)s = %(vat)s"),
        {"entity": T, "form": T, "year": Y, "rate": S, "fees": M, "vat": M},
    ),
}


def explain(steps: Iterable[Step], names: Names | None = None) -> tuple[str, ...]:
    """Plain English text of the steps (CLI, tests)."""
    return render_plain(steps, MESSAGES, names)
