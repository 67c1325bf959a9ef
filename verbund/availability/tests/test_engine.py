"""The availability engine against hand-computed seconds (Europe/Berlin; 2026: DST starts 29 March, ends 25
October), and its properties."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verbund.availability.engine import Commitment, Incident, compute_year, format_windows, parse_windows
from verbund.availability.engine.compute import ALL_WEEK, Window, union

BERLIN = ZoneInfo("Europe/Berlin")
AS_OF = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
DAY = 86400
OFFICE = parse_windows("Mo-Fr 07:00-18:00")
JUNE_2026_HOLIDAYS = frozenset({dt.date(2026, 6, 4)})  # Fronleichnam (Corpus Christi), a Thursday


def at(*args):
    return dt.datetime(*args, tzinfo=BERLIN)


def outage(key, start, end, **extra):
    return Incident(key=key, start=start, end=end, **extra)


STANDARD = Commitment()


def year(incidents, commitment=STANDARD, holidays=frozenset()):
    return compute_year(year=2026, commitment=commitment, incidents=incidents, holidays=holidays, as_of=AS_OF)


def test_overlapping_outages_count_once():
    first = outage("a", at(2026, 2, 10, 10), at(2026, 2, 10, 12))
    second = outage("b", at(2026, 2, 10, 11), at(2026, 2, 10, 13))
    result = year([first, second])
    february = result.months[1]
    assert february.agreed_seconds == 28 * DAY == 2_419_200
    assert february.downtime_seconds == 3 * 3600 == 10_800
    assert february.availability == 1 - Decimal(10_800) / Decimal(2_419_200)
    assert february.counted == ("a", "b")


def test_outage_across_a_month_end_is_split_between_the_months():
    result = year([outage("x", at(2026, 1, 31, 23), at(2026, 2, 1, 1))])
    assert result.months[0].downtime_seconds == 3600
    assert result.months[1].downtime_seconds == 3600
    assert result.total.downtime_seconds == 7200
    # The incident is counted in the month it starts.
    assert (result.months[0].incidents, result.months[1].incidents) == (1, 0)


def test_dst_start_in_march_the_night_has_one_hour_less():
    result = year([outage("x", at(2026, 3, 29, 1), at(2026, 3, 29, 4))])
    march = result.months[2]
    assert march.agreed_seconds == 31 * DAY - 3600 == 2_674_800
    assert march.downtime_seconds == 2 * 3600  # 01:00 CET to 04:00 CEST is two hours


def test_dst_end_in_october_the_night_has_one_hour_more():
    result = year([outage("x", at(2026, 10, 25, 0), at(2026, 10, 25, 4))])
    october = result.months[9]
    assert october.agreed_seconds == 31 * DAY + 3600 == 2_682_000
    assert october.downtime_seconds == 5 * 3600
    assert result.total.agreed_seconds == 365 * DAY


def test_maintenance_announced_in_time_is_excluded_and_too_late_counts_as_downtime():
    in_time = Incident(
        key="m1", start=at(2026, 5, 5, 20), end=at(2026, 5, 5, 22), maintenance=True, announced_at=at(2026, 4, 20, 9)
    )
    late = Incident(
        key="m2", start=at(2026, 5, 12, 20), end=at(2026, 5, 12, 22), maintenance=True, announced_at=at(2026, 5, 10, 9)
    )
    unannounced = Incident(key="m3", start=at(2026, 5, 19, 20), end=at(2026, 5, 19, 21), maintenance=True)
    may = year([in_time, late, unannounced], Commitment(notice_days=5)).months[4]
    assert may.service_seconds == 31 * DAY
    assert may.excluded_seconds == 7200
    assert may.agreed_seconds == 31 * DAY - 7200 == 2_671_200
    assert may.downtime_seconds == 7200 + 3600
    assert may.excluded == ("m1",)
    assert may.late == ("m2", "m3")


def test_notice_of_exactly_n_days_is_in_time():
    start = at(2026, 5, 5, 20)
    maintenance = Incident(
        key="m", start=start, end=at(2026, 5, 5, 21), maintenance=True, announced_at=start - dt.timedelta(days=5)
    )
    assert year([maintenance], Commitment(notice_days=5)).months[4].downtime_seconds == 0
    assert year([maintenance], Commitment(notice_days=6)).months[4].downtime_seconds == 3600


def test_outages_outside_service_time_do_not_count():
    commitment = Commitment(windows=OFFICE, exclude_holidays=True)
    saturday = outage("sat", at(2026, 6, 6, 10), at(2026, 6, 6, 12))
    evening = outage("mon", at(2026, 6, 8, 17), at(2026, 6, 8, 19))
    holiday = outage("hol", at(2026, 6, 4, 9), at(2026, 6, 4, 12))
    june = year([saturday, evening, holiday], commitment, JUNE_2026_HOLIDAYS).months[5]
    assert june.service_seconds == 21 * 11 * 3600 == 831_600  # 22 weekdays less Corpus Christi
    assert june.downtime_seconds == 3600  # only 17:00-18:00 on Monday
    assert june.counted == ("mon",)
    without_holidays = year([holiday], Commitment(windows=OFFICE), JUNE_2026_HOLIDAYS).months[5]
    assert without_holidays.service_seconds == 22 * 11 * 3600
    assert without_holidays.downtime_seconds == 3 * 3600


def test_office_hours_across_the_dst_switch_keep_eleven_hours():
    monday_after = year([], Commitment(windows=OFFICE)).months[2]
    assert monday_after.service_seconds == 22 * 11 * 3600  # March 2026 has 22 weekdays, each 07:00-18:00 local


def test_partial_impact_takes_the_largest_at_each_instant():
    half = outage("half", at(2026, 7, 1, 10), at(2026, 7, 1, 14), impact=Decimal("0.5"))
    full = outage("full", at(2026, 7, 1, 11), at(2026, 7, 1, 12))
    assert year([half, full]).months[6].downtime_seconds == 3 * 3600 * Decimal("0.5") + 3600 == 9000
    other_half = outage("half2", at(2026, 7, 1, 12), at(2026, 7, 1, 15), impact=Decimal("0.5"))
    assert year([half, other_half]).months[6].downtime_seconds == 5 * 3600 * Decimal("0.5") == 9000


def test_mttr_major_incidents_and_error_budget():
    short = outage("a", at(2026, 8, 3, 9), at(2026, 8, 3, 10))
    long = outage("b", at(2026, 8, 10, 9), at(2026, 8, 10, 14))
    everyone = outage("c", at(2026, 8, 17, 9), at(2026, 8, 17, 9, 30), all_members=True)
    august = year([short, long, everyone], Commitment(target_month=Decimal("0.99"))).months[7]
    assert august.incidents == 3
    assert august.major_incidents == 2  # five hours; all members at full impact
    assert august.mttr_seconds == Decimal(3600 + 5 * 3600 + 1800) / 3
    assert august.downtime_seconds == 6 * 3600 + 1800
    assert august.budget_used == Decimal(23_400) / (Decimal("0.01") * 31 * DAY)
    assert august.met is True


def test_running_outage_ends_at_as_of():
    running = outage("r", at(2026, 12, 31, 23), None)
    result = year([running])
    assert result.months[11].downtime_seconds == 3600
    assert result.months[11].mttr_seconds is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24x7", ALL_WEEK),
        ("Mo–So 00:00–24:00 (Wartungsfenster Di 18:00–22:00)", ALL_WEEK),
        ("Mo–Fr 7–18 Uhr", tuple(Window(d, 420, 1080) for d in range(5))),
        ("Mon-Fri 07:00-18:00; Sat 08:00-12:00", (*(Window(d, 420, 1080) for d in range(5)), Window(5, 480, 720))),
    ],
)
def test_parse_windows(text, expected):
    assert parse_windows(text) == expected
    assert parse_windows(format_windows(expected)) == expected


@pytest.mark.parametrize("text", ["", "Mo-Fr 18-07", "Xy 07:00-08:00", "Mo-Fr 07:00-25:00", "Fr-Mo 07-18"])
def test_parse_windows_refuses(text):
    with pytest.raises(ValueError):
        parse_windows(text)


instants = st.integers(min_value=0, max_value=365 * 24 * 4).map(
    lambda quarter: dt.datetime(2026, 1, 1, tzinfo=BERLIN) + dt.timedelta(minutes=15 * quarter)
)
incidents = st.lists(
    st.tuples(
        instants,
        st.integers(min_value=1, max_value=24 * 20),
        st.sampled_from([Decimal("0.25"), Decimal("0.5"), Decimal(1)]),
        st.booleans(),
        st.integers(min_value=0, max_value=10),
    ),
    max_size=8,
)


@settings(max_examples=40, deadline=None)
@given(incidents, st.sampled_from([ALL_WEEK, OFFICE]))
def test_availability_stays_between_zero_and_one(raw, windows):
    items = [
        Incident(
            key=str(n),
            start=start,
            end=start + dt.timedelta(hours=hours),
            impact=impact,
            maintenance=maintenance,
            announced_at=start - dt.timedelta(days=days),
        )
        for n, (start, hours, impact, maintenance, days) in enumerate(raw)
    ]
    result = year(items, Commitment(windows=windows))
    for period in (*result.months, result.total):
        assert 0 <= period.downtime_seconds <= period.agreed_seconds <= period.service_seconds
        if period.availability is not None:
            assert 0 <= period.availability <= 1
    assert sum(m.agreed_seconds for m in result.months) == result.total.agreed_seconds
    assert sum(m.downtime_seconds for m in result.months) == result.total.downtime_seconds


@given(st.lists(st.tuples(st.integers(0, 1000), st.integers(0, 1000))))
def test_union_never_exceeds_the_span(pieces):
    merged = union(pieces)
    assert all(a < b for a, b in merged)
    assert all(merged[i][1] < merged[i + 1][0] for i in range(len(merged) - 1))
    assert sum(b - a for a, b in merged) <= sum(max(0, b - a) for a, b in pieces)


def test_engine_imports_no_django():
    import ast
    import pathlib

    for path in pathlib.Path(__file__).parents[1].joinpath("engine").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom | ast.Import):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                assert not any(n.startswith("django") for n in names), path
