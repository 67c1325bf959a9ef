"""The billing engine without a database: periods, exact pro-rating, final settlement, VAT, line figures."""

import datetime as dt
import itertools
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verbund.billing import engine
from verbund.billing.engine import (
    Charge,
    PlannedFee,
    RateStep,
    Segment,
    SettlementItem,
    TaxedAmount,
    actual,
    annual_instalment_total,
    instalment,
    instalments,
    line_figures,
    periods_of_year,
    settle,
    settlement_balance,
    subscription_segments,
    vat_breakdown,
)
from verbund.core.money import round_money

D = Decimal
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def full_year(quantity: str = "40") -> tuple[Segment, ...]:
    return subscription_segments(dt.date(2026, 1, 1), None, [(dt.date(2026, 1, 1), D(quantity))])


# ---------------------------------------------------------------- periods


def test_monthly_and_quarterly_periods_cover_the_year_without_gaps():
    for frequency, count in (("monthly", 12), ("quarterly", 4)):
        periods = periods_of_year(2028, frequency)  # a leap year
        assert len(periods) == count
        assert periods[0].start == dt.date(2028, 1, 1) and periods[-1].end == dt.date(2028, 12, 31)
        assert sum(p.days for p in periods) == 366
        for before, after in itertools.pairwise(periods):
            assert after.start - before.end == dt.timedelta(days=1)
    assert periods_of_year(2026, "monthly")[1].days == 28
    assert engine.period_of(2026, "quarterly", 2).label == "Q2/2026"
    assert engine.period_of(2026, "monthly", 1).label == "01/2026"


def test_a_period_that_does_not_exist_is_refused():
    with pytest.raises(engine.PeriodError):
        engine.period_of(2026, "quarterly", 5)
    with pytest.raises(engine.PeriodError):
        periods_of_year(2026, "weekly")


def test_segments_follow_the_quantity_rows_and_the_inclusive_end():
    segments = subscription_segments(
        dt.date(2026, 3, 15),
        dt.date(2026, 9, 30),
        [
            (dt.date(2026, 1, 1), D(5)),
            (dt.date(2026, 6, 1), D(8)),
            (dt.date(2026, 6, 1), D(9)),
            (dt.date(2027, 1, 1), D(2)),
        ],
    )
    assert segments == (
        Segment(dt.date(2026, 3, 15), dt.date(2026, 5, 31), D(5)),  # a row before the start counts from the start
        Segment(dt.date(2026, 6, 1), dt.date(2026, 9, 30), D(9)),  # the later row of the same day wins
    )


# ---------------------------------------------------------------- instalments


def test_a_full_year_at_the_basis_quantity_pays_a_twelfth_a_month_and_exactly_the_fee():
    charge = Charge("AP-100", full_year("40"), planned_fee=PlannedFee(D("50666.67"), D(40)))
    items = instalments(charge, 2026, "monthly")
    assert items[0].amount == D("4222.22")  # 50666.67 / 12 = 4222.2225
    assert items[1].amount == D("4222.23")  # cumulative 8444.445 → 8444.45
    assert {i.amount for i in items} <= {D("4222.22"), D("4222.23")}
    assert sum(i.amount for i in items) == D("50666.67")
    assert items[0].quantity == D(40) and items[0].active_days == 31
    assert any("cumulative" in line for line in items[0].trace)


def test_a_start_inside_the_period_is_pro_rated_by_days_of_the_period():
    segments = subscription_segments(dt.date(2026, 1, 15), None, [(dt.date(2026, 1, 15), D(12))])
    charge = Charge("AP-100", segments, planned_fee=PlannedFee(D("12000.00"), D(12)))
    january = instalment(charge, 2026, "monthly", 1)
    assert january.active_days == 17
    assert january.amount == round_money(D(1000) * 17 / 31)  # 548.39
    february = instalment(charge, 2026, "monthly", 2)
    assert february.amount + january.amount == round_money(D(1000) * 17 / 31 + D(1000))


def test_a_quantity_change_inside_the_period_counts_day_by_day():
    segments = subscription_segments(
        dt.date(2026, 1, 1), None, [(dt.date(2026, 1, 1), D(10)), (dt.date(2026, 4, 1), D(20))]
    )
    charge = Charge("X", segments, rates=(RateStep(dt.date(2026, 1, 1), D("120")),))
    q1, q2, _q3, _q4 = instalments(charge, 2026, "quarterly")
    assert q1.amount == D("300.00")  # 10 units × 120 / 4
    assert q2.amount == D("600.00")
    assert annual_instalment_total(charge, 2026, "quarterly") == D("2100.00")


def test_a_price_change_during_the_year_applies_from_its_day():
    charge = Charge(
        "X",
        full_year("1"),
        rates=(RateStep(dt.date(2025, 1, 1), D("100")), RateStep(dt.date(2026, 7, 1), D("200"))),
    )
    result = actual(charge, 2026)
    assert result.amount == round_money(D(100) * 181 / 365 + D(200) * 184 / 365)
    assert result.single_rate is None


