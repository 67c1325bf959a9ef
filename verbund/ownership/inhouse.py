"""The in-house check of an entity from the database: its real ownership on a day and the turnover of the three
preceding years from issued invoices (read through `billing.selectors.turnover_by_customer`), judged by the pure
`engine.inhouse`; and the warning other apps ask for before a change ("would this accession, this additional
turnover or this owner break it?")."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from verbund.billing.selectors import turnover_by_customer
from verbund.ownership.choices import LOOK_THROUGH_KINDS, OWNER_KINDS
from verbund.ownership.engine import inhouse as engine
from verbund.ownership.models import Ownership
from verbund.registry.models import Organization


def _stakes_on(entity_ids: set[int], day: dt.date) -> list[Ownership]:
    return list(
        Ownership.objects.filter(entity_id__in=entity_ids, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .select_related("owner")
    )


def situation(*, entity: Organization, as_of: dt.date) -> tuple[engine.Situation, dict[int, str]]:
    """The engine's input for `entity` on `as_of`, and the names of every organisation it mentions. One query per
    level of the group (two for holding → operating company) and one for the turnover."""
    stakes: dict[int, tuple[engine.Stake, ...]] = {}
    names: dict[int, str] = {entity.pk: entity.name}
    group: set[int] = set()
    pending = {entity.pk}
    for _level in range(engine.MAX_DEPTH):
        if not pending:
            break
        rows = _stakes_on(pending, as_of)
        stakes.update({entity_id: () for entity_id in pending})
        next_level: set[int] = set()
        for row in rows:
            stakes[row.entity_id] += (
                engine.Stake(row.owner_id, row.share, row.board_seats, public=row.owner.kind in OWNER_KINDS),
            )
            names[row.owner_id] = row.owner.name
            if row.owner.kind in LOOK_THROUGH_KINDS and row.owner_id not in stakes:
                group.add(row.owner_id)
                next_level.add(row.owner_id)
        pending = next_level
    years = engine.assessment_years(as_of)
    turnover = turnover_by_customer(provider=entity, years=years)
    customers = {customer for customer, _year in turnover} - set(names)
    names.update(dict(Organization.objects.filter(pk__in=customers).values_list("pk", "name")))
    sales = tuple(engine.Turnover(customer, year, net) for (customer, year), net in sorted(turnover.items()))
    return engine.Situation(entity.pk, as_of, stakes, frozenset(group), sales), names


def judgement(*, entity: Organization, as_of: dt.date) -> tuple[engine.Judgement, dict[int, str]]:
    current, names = situation(entity=entity, as_of=as_of)
    return engine.judge(current), names


@dataclass(frozen=True)
class InHouseWarning:
    """The answer to "would this change break the in-house award?"."""

    before: engine.Judgement
    after: engine.Judgement
    names: dict[int, str]

    @property
    def breaks(self) -> bool:
        return engine.breaks(self.before, self.after)


def inhouse_warning(
    *,
    entity: Organization,
    as_of: dt.date,
    customer: Organization | None = None,
    annual_turnover: Decimal = Decimal(0),
    owner: Organization | None = None,
    private_owner_id: int | None = None,
    share: Decimal = Decimal(0),
    board_seats: int = 0,
    customers: Iterable[tuple[Organization, Decimal]] = (),
) -> InHouseWarning:
    """What the check says now and after the change: `customer` buys `annual_turnover` a year more (an accession
    or a new order: counted in each of the three assessment years), or `owner` (a public organisation) or a
    private investor (`private_owner_id`, any id not of an organisation) takes `share` with `board_seats`.
    `customers` adds several such (customer, annual turnover) changes at once (a service transfer moves the
    subscriptions of many members; a negative amount is turnover the entity loses).
    For other apps: the orders and registry pages ask before an accession or an order of the entity."""
    current, names = situation(entity=entity, as_of=as_of)
    changes = [(customer, annual_turnover)] if customer is not None else []
    extra_turnover = []
    for buyer, amount in [*changes, *customers]:
        if not amount:
            continue
        names.setdefault(buyer.pk, buyer.name)
        extra_turnover += [engine.Turnover(buyer.pk, year, amount) for year in engine.assessment_years(as_of)]
    extra_stakes: dict[int, list[engine.Stake]] = {}
    if owner is not None and share:
        names.setdefault(owner.pk, owner.name)
        public = owner.kind in OWNER_KINDS
        extra_stakes[entity.pk] = [engine.Stake(owner.pk, share, board_seats, public=public)]
    elif private_owner_id is not None and share:
        extra_stakes[entity.pk] = [engine.Stake(private_owner_id, share, board_seats, public=False)]
    changed = engine.with_changes(current, extra_turnover=extra_turnover, extra_stakes=extra_stakes)
    if extra_stakes:
        # The newcomer's share comes out of the others' in proportion (a capital increase dilutes them).
        changed = _diluted(changed, entity.pk, share)
    return InHouseWarning(engine.judge(current), engine.judge(changed), names)


def _diluted(current: engine.Situation, entity_id: int, share: Decimal) -> engine.Situation:
    stakes = list(current.stakes[entity_id])
    newcomer, others = stakes[-1], stakes[:-1]
    factor = Decimal(1) - share
    diluted = tuple(
        engine.Stake(s.owner_id, s.share * factor, s.board_seats, s.public) for s in others if s.share * factor > 0
    )
    return engine.Situation(
        current.entity_id,
        current.as_of,
        {**current.stakes, entity_id: (*diluted, newcomer)},
        current.group_ids,
        current.turnover,
    )
