"""From the rows of a provider (commitments, subscriptions, outages) to the engine's cells, without Django: the
selectors load the rows, the benchmark generates them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from verbund.availability.engine.compute import Cell, Commitment, Incident


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
) -> dict[tuple[int, int], Cell]:
    """Cells (member, product) for every subscribed pair that has a commitment; a member's own commitment
    overrides the general one. The outages of all subscribers of a product are one shared tuple."""
    in_force = commitment_in_force(commitments, year)
    by_product: dict[int, list[OutageFacts]] = {}
    for facts in outages:
        for product_id in facts.product_ids:
            by_product.setdefault(product_id, []).append(facts)
    general: dict[int, tuple[Incident, ...]] = {}
    targeted: dict[tuple[int, int], list[Incident]] = {}
    for product_id, items in by_product.items():
        items.sort(key=lambda f: (f.incident.start, f.incident.key))
        general[product_id] = tuple(f.incident for f in items if not f.member_ids)
        for facts in items:
            for member_id in facts.member_ids:
                targeted.setdefault((product_id, member_id), []).append(facts.incident)
    overrides = {key for key in in_force if key[1] is not None}
    cells: dict[tuple[int, int], Cell] = {}
    empty: tuple[Incident, ...] = ()
    for member_id, product_id in subscriptions:
        key = (product_id, member_id)
        row = in_force[key] if key in overrides else in_force.get((product_id, None))
        if row is None:
            continue
        extra = targeted.get(key)
        cells[(member_id, product_id)] = Cell(
            row.commitment, general.get(product_id, empty), tuple(extra) if extra else empty, row.row_id
        )
    return cells