def test_use_on_a_day_without_a_price_is_refused():
    charge = Charge("X", full_year("1"), rates=(RateStep(dt.date(2026, 2, 1), D("100")),))
    with pytest.raises(engine.MissingRate) as info:
        actual(charge, 2026)
    assert info.value.day == dt.date(2026, 1, 1)


def test_a_charge_needs_a_fee_or_rates():
    with pytest.raises(engine.ChargeError):
        Charge("X", full_year())
    with pytest.raises(engine.ChargeError):
        Charge("X", full_year(), planned_fee=PlannedFee(D(1), D(0)))


@st.composite
def charges(draw):
    year = draw(st.sampled_from([2025, 2026, 2028]))
    start = dt.date(year, 1, 1) + dt.timedelta(days=draw(st.integers(-40, 364)))
    end = None if draw(st.booleans()) else start + dt.timedelta(days=draw(st.integers(0, 500)))
    rows = [(start, D(draw(st.integers(1, 5000))).scaleb(-draw(st.integers(0, 2))))]
    for _ in range(draw(st.integers(0, 4))):
        rows.append((start + dt.timedelta(days=draw(st.integers(1, 400))), D(draw(st.integers(1, 900)))))
    fee = D(draw(st.integers(0, 10**8))).scaleb(-2)
    basis = D(draw(st.integers(1, 2000)))
    return year, Charge("P", subscription_segments(start, end, rows), planned_fee=PlannedFee(fee, basis))


@SETTINGS
@given(charges(), st.sampled_from(["monthly", "quarterly"]))
def test_instalments_of_a_year_sum_exactly_to_the_annual_amount(case, frequency):
    year, charge = case
    items = instalments(charge, year, frequency)
    assert sum(i.amount for i in items) == annual_instalment_total(charge, year, frequency)
    assert all(i.amount == i.amount.quantize(D("0.01")) for i in items)


@SETTINGS
@given(
    st.integers(0, 10**8).map(lambda c: D(c).scaleb(-2)),
    st.integers(1, 5000).map(D),
    st.sampled_from([2025, 2026, 2028]),
    st.sampled_from(["monthly", "quarterly"]),
)
def test_a_full_year_at_the_basis_quantity_sums_to_the_fee_to_the_cent(fee, basis, year, frequency):
    segments = subscription_segments(dt.date(year - 1, 6, 1), None, [(dt.date(year - 1, 6, 1), basis)])
    charge = Charge("P", segments, planned_fee=PlannedFee(fee, basis))
    assert sum(i.amount for i in instalments(charge, year, frequency)) == fee
    assert actual(charge, year).amount == fee


# ---------------------------------------------------------------- final settlement


def test_final_settlement_is_actual_minus_instalments_and_a_negative_balance_is_returned():
    ended = subscription_segments(dt.date(2026, 1, 1), dt.date(2026, 3, 31), [(dt.date(2026, 1, 1), D(10))])
    charge = Charge("X", ended, rates=(RateStep(dt.date(2026, 1, 1), D("365")),))
    line, gone = settle([SettlementItem("X", charge, D("1000.00")), SettlementItem("Y", None, D("50.00"))], 2026)
    assert line.actual == D("900.00")  # 10 × 365 × 90 / 365
    assert line.balance == D("-100.00")
    assert gone.actual == D("0.00") and gone.balance == D("-50.00")
    assert settlement_balance([line, gone]) == D("-150.00")
    assert "balance" in line.trace[-1]


@SETTINGS
@given(charges(), st.integers(0, 10**7).map(lambda c: D(c).scaleb(-2)))
def test_final_equals_actual_minus_instalments(case, invoiced):
    year, charge = case
    (line,) = settle([SettlementItem("P", charge, invoiced)], year)
    assert line.balance == actual(charge, year).amount - invoiced


# ---------------------------------------------------------------- VAT and lines


def test_vat_is_grouped_per_category_and_rate_and_rounded_once_per_group():
    groups = vat_breakdown(
        [
            TaxedAmount("S", D("19.00"), D("0.05")),
            TaxedAmount("S", D("19.00"), D("0.05")),
            TaxedAmount("E", D("0.00"), D("10.00"), "Steuerfrei nach § 4 Nr. 29 UStG"),
        ]
    )
    assert [(g.category, g.taxable, g.tax) for g in groups] == [
        ("S", D("0.10"), D("0.02")),
        ("E", D("10.00"), D("0.00")),
    ]
    assert groups[1].exemption_reason.startswith("Steuerfrei")
    totals = engine.document_totals(groups)
    assert (totals.line_net, totals.tax, totals.gross, totals.payable) == (
        D("10.10"),
        D("0.02"),
        D("10.12"),
        D("10.12"),
    )


def test_not_subject_lines_never_share_a_document_with_other_categories():
    with pytest.raises(engine.VatError):
        vat_breakdown([TaxedAmount("S", D(19), D(1)), TaxedAmount("O", D(0), D(1))])
    assert engine.invoice_group("O") != engine.invoice_group("S") == engine.invoice_group("E")


