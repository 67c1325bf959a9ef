"""The KPI source interface (verbund.core.kpi): registration rules and the 'no data yet' contract."""

from datetime import date
from decimal import Decimal

import pytest

from verbund.core import kpi

QUERY = kpi.KpiQuery(provider_id=1, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31))


@pytest.fixture(autouse=True)
def _clean_registry(monkeypatch):
    monkeypatch.setattr(kpi, "_REGISTRY", {})


def test_registered_figure_is_returned():
    @kpi.register("demo.share", unit="share", label="Share")
    def share(query: kpi.KpiQuery) -> kpi.KpiFigure | None:
        return kpi.KpiFigure(value=Decimal("0.5"), cut_off=query.period_end, record_count=2)

    result = kpi.figure("demo.share", QUERY)
    assert result is not None and result.value == Decimal("0.5") and result.cut_off == date(2025, 12, 31)
    assert [spec.key for spec in kpi.sources()] == ["demo.share"]


def test_no_data_yet_is_none_and_unknown_key_raises():
    kpi.register("demo.empty", unit="count", label="Empty")(lambda query: None)
    assert kpi.figure("demo.empty", QUERY) is None
    with pytest.raises(kpi.UnknownSource):
        kpi.figure("demo.missing", QUERY)


def test_breakdown_not_offered_gives_no_data():
    kpi.register("demo.total", unit="count", label="Total")(
        lambda query: kpi.KpiFigure(value=Decimal(3), cut_off=query.period_end)
    )
    by_member = kpi.KpiQuery(provider_id=1, period_start=QUERY.period_start, period_end=QUERY.period_end, member_id=7)
    assert kpi.figure("demo.total", by_member) is None


@pytest.mark.parametrize(
    ("key", "unit", "breakdowns"),
    [("nodot", "share", ()), ("a.b", "percent", ()), ("a.b", "share", ("district",))],
)
def test_bad_declarations_are_refused(key, unit, breakdowns):
    with pytest.raises(ValueError):
        kpi.register(key, unit=unit, label="x", breakdowns=breakdowns)


def test_two_functions_under_one_key_are_refused():
    kpi.register("demo.x", unit="count", label="X")(lambda query: None)

    def other(query: kpi.KpiQuery) -> None:
        return None

    with pytest.raises(ValueError):
        kpi.register("demo.x", unit="count", label="X")(other)


def test_product_and_office_breakdowns_are_asked_only_where_offered_and_listed_by_the_source():
    asked = []

    def compute(query: kpi.KpiQuery) -> kpi.KpiFigure:
        asked.append((query.product_id, query.office_id))
        return kpi.KpiFigure(value=Decimal(1), cut_off=query.period_end)

    kpi.register(
        "demo.offices", unit="count", label="Offices", breakdowns=("office",), keys=lambda query, dim: [9, 4, 9]
    )(compute)
    kpi.register("demo.plain", unit="count", label="Plain")(compute)
    office = kpi.KpiQuery(provider_id=1, period_start=QUERY.period_start, period_end=QUERY.period_end, office_id=4)
    product = kpi.KpiQuery(provider_id=1, period_start=QUERY.period_start, period_end=QUERY.period_end, product_id=3)
    assert kpi.figure("demo.offices", office) is not None
    assert kpi.figure("demo.offices", product) is None and kpi.figure("demo.plain", office) is None
    assert asked == [(None, 4)]
    assert kpi.breakdown_keys("demo.offices", QUERY, "office") == [4, 9]
    assert kpi.breakdown_keys("demo.offices", QUERY, "product") == []
    assert kpi.breakdown_keys("demo.plain", QUERY, "office") == []
