"""The survey statistics against hand-computed values, and properties of the intervals."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verbund.core.steps import render_plain
from verbund.surveys.engine import MESSAGES, PopulationCell, QuestionSpec, ResponseRow, WaveInput, analyse, compare
from verbund.surveys.engine.stats import Z95, mean_interval, nps, two_proportion_test, welch_test, wilson


def test_wilson_without_correction_by_hand():
    # p = 0.8, n = 50, z = 1.959964: centre = (0.8 + z²/100)/(1 + z²/50) = 0.838416/1.076829 = 0.778595;
    # half = z·√(0.16/50 + z²/10000)/(1 + z²/50) = 1.959964·√(0.0032 + 0.000384146)/1.076829 = 0.108966.
    interval = wilson(40, 50)
    assert interval.point == 0.8
    assert interval.low == pytest.approx(0.669629, abs=1e-6)
    assert interval.high == pytest.approx(0.887562, abs=1e-6)


def test_wilson_with_finite_population_correction_by_hand():
    # N = 100: f = (100 − 50)/99 = 0.505051, n_eff = 50/f = 99; centre = (0.8 + z²/198)/(1 + z²/99)
    # = 0.819401/1.038803 = 0.788794; half = z·√(0.16/99 + z²/(4·99²))/(1 + z²/99) = 1.959964·0.041402/1.038803
    # = 0.078116 → 0.710678 … 0.866910 (narrower than without the correction).
    interval = wilson(40, 50, population=100)
    assert interval.low == pytest.approx(0.710678, abs=1e-6)
    assert interval.high == pytest.approx(0.866910, abs=1e-6)
    assert wilson(40, 50).low < interval.low


def test_a_census_has_no_sampling_error():
    assert wilson(7, 10, population=10) == wilson(7, 10, population=10).__class__(0.7, 0.7, 0.7)


def test_nps_interval_matches_the_published_example():
    # methods.md §3.1: 291 promoters, 476 passives, 395 detractors → NPS −9.0, 95 % CI [−13.3, −4.5].
    interval = nps(291, 476, 395)
    assert round(interval.point * 100, 1) == -9.0
    assert round(interval.low * 100, 1) == -13.3
    assert round(interval.high * 100, 1) == -4.5


def test_nps_small_sample_by_hand():
    # 6 promoters, 2 passives, 2 detractors: adjusted n = 13, p = 6.75/13, d = 2.75/13, centre = 4/13 = 0.307692;
    # SE = √((p + d − (p − d)²)/13) = √((0.730769 − 0.094675)/13) = 0.221199; ± 1.959964·SE.
    interval = nps(6, 2, 2)
    assert interval.point == pytest.approx(0.4)
    se = math.sqrt((9.5 / 13 - (4 / 13) ** 2) / 13)
    assert interval.low == pytest.approx(4 / 13 - Z95 * se)
    assert interval.high == pytest.approx(4 / 13 + Z95 * se)


def test_mean_interval_by_hand():
    # values 1..5 once each: mean 3, s² = 2.5, SE = √(2.5/5) = 0.707107
    interval = mean_interval(15, 55, 5)
    assert interval.point == 3
    assert interval.high - 3 == pytest.approx(Z95 * math.sqrt(0.5))


def test_two_proportion_test_by_hand():
    # 60/100 vs 75/100: pooled 0.675, SE = √(0.675·0.325·0.02) = 0.066238, z = 0.15/0.066238 = 2.264563
    result = two_proportion_test(60, 100, 75, 100)
    assert result.z == pytest.approx(2.264563, abs=1e-5)
    assert result.p_value == pytest.approx(0.023540, abs=1e-5)


def test_welch_test_by_hand():
    result = welch_test(3.5, 1.0, 50, 3.9, 1.2, 60)
    assert result.z == pytest.approx(0.4 / math.sqrt(1 / 50 + 1.2 / 60))


@given(
    st.integers(min_value=1, max_value=500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.one_of(st.none(), st.integers(min_value=1, max_value=2000)),
)
def test_wilson_contains_the_share_and_stays_in_0_1(counts, extra):
    successes, n = counts
    population = None if extra is None else n + extra - 1
    interval = wilson(successes, n, population=population)
    assert 0.0 <= interval.low <= interval.point + 1e-12
    assert interval.point - 1e-12 <= interval.high <= 1.0


@given(st.integers(0, 300), st.integers(0, 300), st.integers(0, 300))
def test_nps_interval_stays_in_range(p, q, d):
    interval = nps(p, q, d)
    if p + q + d == 0:
        assert interval is None
    else:
        assert -1.0 <= interval.low <= interval.high <= 1.0


def _wave(rows):
    return WaveInput(
        questions=[QuestionSpec("1", "overall", "likert", "w1", product_id=7), QuestionSpec("2", "rec", "nps", "w2")],
        population=[PopulationCell(1, "A", 10, 5), PopulationCell(2, "B", 100, 50)],
        responses=[ResponseRow(m, o, v) for m, o, v in rows],
    )


def test_analysis_per_member_office_product_and_weighting():
    rows = [(1, "A", {"1": 5, "2": 10}), (1, "A", {"1": 4, "2": 9})] + [(2, "B", {"1": 2, "2": 3})] * 8
    result = analyse(_wave(rows))
    q = result.question("1")
    assert q.overall.n == 10 and q.overall.top2_count == 2
    assert q.by_member[1].top2.point == 1.0 and q.by_member[2].top2.point == 0.0
    # each member counts equally: (1.0 + 0.0)/2, against 0.2 unweighted
    assert q.weighted.headline.point == pytest.approx(0.5)
    assert q.by_office[(1, "A")].n == 2
    assert result.by_product[7].n == 10
    assert (result.rate.responses, result.rate.invited) == (10, 55)
    assert result.rate_by_member[1].share == pytest.approx(2 / 5)
    nps_q = result.question("2")
    assert nps_q.overall.nps.point == pytest.approx((2 - 8) / 10)
    lines = render_plain(q.trace, MESSAGES)
    assert any("Top-2-box: 2 of 10" in line for line in lines)


def test_out_of_range_answers_are_ignored():
    result = analyse(_wave([(1, "A", {"1": 9, "2": 11})]))
    assert result.question("1").overall.n == 0


def test_year_over_year_only_with_unchanged_wording():
    before = analyse(_wave([(1, "A", {"1": 2})] * 50)).question("1").overall
    after = analyse(_wave([(1, "A", {"1": 5})] * 50)).question("1").overall
    comparison = compare(before, after, same_wording=True)
    assert comparison.comparable and comparison.significant and comparison.headline.difference == 1.0
    assert not compare(before, after, same_wording=False).comparable