def test_vat_treatments_map_to_categories():
    assert engine.treatment("taxable", D("19.00")).category == "S"
    assert engine.treatment("exempt_4_29", D("0")).category == "E"
    not_subject = engine.treatment("not_taxable_2b", D("0"))
    assert (not_subject.category, not_subject.exemption_code) == ("O", "VATEX-EU-O")
    internal = vat_breakdown([TaxedAmount("", D(0), D("5.00"))])
    assert internal[0].tax == D("0.00") and internal[0].taxable == D("5.00")


def test_line_figures_show_quantity_times_price_or_a_lump_sum():
    exact = line_figures(net=D("4222.22"), quantity=D(40), code="C62")
    assert (exact.quantity, exact.unit_price, exact.unit_code) == (D(40), D("105.5555"), "C62")
    assert round_money(exact.quantity * exact.unit_price) == exact.net
    lump = line_figures(net=D("589.81"), quantity=D(20222), code="C62")  # no 4-decimal price gives the cent
    assert (lump.quantity, lump.unit_code, lump.unit_price) == (D(1), "LS", D("589.81"))
    negative = line_figures(net=D("-100.00"), quantity=D(10), code="C62")
    assert negative.quantity == D(-10) and negative.unit_price == D("10.0000")
    assert engine.unit_code("hour") == "HUR" and engine.unit_code("gigabyte") == "E34"
    assert engine.unit_code("inhabitant") == "C62"


@SETTINGS
@given(st.integers(-(10**9), 10**9).map(lambda c: D(c).scaleb(-3)))
def test_exact_rounding_is_the_money_rule(value):
    assert engine.round_exact(Fraction(value)) == round_money(value)


# ---------------------------------------------------------------- against a day-by-day reference


def _reference_day_values(charge: Charge, year: int) -> dict[dt.date, Fraction]:
    """quantity × annual rate on each day of the year, found day by day with Fraction (slow and obvious)."""
    values = {}
    day = dt.date(year, 1, 1)
    while day.year == year:
        quantity = Fraction(0)
        for segment in charge.segments:
            if segment.start <= day and (segment.end is None or day <= segment.end):
                quantity = Fraction(segment.quantity)
        if charge.planned_fee is not None:
            rate = Fraction(charge.planned_fee.amount) / Fraction(charge.planned_fee.basis)
        else:
            in_force = [s for s in charge.rates if s.valid_from <= day]
            rate = Fraction(in_force[-1].rate) if in_force else Fraction(0)
        values[day] = quantity * rate
        day += dt.timedelta(days=1)
    return values


def _reference_round(value: Fraction) -> Decimal:
    return round_money(Decimal(value.numerator) / Decimal(value.denominator))


@st.composite
def rated_charges(draw):
    year, planned = draw(charges())
    if draw(st.booleans()):
        return year, planned
    steps = [RateStep(dt.date(year - 1, 1, 1), D(draw(st.integers(0, 10**6))).scaleb(-2))]
    for _ in range(draw(st.integers(0, 3))):
        day = dt.date(year, 1, 1) + dt.timedelta(days=draw(st.integers(0, 364)))
        steps.append(RateStep(day, D(draw(st.integers(0, 10**7))).scaleb(-draw(st.integers(0, 4)))))
    steps.sort(key=lambda s: s.valid_from)
    return year, Charge("P", planned.segments, rates=tuple(steps))


@SETTINGS
@given(rated_charges(), st.sampled_from(["monthly", "quarterly"]))
def test_the_integer_engine_matches_a_day_by_day_fraction_reference(case, frequency):
    year, charge = case
    values = _reference_day_values(charge, year)
    periods = periods_of_year(year, frequency)
    cumulative = Fraction(0)
    expected = []
    for period in periods:
        days = [d for d in values if period.start <= d <= period.end]
        cumulative += sum((values[d] for d in days), Fraction(0)) / (len(periods) * len(days))
        expected.append(cumulative)
    items = instalments(charge, year, frequency)
    assert [i.cumulative for i in items] == [_reference_round(c) for c in expected]
    assert instalment(charge, year, frequency, len(periods)).amount == items[-1].amount
    assert actual(charge, year).amount == _reference_round(sum(values.values(), Fraction(0)) / len(values))


def test_an_approved_rate_is_shown_unchanged_and_the_quantity_takes_up_the_cent():
    # 27,019 workplace-days / 365 = 74.0246575… → 74.024658; the exact amount × 1,334.1828 is 98,762.42, the
    # rounded quantity × rate 98,762.43: the rate stays, the quantity moves by one step of its 6th decimal.
    figures = line_figures(net=D("98762.42"), quantity=D("74.024658"), code="C62", price=D("1334.1828"))
    assert figures.unit_price == D("1334.1828") and figures.unit_code == "C62"
    assert abs(figures.quantity - D("74.024658")) <= D("0.000001")
    assert round_money(figures.quantity * figures.unit_price) == figures.net
    credit = line_figures(net=D("-98762.42"), quantity=D("74.024658"), code="C62", price=D("1334.1828"))
    assert credit.unit_price == D("1334.1828") and credit.quantity < 0
    assert round_money(credit.quantity * credit.unit_price) == credit.net
