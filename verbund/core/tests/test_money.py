from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verbund.core.money import MoneyError, round_money, to_decimal


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1.234,56", Decimal("1234.56")),
        ("1234.56", Decimal("1234.56")),
        (" 12 ", Decimal("12")),
        (7, Decimal(7)),
    ],
)
def test_to_decimal_reads_german_and_plain_notation(raw, expected):
    assert to_decimal(raw) == expected


@pytest.mark.parametrize("bad", [1.5, True, "abc", "NaN", "Infinity", None])
def test_to_decimal_refuses_floats_and_garbage(bad):
    with pytest.raises(MoneyError):
        to_decimal(bad)


def test_round_money_is_commercial_half_up():
    assert round_money(Decimal("0.005")) == Decimal("0.01")
    assert round_money(Decimal("2.675")) == Decimal("2.68")  # binary float would give 2.67
    assert round_money(Decimal("-0.005")) == Decimal("-0.01")


@given(st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, places=6))
def test_round_money_moves_at_most_half_a_cent(value):
    rounded = round_money(value)
    assert abs(rounded - value) <= Decimal("0.005")
    assert rounded == rounded.quantize(Decimal("0.01"))


@given(st.integers(min_value=-(10**12), max_value=10**12), st.integers(min_value=1, max_value=10**9))
def test_round_ratio_is_the_money_rule_on_exact_fractions(numerator, denominator):
    from decimal import localcontext

    from verbund.core.money import round_fraction, round_ratio

    with localcontext() as context:
        context.prec = 60  # exact enough to compare with the integer arithmetic
        expected = round_money(Decimal(numerator) / Decimal(denominator))
    assert round_ratio(numerator, denominator) == expected
    assert round_fraction(Fraction(numerator, denominator)) == expected


def test_round_even_and_round_down_are_their_named_rules():
    from verbund.core.money import round_down, round_even

    assert round_even(Decimal("50.005"), Decimal("0.01")) == Decimal("50.00")
    assert round_even(Decimal("50.015"), Decimal("0.01")) == Decimal("50.02")
    assert round_down(Decimal("-0.001")) == Decimal("-0.01")
    assert round_down(Decimal("0.019")) == Decimal("0.01")


@pytest.mark.parametrize(("price", "places"), [("12.5", 2), ("1320.00", 2), ("0.385", 4), ("0.3850", 4), ("7.001", 4)])
def test_unit_price_places(price, places):
    from verbund.core.money import unit_price_places

    assert unit_price_places(Decimal(price)) == places


def test_core_money_is_the_only_module_that_rounds():
    """Every quantisation goes through `core.money` (docs/development.md, "Money"): no module of the application
    calls `Decimal.quantize` or names a rounding mode of its own."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    pattern = re.compile(r"\.quantize\(|ROUND_(HALF_UP|HALF_DOWN|FLOOR|CEILING|DOWN|UP|05UP)\b")
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for path in sorted(root.rglob("*.py"))
        if "tests" not in path.parts and "migrations" not in path.parts and path.name != "money.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line) and not line.lstrip().startswith("#")
    ]
    assert offenders == []
