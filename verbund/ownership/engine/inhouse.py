"""The in-house check (§ 108 GWB) of one entity on one day: may its owners award it contracts without a tender?

Pure: no Django, no clock (`as_of`), exact arithmetic (`Fraction`); the result explains itself with steps
(`core.steps`) in `MESSAGES`, rendered in the reader's language by `core.explain.render_steps`.

Three rules, each with its text (docs/reference next-capabilities §A.2):

1. **No private capital** (Abs. 1 Nr. 3): every owner, looking through the group's own entities (the holding
   as owner of the operating company: indirect control, Abs. 2 Satz 2), is a public body. Shares recorded for
   less than 100 % of the capital leave the rule undetermined.
2. **Control** (Abs. 1 Nr. 1, Abs. 4/5): one public owner controls alone; several control jointly only if every
   one of them is represented in the governing bodies (at least one board seat in the entity it holds directly).
   Control by the majority owner alone does not count for the others.
3. **Activity** (Abs. 1 Nr. 2, Abs. 7): more than 80 % of the activities are carried out for the controlling
   authorities (or the group's own entities), measured as the average total turnover of the three years before
   `as_of`'s year. Without turnover in those years the rule is undetermined (Abs. 7 Satz 3: a business
   projection must show it). Turnover with members of an owning association is not counted as the association's
   own (indirect joint control through associations is contested: Ahlers/Böhme, NZBau 2021, 433).

Result: eligible when every rule passes; not eligible when one fails; otherwise undetermined.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction

from verbund.core.money import round_even
from verbund.core.steps import Kind, Message, Step, gettext_noop

ELIGIBLE = "eligible"
NOT_ELIGIBLE = "not_eligible"
UNDETERMINED = "undetermined"

PRIVATE_CAPITAL = "private_capital"
CONTROL = "control"
ACTIVITY = "activity"

THRESHOLD = Fraction(80, 100)
YEARS = 3
MAX_DEPTH = 10

RULE_TEXTS: dict[str, str] = {
    PRIVATE_CAPITAL: gettext_noop(
        "§ 108 Abs. 1 Nr. 3 GWB: there is no direct private capital participation in the controlled legal person."
    ),
    CONTROL: gettext_noop(
        "§ 108 Abs. 1 Nr. 1, Abs. 2 Satz 2 and Abs. 4/5 GWB: the contracting authorities exercise over the legal "
        "person a control similar to that over their own departments, alone or jointly; control may be exercised "
        "through another legal person controlled in the same way. Joint control requires that every controlling "
        "authority is represented in the decision-making bodies."
    ),
    ACTIVITY: gettext_noop(
        "§ 108 Abs. 1 Nr. 2, Abs. 7 GWB: more than 80 %% of the activities of the controlled legal person are "
        "carried out in the performance of tasks entrusted to it by the controlling authorities, measured as the "
        "average total turnover of the three years preceding the award."
    ),
}

PERCENT = Decimal("0.01")

MESSAGES: dict[str, Message] = {
    "owner": Message(
        gettext_noop("%(owner)s holds %(share)s %% (%(seats)s board seats)"),
        {"owner": Kind.MEMBER, "share": Kind.NUMBER, "seats": Kind.COUNT},
    ),
    "owner.indirect": Message(
        gettext_noop("%(owner)s holds %(share)s %% indirectly through %(via)s (%(seats)s board seats there)"),
        {"owner": Kind.MEMBER, "share": Kind.NUMBER, "via": Kind.MEMBER, "seats": Kind.COUNT},
    ),
    "owners.none": Message(gettext_noop("no owners recorded on %(day)s"), {"day": Kind.TEXT}),
    "owners.incomplete": Message(
        gettext_noop("the recorded shares cover only %(share)s %% of the capital"), {"share": Kind.NUMBER}
    ),
    "private.found": Message(gettext_noop("%(owner)s is not a public body"), {"owner": Kind.MEMBER}),
    "private.none": Message(gettext_noop("every owner is a public body"), {}),
    "control.sole": Message(gettext_noop("%(owner)s controls alone"), {"owner": Kind.MEMBER}),
    "control.joint": Message(
        gettext_noop("%(count)s public owners control jointly; each is represented in the bodies"),
        {"count": Kind.COUNT},
    ),
    "control.no_seat": Message(
        gettext_noop("%(owner)s has no seat in the bodies: joint control is not established"), {"owner": Kind.MEMBER}
    ),
    "control.none": Message(gettext_noop("no public owner controls the entity"), {}),
    "year": Message(
        gettext_noop("%(year)s: %(controllers)s of %(total)s for the controlling authorities"),
        {"year": Kind.YEAR, "controllers": Kind.MONEY, "total": Kind.MONEY},
    ),
    "activity.share": Message(
        gettext_noop("%(years)s: %(controllers)s of %(total)s = %(share)s %% (more than 80 %% needed)"),
        {"years": Kind.TEXT, "controllers": Kind.MONEY, "total": Kind.MONEY, "share": Kind.NUMBER},
    ),
    "activity.none": Message(
        gettext_noop("no turnover in %(years)s: a business projection must show the 80 %% (Abs. 7 Satz 3)"),
        {"years": Kind.TEXT},
    ),
    "activity.third": Message(
        gettext_noop("%(customer)s (not controlling): %(amount)s"), {"customer": Kind.MEMBER, "amount": Kind.MONEY}
    ),
}


class InHouseError(ValueError):
    """Bad input; `path` names the value."""

    def __init__(self, message: str, path: str) -> None:
        super().__init__(message)
        self.path = path


@dataclass(frozen=True)
class Stake:
    owner_id: int
    share: Decimal  # a fraction, 0 < share <= 1
    board_seats: int
    public: bool = True


@dataclass(frozen=True)
class Turnover:
    customer_id: int
    year: int
    net: Decimal  # net turnover of the year with this customer (invoices less credit notes)


@dataclass(frozen=True)
class Situation:
    """Everything the check needs: the stakes on `as_of` of the entity and of every group entity among its
    owners (`stakes[entity id]`), which owners are group entities to look through, and the turnover."""

    entity_id: int
    as_of: dt.date
    stakes: Mapping[int, tuple[Stake, ...]]
    group_ids: frozenset[int] = frozenset()
    turnover: tuple[Turnover, ...] = ()


@dataclass(frozen=True)
class RuleResult:
    code: str
    passed: bool | None  # None: undetermined
    text: str  # the rule's text (an English msgid)
    trace: tuple[Step, ...]


@dataclass(frozen=True)
class Ultimate:
    owner_id: int
    share: Fraction
    board_seats: int
    public: bool
    via: int | None  # the group entity through which it holds its share


@dataclass(frozen=True)
class Judgement:
    entity_id: int
    as_of: dt.date
    status: str
    rules: tuple[RuleResult, ...]
    owners: tuple[Ultimate, ...]
    controllers: frozenset[int]
    years: tuple[int, ...]
    turnover_total: Decimal
    turnover_controllers: Decimal
    activity_share: Decimal | None  # percent, two decimals
    trace: tuple[Step, ...] = field(default=())

    def rule(self, code: str) -> RuleResult:
        return next(rule for rule in self.rules if rule.code == code)


def _percent(value: Fraction) -> Decimal:
    return round_even(Decimal(value.numerator) / Decimal(value.denominator) * 100, PERCENT)


def _check(situation: Situation) -> None:
    if situation.entity_id not in situation.stakes:
        raise InHouseError(gettext_noop("The entity's stakes are missing."), "stakes")
    for entity_id, stakes in situation.stakes.items():
        for index, stake in enumerate(stakes):
            if not Decimal(0) < stake.share <= Decimal(1):
                raise InHouseError(gettext_noop("A share lies above 0 and at most 1."), f"stakes.{entity_id}.{index}")
            if stake.board_seats < 0:
                raise InHouseError(gettext_noop("Board seats cannot be negative."), f"stakes.{entity_id}.{index}")
    for index, row in enumerate(situation.turnover):
        if not row.net.is_finite():
            raise InHouseError(gettext_noop("A turnover is not a number."), f"turnover.{index}")


def ultimate_owners(situation: Situation) -> tuple[list[Ultimate], Fraction]:
    """The owners after looking through the group's own entities, with their effective shares, and the share of
    the capital the records cover (1 when complete)."""
    owners: dict[int, Ultimate] = {}
    covered = Fraction(0)

    def walk(entity_id: int, factor: Fraction, via: int | None, depth: int) -> None:
        nonlocal covered
        if depth > MAX_DEPTH:
            raise InHouseError(gettext_noop("The ownership is circular."), f"stakes.{entity_id}")
        for stake in situation.stakes.get(entity_id, ()):
            share = factor * Fraction(stake.share)
            if stake.owner_id in situation.group_ids and stake.owner_id in situation.stakes:
                walk(stake.owner_id, share, stake.owner_id, depth + 1)
                continue
            covered += share
            known = owners.get(stake.owner_id)
            if known is None:
                owners[stake.owner_id] = Ultimate(stake.owner_id, share, stake.board_seats, stake.public, via)
            else:
                owners[stake.owner_id] = replace(
                    known, share=known.share + share, board_seats=known.board_seats + stake.board_seats
                )

    walk(situation.entity_id, Fraction(1), None, 0)
    return sorted(owners.values(), key=lambda o: (-o.share, o.owner_id)), covered


def _owner_step(owner: Ultimate) -> Step:
    if owner.via is None:
        return Step("owner", {"owner": str(owner.owner_id), "share": _percent(owner.share), "seats": owner.board_seats})
    return Step(
        "owner.indirect",
        {
            "owner": str(owner.owner_id),
            "share": _percent(owner.share),
            "via": str(owner.via),
            "seats": owner.board_seats,
        },
    )


def _private_rule(owners: list[Ultimate], covered: Fraction, as_of: dt.date) -> RuleResult:
    trace = [_owner_step(owner) for owner in owners]
    private = [owner for owner in owners if not owner.public]
    trace += [Step("private.found", {"owner": str(owner.owner_id)}) for owner in private]
    if private:
        return RuleResult(PRIVATE_CAPITAL, False, RULE_TEXTS[PRIVATE_CAPITAL], tuple(trace))
    if not owners:
        trace.append(Step("owners.none", {"day": as_of.isoformat()}))
        return RuleResult(PRIVATE_CAPITAL, None, RULE_TEXTS[PRIVATE_CAPITAL], tuple(trace))
    if covered < 1:
        trace.append(Step("owners.incomplete", {"share": _percent(covered)}))
        return RuleResult(PRIVATE_CAPITAL, None, RULE_TEXTS[PRIVATE_CAPITAL], tuple(trace))
    trace.append(Step("private.none", {}))
    return RuleResult(PRIVATE_CAPITAL, True, RULE_TEXTS[PRIVATE_CAPITAL], tuple(trace))


def _control_rule(owners: list[Ultimate]) -> tuple[RuleResult, frozenset[int]]:
    public = [owner for owner in owners if owner.public]
    controllers = frozenset(owner.owner_id for owner in public)
    if not public:
        return RuleResult(CONTROL, False, RULE_TEXTS[CONTROL], (Step("control.none", {}),)), controllers
    if len(public) == 1:
        step = Step("control.sole", {"owner": str(public[0].owner_id)})
        return RuleResult(CONTROL, True, RULE_TEXTS[CONTROL], (step,)), controllers
    unseated = [owner for owner in public if owner.board_seats < 1]
    if unseated:
        trace = tuple(Step("control.no_seat", {"owner": str(owner.owner_id)}) for owner in unseated)
        return RuleResult(CONTROL, False, RULE_TEXTS[CONTROL], trace), controllers
    step = Step("control.joint", {"count": len(public)})
    return RuleResult(CONTROL, True, RULE_TEXTS[CONTROL], (step,)), controllers


def assessment_years(as_of: dt.date) -> tuple[int, ...]:
    return tuple(range(as_of.year - YEARS, as_of.year))


def _activity_rule(
    situation: Situation, controlled: frozenset[int]
) -> tuple[RuleResult, Decimal, Decimal, Decimal | None]:
    years = assessment_years(situation.as_of)
    label = f"{years[0]}–{years[-1]}"
    rows = [row for row in situation.turnover if row.year in years]
    total = sum((row.net for row in rows), Decimal(0))
    ours = sum((row.net for row in rows if row.customer_id in controlled), Decimal(0))
    trace: list[Step] = []
    for year in years:
        of_year = [row for row in rows if row.year == year]
        trace.append(
            Step(
                "year",
                {
                    "year": year,
                    "controllers": sum((r.net for r in of_year if r.customer_id in controlled), Decimal(0)),
                    "total": sum((r.net for r in of_year), Decimal(0)),
                },
            )
        )
    third: dict[int, Decimal] = {}
    for row in rows:
        if row.customer_id not in controlled:
            third[row.customer_id] = third.get(row.customer_id, Decimal(0)) + row.net
    for customer, amount in sorted(third.items(), key=lambda item: (-item[1], item[0])):
        trace.append(Step("activity.third", {"customer": str(customer), "amount": amount}))
    if total <= 0:
        trace.append(Step("activity.none", {"years": label}))
        return RuleResult(ACTIVITY, None, RULE_TEXTS[ACTIVITY], tuple(trace)), total, ours, None
    share = Fraction(ours) / Fraction(total)
    percent = _percent(share)
    trace.append(Step("activity.share", {"years": label, "controllers": ours, "total": total, "share": percent}))
    return RuleResult(ACTIVITY, share > THRESHOLD, RULE_TEXTS[ACTIVITY], tuple(trace)), total, ours, percent


def judge(situation: Situation) -> Judgement:
    """Apply the three rules to `situation` (see the module's docstring)."""
    _check(situation)
    owners, covered = ultimate_owners(situation)
    private = _private_rule(owners, covered, situation.as_of)
    control, controllers = _control_rule(owners)
    controlled = controllers | situation.group_ids | {situation.entity_id}
    activity, total, ours, percent = _activity_rule(situation, frozenset(controlled))
    rules = (private, control, activity)
    if any(rule.passed is False for rule in rules):
        status = NOT_ELIGIBLE
    elif any(rule.passed is None for rule in rules):
        status = UNDETERMINED
    else:
        status = ELIGIBLE
    return Judgement(
        entity_id=situation.entity_id,
        as_of=situation.as_of,
        status=status,
        rules=rules,
        owners=tuple(owners),
        controllers=controllers,
        years=assessment_years(situation.as_of),
        turnover_total=total,
        turnover_controllers=ours,
        activity_share=percent,
        trace=tuple(step for rule in rules for step in rule.trace),
    )


def with_changes(
    situation: Situation,
    *,
    extra_turnover: Iterable[Turnover] = (),
    extra_stakes: Mapping[int, Iterable[Stake]] | None = None,
) -> Situation:
    """The situation after a change someone is about to make: more turnover (an accession, a new customer) or
    another owner (stakes added to an entity's; an existing owner's stake replaced)."""
    stakes = dict(situation.stakes)
    for entity_id, added in (extra_stakes or {}).items():
        new = list(added)
        replaced = {stake.owner_id for stake in new}
        stakes[entity_id] = tuple(s for s in stakes.get(entity_id, ()) if s.owner_id not in replaced) + tuple(new)
    return replace(situation, stakes=stakes, turnover=situation.turnover + tuple(extra_turnover))


def breaks(before: Judgement, after: Judgement) -> bool:
    """Would the change take away an in-house award that is possible now (or not yet determinable)?"""
    return before.status != NOT_ELIGIBLE and after.status == NOT_ELIGIBLE
