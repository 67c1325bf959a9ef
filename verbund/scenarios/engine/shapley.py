"""Fair sharing of synergies between providers (next-capabilities §A.3): the Shapley value of a coalition game
and whether a split is in the core (no subgroup gains by leaving).

φ_i = Σ_{S ⊆ N∖{i}} |S|! (n − |S| − 1)! / n! · [v(S ∪ {i}) − v(S)], exact over all 2ⁿ coalitions (n ≤ 12).
"""

from collections.abc import Callable, Iterable
from decimal import Decimal
from itertools import combinations
from math import factorial

from .errors import ScenarioError

MAX_PLAYERS = 12


def coalitions(players: Iterable[str]) -> list[frozenset[str]]:
    items = sorted(players)
    return [frozenset(c) for size in range(len(items) + 1) for c in combinations(items, size)]


def shapley(players: tuple[str, ...], value: Callable[[frozenset[str]], Decimal]) -> dict[str, Decimal]:
    n = len(players)
    if n > MAX_PLAYERS:
        raise ScenarioError("players", f"at most {MAX_PLAYERS} players for the exact Shapley value")
    values = {c: value(c) for c in coalitions(players)}
    total = Decimal(factorial(n))
    result: dict[str, Decimal] = {}
    for player in players:
        phi = Decimal(0)
        for coalition, v in values.items():
            if player in coalition:
                continue
            s = len(coalition)
            weight = Decimal(factorial(s) * factorial(n - s - 1)) / total
            phi += weight * (values[coalition | {player}] - v)
        result[player] = phi
    return result


def in_core(split: dict[str, Decimal], value: Callable[[frozenset[str]], Decimal]) -> list[frozenset[str]]:
    """The coalitions that would gain by leaving (Σ_{i∈S} x_i < v(S)); empty if the split is in the core."""
    blocking = []
    for coalition in coalitions(split):
        if coalition and sum((split[i] for i in coalition), Decimal(0)) < value(coalition) - Decimal("0.005"):
            blocking.append(coalition)
    return blocking
