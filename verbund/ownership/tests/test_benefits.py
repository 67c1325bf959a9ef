from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from verbund.core.steps import render_plain
from verbund.ownership import benefits
from verbund.ownership.engine import benefits as e


def test_a_year_with_one_of_two_entities_measured():
    year = e.YearInput(
        2026,
        Decimal(900),
        Decimal(1000),
        (e.EntityYear("1", Decimal(500), Decimal(540), e.PLAN), e.EntityYear("2", Decimal(400))),
    )
    result = e.track_year(year)
    assert result.promised_savings == Decimal(100)
    assert (result.projected_covered, result.realised_covered, result.gap) == (Decimal(500), Decimal(540), Decimal(40))
    assert result.realised_savings == Decimal(60)
    assert (result.covered, result.entities) == (1, 2)
    lines = render_plain(result.trace, e.MESSAGES)
    assert "1: planned cost 540.00 against projected 500.00" in lines
    assert "2: no approved plan or closing yet (projected 400.00)" in lines


def test_an_unmeasured_year_adds_nothing_to_the_totals():
    measured = e.YearInput(2026, Decimal(90), Decimal(100), (e.EntityYear("1", Decimal(90), Decimal(80), e.ACTUAL),))
    later = e.YearInput(2027, Decimal(50), Decimal(100), (e.EntityYear("1", Decimal(50)),))
    tracking = e.track([later, measured])
    assert [y.year for y in tracking.years] == [2026, 2027]
    assert not tracking.years[1].measured and tracking.years[1].gap is None
    assert (tracking.promised_total, tracking.gap_total, tracking.realised_total) == (
        Decimal(10),
        Decimal(-10),
        Decimal(20),
    )


money = st.decimals(min_value=0, max_value=10**8, places=2, allow_nan=False, allow_infinity=False)


@given(projected=st.lists(money, min_size=1, max_size=5), realised=st.lists(money, min_size=5, max_size=5), sq=money)
def test_realised_savings_equal_status_quo_minus_realised_when_fully_measured(projected, realised, sq):
    entities = tuple(e.EntityYear(str(i), p, realised[i], e.PLAN) for i, p in enumerate(projected))
    total = sum(projected, Decimal(0))
    result = e.track_year(e.YearInput(2026, total, sq, entities))
    # With every entity measured, the realised savings are exactly status quo − realised cost.
    assert result.realised_savings == sq - sum(realised[: len(projected)], Decimal(0))


def _decided(registry, entities):
    from verbund.scenarios.models import Scenario

    citeq = registry["citeq"]
    return Scenario.objects.create(
        name="Holding mit Betriebsgesellschaft",
        kind="holding",
        status="decided",
        decision_reference="ZA-2026-004 (01.03.2026)",
        result={
            "entities": {str(citeq.pk): {"name": "citeq"}, "e1": {"name": entities["operating"].name}},
            "years": [
                {
                    "year": 2026,
                    "cost_by_entity": {str(citeq.pk): "1000.00", "e1": "300.00"},
                    "total": "1500.00",
                    "vat": "100.00",
                    "status_quo_total": "1700.00",
                },
                {
                    "year": 2027,
                    "cost_by_entity": {str(citeq.pk): "900.00", "e1": "300.00"},
                    "total": "1400.00",
                    "vat": "100.00",
                    "status_quo_total": "1750.00",
                },
            ],
        },
    )


def test_tracking_reads_plans_and_the_new_entity_by_name(registry, entities, admin_user, django_assert_max_num_queries):
    from verbund.costing.models import PlanVersion

    scenario = _decided(registry, entities)
    PlanVersion.objects.create(
        provider=registry["citeq"], year=2026, name="Plan 2026", status="approved", result_total=Decimal("1100.00")
    )
    PlanVersion.objects.create(
        provider=entities["operating"], year=2026, name="Plan 2026", status="approved", result_total=Decimal("250.00")
    )
    with django_assert_max_num_queries(3):
        tracking, names = benefits.tracking(scenario=scenario)
    first, second = tracking.years
    assert (first.covered, first.entities) == (2, 2)
    assert first.gap == Decimal("50.00")  # 1,100 + 250 against 1,000 + 300
    assert first.promised_savings == Decimal("200.00")
    assert first.realised_savings == Decimal("150.00")
    assert not second.measured
    assert names["e1"] == entities["operating"].name
    assert list(benefits.decided_scenarios(user=admin_user)) == [scenario]


def test_the_page_and_the_pdf(client, registry, entities, admin_user, password):
    scenario = _decided(registry, entities)
    client.force_login(admin_user)
    response = client.get("/beteiligungen/nutzen/", {"scenario": scenario.pk})
    assert response.status_code == 200
    assert "Holding mit Betriebsgesellschaft" in response.content.decode()
    pdf = client.get("/beteiligungen/nutzen/bericht.pdf", {"scenario": scenario.pk})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get("/beteiligungen/nutzen/", {"scenario": 999999}).status_code == 404
