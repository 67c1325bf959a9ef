"""The pure engine: status rules (direction, tolerance, effective-dated targets), trend, series, formulas."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verbund.controlling.engine import (
    Direction,
    FormulaError,
    Status,
    TargetVersion,
    Trend,
    evaluate,
    judge,
    parse,
    series_values,
    target_for,
    trend,
    variables,
)

decimals = st.decimals(min_value=-(10**6), max_value=10**6, allow_nan=False, allow_infinity=False, places=3)
tolerances = st.decimals(min_value=0, max_value=10**4, allow_nan=False, allow_infinity=False, places=3)


def _status(value, target, tolerance, direction):
    return judge(
        Decimal(value),
        year=2025,
        direction=direction,
        targets=[TargetVersion(1, 2025, Decimal(target), Decimal(tolerance))],
    ).status


@pytest.mark.parametrize(
    ("value", "direction", "expected"),
    [
        ("100", Direction.HIGHER, Status.GREEN),
        ("95", Direction.HIGHER, Status.AMBER),
        ("90", Direction.HIGHER, Status.AMBER),
        ("89.9", Direction.HIGHER, Status.RED),
        ("100", Direction.LOWER, Status.GREEN),
        ("105", Direction.LOWER, Status.AMBER),
        ("110", Direction.LOWER, Status.AMBER),
        ("110.1", Direction.LOWER, Status.RED),
        ("80", Direction.LOWER, Status.GREEN),
        ("120", Direction.HIGHER, Status.GREEN),
    ],
)
def test_status_bands_with_tolerance(value, direction, expected):
    assert _status(value, "100", "10", direction) == expected


@given(value=decimals, target=decimals, tolerance=tolerances)
def test_lower_is_better_mirrors_higher_is_better(value, target, tolerance):
    """Minimising x against t is maximising −x against −t."""
    assert _status(value, target, tolerance, Direction.LOWER) == _status(-value, -target, tolerance, Direction.HIGHER)


@given(value=decimals, target=decimals, small=tolerances, extra=tolerances)
def test_a_wider_band_never_makes_the_status_worse(value, target, small, extra):
    order = {Status.GREEN: 0, Status.AMBER: 1, Status.RED: 2}
    for direction in Direction:
        narrow = _status(value, target, small, direction)
        wide = _status(value, target, small + extra, direction)
        assert order[wide] <= order[narrow]


@given(value=decimals, target=decimals, tolerance=tolerances)
def test_green_exactly_when_the_target_is_met(value, target, tolerance):
    assert (_status(value, target, tolerance, Direction.HIGHER) == Status.GREEN) == (value >= target)
    assert (_status(value, target, tolerance, Direction.LOWER) == Status.GREEN) == (value <= target)


def test_targets_are_effective_dated():
    targets = [
        TargetVersion(1, 2025, Decimal(100)),
        TargetVersion(2, 2027, Decimal(120)),
        TargetVersion(3, 2027, Decimal(130)),  # a correction of the same year: the newer one holds
    ]
    assert target_for(2024, targets) is None
    assert target_for(2025, targets).value == 100
    assert target_for(2026, targets).value == 100
    assert target_for(2027, targets).value == 130
    assert target_for(2035, targets).value == 130
    judgement = judge(Decimal(110), year=2026, direction=Direction.HIGHER, targets=targets)
    assert (judgement.status, judgement.target.id, judgement.difference) == (Status.GREEN, 1, Decimal(10))
    later = judge(Decimal(110), year=2027, direction=Direction.HIGHER, targets=targets)
    assert (later.status, later.target.id, later.difference) == (Status.RED, 3, Decimal(-20))


@given(
    years=st.lists(st.integers(min_value=2000, max_value=2040), min_size=1, max_size=6),
    year=st.integers(min_value=2000, max_value=2040),
)
def test_the_target_in_force_is_the_latest_not_after_the_year(years, year):
    targets = [TargetVersion(i, y, Decimal(i)) for i, y in enumerate(years)]
    chosen = target_for(year, targets)
    valid = [t for t in targets if t.valid_from <= year]
    if not valid:
        assert chosen is None
    else:
        assert chosen.valid_from == max(t.valid_from for t in valid)


def test_no_value_or_no_target_is_not_judged():
    assert judge(None, year=2025, direction=Direction.HIGHER, targets=[]).status == Status.NONE
    assert judge(Decimal(1), year=2025, direction=Direction.HIGHER, targets=[]).status == Status.NONE
    future = [TargetVersion(1, 2030, Decimal(1))]
    assert judge(Decimal(1), year=2025, direction=Direction.HIGHER, targets=future).status == Status.NONE


def test_judgement_has_a_trace():
    judgement = judge(
        Decimal(95), year=2025, direction=Direction.HIGHER, targets=[TargetVersion(7, 2025, Decimal(100), Decimal(10))]
    )
    keys = [key for key, _params in judgement.trace]
    assert keys == ["target", "higher", "status"]
    assert judgement.trace[1][1]["floor"] == "90"


def test_trend_reads_the_direction_and_the_series():
    assert trend(Decimal(2), Decimal(1), direction=Direction.HIGHER) == Trend.BETTER
    assert trend(Decimal(2), Decimal(1), direction=Direction.LOWER) == Trend.WORSE
    assert trend(Decimal(1), Decimal(1), direction=Direction.LOWER) == Trend.SAME
    assert trend(Decimal(2), None, direction=Direction.HIGHER) == Trend.NONE
    assert trend(Decimal(2), Decimal(1), direction=Direction.HIGHER, same_series=False) == Trend.NONE


def test_a_definition_change_splits_the_series():
    points = [(2024, 1, Decimal(10)), (2025, 1, Decimal(12)), (2026, 2, Decimal(3)), (2027, 2, Decimal(4))]
    assert series_values(points, series=1) == {2024: Decimal(10), 2025: Decimal(12)}
    assert series_values(points, series=2) == {2026: Decimal(3), 2027: Decimal(4)}


def test_formula_evaluates_with_precedence_and_parentheses():
    values = {"A": Decimal(10), "B": Decimal(4), "C": Decimal(2)}
    assert evaluate("A + B * C", values)[0] == Decimal(18)
    assert evaluate("(A + B) * C", values)[0] == Decimal(28)
    assert evaluate("-A / C + 1.5", values)[0] == Decimal("-3.5")
    assert evaluate("A - B - C", values)[0] == Decimal(4)  # left-associative
    assert variables(parse("(A + B) / C_2")) == {"A", "B", "C_2"}


def test_formula_without_data_is_no_data_not_zero():
    value, trace = evaluate("A / B", {"A": Decimal(1), "B": None})
    assert value is None
    assert trace[-1] == ("formula_result", {"value": ""})
    assert evaluate("A + MISSING", {"A": Decimal(1)})[0] is None


@pytest.mark.parametrize(
    "text", ["", "A +", "(A", "A B", "__import__('os')", "A ** 2", "A; B", "1 / (", "A.b", "x" * 501]
)
def test_bad_formulas_are_refused(text):
    with pytest.raises(FormulaError):
        parse(text)


def test_division_by_zero_is_an_error():
    with pytest.raises(FormulaError):
        evaluate("A / (B - B)", {"A": Decimal(1), "B": Decimal(2)})


@given(a=decimals, b=decimals)
def test_formula_sum_equals_decimal_sum(a, b):
    assert evaluate("A + B", {"A": a, "B": b})[0] == a + b
