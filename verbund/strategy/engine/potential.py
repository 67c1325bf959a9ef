"""Potential analysis: which services in scope are not online in this municipality although a solution exists.
Pure Python, no Django.

A solution exists when (1) a product of the provider's catalogue is tagged with the service, (2) an EfA service
for it is in use somewhere, or (3) other municipalities offer it online with their own solution.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Offer:
    product_id: int


@dataclass(frozen=True)
class PotentialInput:
    in_scope: frozenset[str]  # idents of the services the municipality is measured against
    online_here: frozenset[str]
    products: Mapping[str, tuple[int, ...]]  # ident → orderable catalogue products tagged with it
    efa: frozenset[str]  # idents with an EfA service in use somewhere
    others_online: Mapping[str, int]  # ident → number of other municipalities that offer it online


@dataclass(frozen=True)
class PotentialRow:
    ident: str
    products: tuple[int, ...]
    efa: bool
    others_online: int

    @property
    def kind(self) -> str:
        return "catalogue" if self.products else "efa" if self.efa else "others"


def potential(data: PotentialInput) -> list[PotentialRow]:
    """Rows ordered: catalogue products first, then EfA, then other members' solutions (each by how many
    others are online, then ident)."""
    rows = []
    for ident in data.in_scope - data.online_here:
        products = tuple(sorted(data.products.get(ident, ())))
        efa = ident in data.efa
        others = data.others_online.get(ident, 0)
        if products or efa or others:
            rows.append(PotentialRow(ident, products, efa, others))
    order = {"catalogue": 0, "efa": 1, "others": 2}
    rows.sort(key=lambda r: (order[r.kind], -r.others_online, r.ident))
    return rows


def merge_counts(pairs: Iterable[tuple[str, int]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for ident, n in pairs:
        counts[ident] = counts.get(ident, 0) + n
    return counts
