"""From the rows of a provider (commitments, subscriptions, outages) to the engine's cells, without Django: the
selectors load the rows, the benchmark generates them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from verbund.availability.engine.compute import Commitment, Incident


@dataclass(frozen=True)
class CommitmentRow:
    product_id: int
    member_id: int | None  # None: for every member
    valid_from: date
    commitment: Commitment
    row_id: int = 0


@dataclass(frozen=True)
class OutageFacts:
    incident: Incident
    product_ids: frozenset[int]
    member_ids: frozenset[int]  # empty: every member subscribed to a product


def commitment_in_force(rows: Iterable[CommitmentRow], year: int) -> dict[tuple[int, int | None], CommitmentRow]:
    """Per (product, member or None) the commitment for the year: the newest valid on 1 January, or else the first
    that starts during the year."""
    first = date(year, 1, 1)
    last = date(year, 12, 31)
    chosen: dict[tuple[int, int | None], CommitmentRow] = {}
    for row in sorted(rows, key=lambda r: r.valid_from):
        if row.valid_from > last:
            continue
        key = (row.product_id, row.member_id)
        current = chosen.get(key)
        if current is None or row.valid_from <= first:
            chosen[key] = row
    return chosen


def assemble(
    *,
    year: int,
    commitments: Iterable[CommitmentRow],
    subscriptions: Iterable[tuple[int, int]],
    outages: Iterable[OutageFacts],
) -> tuple[dict[tuple[int, int], tuple[Commitment, tuple[Incident, ...]]], dict[tuple[int, int], CommitmentRow]]:
    """Cells (member, product) → (commitment, incidents) for every subscribed pair that has a commitment, and the
    commitment row used for each. A member's own commitment overrides the general one."""
    in_force = commitment_in_force(commitments, year)
    by_product: dict[int, list[OutageFacts]] = {}
    for facts in outages:
        for product_id in facts.product_ids:
            by_product.setdefault(product_id, []).append(facts)
    for items in by_product.values():
        items.sort(key=lambda f: (f.incident.start, f.incident.key))
    general_incidents: dict[int, tuple[Incident, ...]] = {
        product_id: tuple(f.incident for f in items if not f.member_ids) for product_id, items in by_product.items()
    }
    targeted: dict[int, list[OutageFacts]] = {
        product_id: [f for f in items if f.member_ids] for product_id, items in by_product.items()
    }
    cells: dict[tuple[int, int], tuple[Commitment, tuple[Incident, ...]]] = {}
    used: dict[tuple[int, int], CommitmentRow] = {}
    for member_id, product_id in subscriptions:
        row = in_force.get((product_id, member_id)) or in_force.get((product_id, None))
        if row is None:
            continue
        incidents = general_incidents.get(product_id, ())
        extra = [f.incident for f in targeted.get(product_id, ()) if member_id in f.member_ids]
        if extra:
            incidents = tuple(sorted((*incidents, *extra), key=lambda i: (i.start, i.key)))
        cells[(member_id, product_id)] = (row.commitment, incidents)
        used[(member_id, product_id)] = row
    return cells, used


def outages_by_member(
    cells: Mapping[tuple[int, int], tuple[Commitment, tuple[Incident, ...]]],
) -> dict[int, set[str]]:
    """Member → keys of the incidents that touch it."""
    result: dict[int, set[str]] = {}
    for (member_id, _product_id), (_commitment, incidents) in cells.items():
        result.setdefault(member_id, set()).update(i.key for i in incidents)
    return result
