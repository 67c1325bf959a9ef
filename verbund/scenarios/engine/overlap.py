"""Portfolio overlap: per task which providers run which product, and the Jaccard overlap of providers' tasks
(next-capabilities §A.3): overlap(A, B) = |T_A ∩ T_B| / |T_A ∪ T_B|."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from verbund.core.money import round_even

from .inputs import Item


@dataclass(frozen=True, slots=True)
class TaskOverlap:
    task: str
    by_provider: dict[str, tuple[str, ...]]  # provider → its item ids for this task

    @property
    def providers(self) -> int:
        return len(self.by_provider)


@dataclass(frozen=True, slots=True)
class Overlap:
    tasks: tuple[TaskOverlap, ...]  # tasks run by more than one provider first
    jaccard: dict[tuple[str, str], Decimal]  # (A, B) with A < B → share, 4 decimals
    providers: tuple[str, ...]


def jaccard(a: set[str], b: set[str]) -> Decimal:
    union = a | b
    if not union:
        return Decimal(0)
    return round_even(Decimal(len(a & b)) / Decimal(len(union)), Decimal("0.0001"))


def overlap(items: tuple[Item, ...] | list[Item]) -> Overlap:
    tasks: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    by_provider: dict[str, set[str]] = defaultdict(set)
    for item in items:
        tasks[item.task][item.provider].append(item.id)
        by_provider[item.provider].add(item.task)
    providers = tuple(sorted(by_provider))
    rows = [TaskOverlap(task, {p: tuple(sorted(ids)) for p, ids in sorted(per.items())}) for task, per in tasks.items()]
    rows.sort(key=lambda r: (-r.providers, r.task))
    pairs = {
        (a, b): jaccard(by_provider[a], by_provider[b]) for i, a in enumerate(providers) for b in providers[i + 1 :]
    }
    return Overlap(tuple(rows), pairs, providers)
