import datetime as dt
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from verbund.core.steps import render_plain
from verbund.ownership.engine import inhouse as e

DAY = dt.date(2026, 6, 1)
HOLDING, OPCO, MUENSTER, BORKEN, STEINFURT, OUTSIDER = 1, 2, 10, 11, 12, 99


def _group(*, seats=(2, 1, 1), turnover=(), private=False):
    holding = (
        e.Stake(MUENSTER, Decimal("0.5"), seats[0]),
        e.Stake(BORKEN, Decimal("0.25"), seats[1]),
        e.Stake(STEINFURT, Decimal("0.25"), seats[2], public=not private),
    )
    return e.Situation(
        OPCO, DAY, {OPCO: (e.Stake(HOLDING, Decimal(1), 1),), HOLDING: holding}, frozenset({HOLDING}), tuple(turnover)
    )


def _turnover(ours, theirs):
    rows = []
    for year in (2023, 2024, 2025):
        rows.append(e.Turnover(MUENSTER, year, Decimal(ours)))
        rows.append(e.Turnover(OUTSIDER, year, Decimal(theirs)))
    return rows


def test_eligible_through_the_holding():
    result = e.judge(_group(turnover=_turnover(900, 100)))
    assert result.status == e.ELIGIBLE
    assert result.controllers == {MUENSTER, BORKEN, STEINFURT}
    assert [(o.owner_id, o.via) for o in result.owners] == [
        (MUENSTER, HOLDING),
        (BORKEN, HOLDING),
        (STEINFURT, HOLDING),
    ]
    assert result.activity_share == Decimal("90.00")
    assert result.years == (2023, 2024, 2025)
    assert result.rule(e.CONTROL).trace[0].code == "control.joint"


def test_exactly_80_percent_is_not_enough():
    result = e.judge(_group(turnover=_turnover(800, 200)))
    assert result.status == e.NOT_ELIGIBLE
    assert result.rule(e.ACTIVITY).passed is False
    assert e.judge(_group(turnover=_turnover(801, 199))).status == e.ELIGIBLE


def test_a_controlling_authority_without_a_seat_breaks_joint_control():
    result = e.judge(_group(seats=(3, 1, 0), turnover=_turnover(900, 100)))
    assert result.status == e.NOT_ELIGIBLE
    assert result.rule(e.CONTROL).trace == (e.Step("control.no_seat", {"owner": str(STEINFURT)}),)


def test_private_capital_breaks_it():
    result = e.judge(_group(private=True, turnover=_turnover(900, 100)))
    assert result.rule(e.PRIVATE_CAPITAL).passed is False
    assert result.status == e.NOT_ELIGIBLE


def test_without_turnover_it_is_undetermined():
    result = e.judge(_group())
    assert result.status == e.UNDETERMINED
    assert result.rule(e.ACTIVITY).trace[-1].code == "activity.none"


def test_incomplete_ownership_is_undetermined():
    situation = e.Situation(
        HOLDING, DAY, {HOLDING: (e.Stake(MUENSTER, Decimal("0.5"), 1),)}, frozenset(), tuple(_turnover(9, 1))
    )
    result = e.judge(situation)
    assert result.status == e.UNDETERMINED
    assert result.rule(e.CONTROL).trace[0].code == "control.sole"


def test_turnover_outside_the_three_years_is_ignored():
    rows = [
        *_turnover(900, 100),
        e.Turnover(OUTSIDER, 2026, Decimal(10_000)),
        e.Turnover(OUTSIDER, 2022, Decimal(10_000)),
    ]
    assert e.judge(_group(turnover=rows)).status == e.ELIGIBLE


def test_what_if_an_accession_breaks_it():
    before = _group(turnover=_turnover(900, 100))
    extra = [e.Turnover(OUTSIDER, year, Decimal(200)) for year in (2023, 2024, 2025)]
    after = e.with_changes(before, extra_turnover=extra)
    assert e.breaks(e.judge(before), e.judge(after))
    assert not e.breaks(e.judge(before), e.judge(before))


def test_trace_renders_in_plain_english():
    result = e.judge(_group(turnover=_turnover(900, 100)))
    lines = render_plain(result.trace, e.MESSAGES)
    assert "10 holds 50 % indirectly through 1 (2 board seats there)" in lines
    assert "2023–2025: 2,700.00 of 3,000.00 = 90 % (more than 80 % needed)" in lines


def test_bad_input_names_the_path():
    import pytest

    with pytest.raises(e.InHouseError) as info:
        e.judge(e.Situation(OPCO, DAY, {OPCO: (e.Stake(HOLDING, Decimal(2), 1),)}))
    assert info.value.path == f"stakes.{OPCO}.0"
    with pytest.raises(e.InHouseError):
        e.judge(e.Situation(OPCO, DAY, {}))


amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


@given(ours=st.lists(amounts, min_size=3, max_size=3), theirs=st.lists(amounts, min_size=3, max_size=3))
def test_the_activity_rule_is_the_exact_80_percent_threshold(ours, theirs):
    rows = [e.Turnover(MUENSTER, 2023 + i, ours[i]) for i in range(3)]
    rows += [e.Turnover(OUTSIDER, 2023 + i, theirs[i]) for i in range(3)]
    result = e.judge(_group(turnover=rows))
    total = sum(ours) + sum(theirs)
    if total == 0:
        assert result.status == e.UNDETERMINED
    else:
        assert (result.status == e.ELIGIBLE) == (sum(ours) * 5 > total * 4)
    assert result.turnover_total == total


@given(
    shares=st.lists(st.integers(min_value=1, max_value=1000), min_size=1, max_size=6),
    seats=st.lists(st.integers(min_value=0, max_value=3), min_size=6, max_size=6),
    opco_share=st.integers(min_value=1, max_value=1000),
)
def test_owners_look_through_conserves_the_capital(shares, seats, opco_share):
    total = sum(shares)
    stakes = tuple(e.Stake(100 + i, Decimal(s) / Decimal(total), seats[i]) for i, s in enumerate(shares))
    opco = (e.Stake(HOLDING, Decimal(opco_share) / Decimal(1000), 1),)
    owners, covered = e.ultimate_owners(e.Situation(OPCO, DAY, {OPCO: opco, HOLDING: stakes}, frozenset({HOLDING})))
    assert sum(o.share for o in owners) == covered
    expected = sum(Fraction(stake.share) for stake in stakes) * Fraction(opco[0].share)
    assert covered == expected
    result = e.judge(
        e.Situation(OPCO, DAY, {OPCO: opco, HOLDING: stakes}, frozenset({HOLDING}), tuple(_turnover(1, 0)))
    )
    joint_ok = len(shares) == 1 or all(seat > 0 for seat in seats[: len(shares)])
    assert (result.rule(e.CONTROL).passed is True) == joint_ok
