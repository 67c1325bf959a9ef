import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from verbund.core.steps import render_plain
from verbund.evidence.engine import figures as f

YEAR = f.Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def post(key, planned="1", filled="1", **kw):
    return f.PostFact(key=key, planned_fte=Decimal(planned), filled_fte=Decimal(filled), **kw)


def test_occupancy_is_filled_over_planned_fte_with_a_trace():
    result = f.occupancy_rate([post("a"), post("b", filled="0"), post("c", planned="0.5", filled="0.5")])
    assert result.value == Decimal("0.6")  # 1.5 / 2.5
    assert result.records == ("a", "b", "c")
    assert render_plain(result.trace, f.MESSAGES) == ("occupancy 0.6 = 1.5 filled FTE / 2.5 planned FTE of 3 posts",)


def test_no_posts_gives_none_not_zero():
    assert f.occupancy_rate([]).value is None
    assert f.turnover_rate([], YEAR).value is None
    assert f.home_office_share([post("a", filled="0")]).value is None
    assert f.time_to_fill_days([post("a")], YEAR).value is None


def test_time_to_fill_is_the_median_of_vacancies_filled_in_the_period():
    posts = [
        post("a", advertised_on=dt.date(2025, 1, 1), started_on=dt.date(2025, 1, 11)),  # 10
        post("b", advertised_on=dt.date(2025, 1, 1), started_on=dt.date(2025, 2, 1)),  # 31
        post("c", advertised_on=dt.date(2025, 1, 1), started_on=dt.date(2025, 4, 11)),  # 100
        post("d", advertised_on=dt.date(2024, 1, 1), started_on=dt.date(2024, 3, 1)),  # other year
        post("e", started_on=dt.date(2025, 3, 1)),  # no advert
    ]
    result = f.time_to_fill_days(posts, YEAR)
    assert result.value == Decimal("31.0") and result.records == ("a", "b", "c")


def test_turnover_is_leavers_over_average_headcount():
    posts = [
        post("a"),
        post("b"),
        post("c", filled="0", left_on=dt.date(2025, 5, 1)),
        post("d", started_on=dt.date(2025, 6, 1)),
    ]
    # end 3 occupied; start = 3 - 1 starter + 1 leaver = 3; average 3; 1/3
    result = f.turnover_rate(posts, YEAR)
    assert result.value == Decimal("0.333333") and result.records == ("c",)


def test_home_office_share_counts_occupied_posts_only():
    posts = [post("a", telework=True), post("b"), post("c", filled="0", telework=True)]
    assert f.home_office_share(posts).value == Decimal("0.5")


def test_sustainable_share_and_service_life():
    assets = [
        f.AssetFact("a", dt.date(2025, 3, 1), eco_label="blauer_engel"),
        f.AssetFact("b", dt.date(2025, 3, 1), eco_label="none"),
        f.AssetFact("c", dt.date(2025, 3, 1), eco_label="refurbished"),
        f.AssetFact("d", dt.date(2020, 1, 1), dt.date(2025, 1, 1), eco_label="tco"),
    ]
    share = f.sustainable_hardware_share(assets, YEAR)
    assert share.value == Decimal("0.666667") and share.records == ("a", "b", "c")
    life = f.mean_service_life_years(assets, YEAR)
    assert life.value == Decimal("5.00") and life.records == ("d",)  # 1827 days / 365.25
    assert f.mean_service_life_years(assets[:3], YEAR).value is None


def test_implementation_rate_counts_partly_as_not_and_leaves_out_not_applicable():
    controls = [
        f.ControlFact("A", "implemented", "normal-SdT", "MUSS"),
        f.ControlFact("B", "partly", "normal-SdT", "SOLLTE"),
        f.ControlFact("C", "not", "erhöht", "SOLLTE"),
        f.ControlFact("D", "not_applicable", "erhöht", "KANN"),
    ]
    result = f.implementation_rate(controls)
    assert result.value == Decimal("0.333333") and result.records == ("A", "B", "C")
    assert ("normal-SdT", Decimal("0.5"), 2) in result.breakdown
    assert ("erhöht", Decimal(0), 1) in result.breakdown
    assert ("KANN", None, 0) in result.breakdown
    assert f.implementation_rate(controls[3:]).value is None


def test_incident_count_in_the_period():
    incidents = [f.IncidentFact("a", dt.date(2025, 1, 1)), f.IncidentFact("b", dt.date(2024, 12, 31))]
    assert f.incident_count(incidents, YEAR).value == 1


days = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2026, 12, 31))
fte = st.decimals(min_value=0, max_value=2, places=2)


@st.composite
def posts(draw):
    planned = draw(fte)
    filled = draw(st.decimals(min_value=0, max_value=planned, places=2))
    advert = draw(st.none() | days)
    return f.PostFact(
        key=str(draw(st.integers())),
        planned_fte=planned,
        filled_fte=filled,
        advertised_on=advert,
        started_on=draw(st.none() | days),
        left_on=draw(st.none() | days),
        telework=draw(st.booleans()),
    )


def _in_unit(value):
    return value is None or Decimal(0) <= value <= Decimal(1)


@given(st.lists(posts(), max_size=30))
def test_staff_shares_lie_in_zero_to_one(sample):
    assert _in_unit(f.occupancy_rate(sample).value)
    assert _in_unit(f.home_office_share(sample).value)
    turnover = f.turnover_rate(sample, YEAR).value
    assert turnover is None or turnover >= 0
    fill = f.time_to_fill_days(sample, YEAR).value
    assert fill is None or fill >= 0


@given(
    st.lists(
        st.builds(
            f.AssetFact,
            key=st.text(max_size=3),
            purchased_on=days,
            retired_on=st.none() | days,
            eco_label=st.sampled_from(["blauer_engel", "tco", "epeat", "refurbished", "none"]),
        ),
        max_size=30,
    )
)
def test_hardware_share_in_unit_and_service_life_not_negative(sample):
    assert _in_unit(f.sustainable_hardware_share(sample, YEAR).value)
    life = f.mean_service_life_years(sample, YEAR).value
    assert life is None or life >= 0


@given(
    st.lists(
        st.builds(
            f.ControlFact,
            key=st.text(max_size=3),
            state=st.sampled_from(["implemented", "partly", "not", "not_applicable"]),
            sec_level=st.sampled_from(["normal-SdT", "erhöht"]),
            modal_verb=st.sampled_from(["MUSS", "SOLLTE", "KANN"]),
        ),
        max_size=40,
    )
)
def test_implementation_rates_lie_in_zero_to_one(sample):
    result = f.implementation_rate(sample)
    assert _in_unit(result.value)
    assert all(_in_unit(rate) for _group, rate, _n in result.breakdown)
    applicable = sum(1 for c in sample if c.state != "not_applicable")
    assert (result.value is None) == (applicable == 0)
