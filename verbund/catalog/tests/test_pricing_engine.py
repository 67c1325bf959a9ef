from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verbund.catalog.engine.pricing import MESSAGES, LineInput, PricingError, line_preview, price_line
from verbund.core.steps import render_plain


def test_metered_line_with_vat_and_trace():
    preview = line_preview(
        LineInput(
            unit="workstation", unit_price=Decimal("1320.00"), vat_rate=Decimal("19"), entered_quantity=Decimal("3")
        )
    )
    assert (preview.net, preview.vat, preview.gross) == (Decimal("3960.00"), Decimal("752.40"), Decimal("4712.40"))
    assert preview.recurring
    # The trace is language-neutral steps (ADR 0025); in plain English it reads as before.
    assert "3,960.00" in render_plain(preview.trace, MESSAGES)[1]


def test_per_inhabitant_and_flat_take_their_quantity_from_the_member():
    per_inhabitant = line_preview(
        LineInput(
            unit="inhabitant",
            unit_price=Decimal("0.3850"),
            vat_rate=Decimal(0),
            entered_quantity=Decimal("999"),
            population=20222,
        )
    )
    assert per_inhabitant.quantity == 20222
    assert per_inhabitant.net == Decimal("7785.47")  # 7,785.47 from 20,222 × 0.385 = 7,785.470
    flat = line_preview(LineInput(unit="flat", unit_price=Decimal("9800"), vat_rate=Decimal(0)))
    assert (flat.quantity, flat.net) == (1, Decimal("9800.00"))
    one_off = line_preview(
        LineInput(unit="one_off", unit_price=Decimal("450"), vat_rate=Decimal(19), entered_quantity=Decimal(2))
    )
    assert not one_off.recurring


@pytest.mark.parametrize(
    ("line", "field"),
    [
        (LineInput(unit="user", unit_price=Decimal(1), vat_rate=Decimal(19)), "quantity"),
        (LineInput(unit="user", unit_price=Decimal(1), vat_rate=Decimal(19), entered_quantity=Decimal(0)), "quantity"),
        (LineInput(unit="inhabitant", unit_price=Decimal(1), vat_rate=Decimal(19)), "population"),
        (
            LineInput(unit="user", unit_price=Decimal(-1), vat_rate=Decimal(19), entered_quantity=Decimal(1)),
            "unit_price",
        ),
        (LineInput(unit="user", unit_price=Decimal(1), vat_rate=Decimal(101), entered_quantity=Decimal(1)), "vat_rate"),
    ],
)
def test_bad_input_names_the_field(line, field):
    with pytest.raises(PricingError) as info:
        line_preview(line)
    assert info.value.field == field


@given(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal(10**6), places=2),
    st.decimals(min_value=Decimal(0), max_value=Decimal(10**5), places=4),
    st.sampled_from([Decimal(0), Decimal(7), Decimal(19)]),
)
def test_gross_is_net_plus_vat_and_net_is_within_half_a_cent(quantity, unit_price, vat_rate):
    line = price_line(quantity=quantity, unit_price=unit_price, vat_rate=vat_rate, recurring=True)
    assert line.gross == line.net + line.vat
    assert abs(line.net - quantity * unit_price) <= Decimal("0.005")
    assert line.net == line.net.quantize(Decimal("0.01"))
