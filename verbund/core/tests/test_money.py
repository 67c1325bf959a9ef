from decimal import Decimal

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
