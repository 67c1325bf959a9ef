import datetime as dt
from decimal import Decimal

from verbund.billing.models import Invoice
from verbund.billing.selectors import turnover_by_customer
from verbund.ownership import inhouse
from verbund.ownership.engine import inhouse as engine

DAY = dt.date(2027, 3, 1)  # assessment years 2024-2026


def _invoice(provider, member, net, day, *, number, credit=False):
    return Invoice.objects.create(
        provider=provider,
        member=member,
        series="RE",
        number=number,
        status="issued",
        type_code="381" if credit else "380",
        title="Test",
        issue_date=day,
        net_total=Decimal(net),
    )


def _turnover(entities, registry):
    opco = entities["operating"]
    _invoice(opco, registry["telgte"], "900", dt.date(2026, 2, 1), number="RE-2026-1")
    _invoice(opco, registry["kreis"], "100", dt.date(2025, 2, 1), number="RE-2025-1")
    _invoice(opco, registry["ahlen"], "150", dt.date(2026, 2, 1), number="RE-2026-2")
    _invoice(opco, registry["ahlen"], "50", dt.date(2026, 3, 1), number="GS-2026-1", credit=True)
    _invoice(opco, registry["ahlen"], "9999", dt.date(2023, 3, 1), number="RE-2023-1")  # before the three years


def test_turnover_by_customer_subtracts_credit_notes(entities, registry, django_assert_num_queries):
    _turnover(entities, registry)
    with django_assert_num_queries(1):
        turnover = turnover_by_customer(provider=entities["operating"], years=(2024, 2025, 2026))
    assert turnover == {
        (registry["telgte"].pk, 2026): Decimal("900"),
        (registry["kreis"].pk, 2025): Decimal("100"),
        (registry["ahlen"].pk, 2026): Decimal("100"),
    }


def test_the_operating_company_is_eligible_through_the_holding(entities, registry, django_assert_max_num_queries):
    _turnover(entities, registry)
    with django_assert_max_num_queries(5):
        judgement, names = inhouse.judgement(entity=entities["operating"], as_of=DAY)
    assert judgement.status == engine.ELIGIBLE
    assert judgement.controllers == {registry["telgte"].pk, registry["kreis"].pk}
    assert judgement.activity_share == Decimal("90.91")  # 1,000 of 1,100
    assert names[registry["ahlen"].pk] == "Ahlen, Stadt"


def test_warnings_before_an_accession_and_an_owner(entities, registry):
    _turnover(entities, registry)
    opco = entities["operating"]
    small = inhouse.inhouse_warning(entity=opco, as_of=DAY, customer=registry["ahlen"], annual_turnover=Decimal(10))
    assert not small.breaks
    # Ahlen buying 200 a year more: 1,000 of 1,700 for the owners, below 80 %.
    large = inhouse.inhouse_warning(entity=opco, as_of=DAY, customer=registry["ahlen"], annual_turnover=Decimal(200))
    assert large.breaks
    assert large.after.rule(engine.ACTIVITY).passed is False
    # A private investor in the operating company breaks it; Ahlen as a public co-owner with a seat does not
    # (its turnover then counts as the controlling authorities').
    private = inhouse.inhouse_warning(entity=opco, as_of=DAY, private_owner_id=0, share=Decimal("0.1"), board_seats=1)
    assert private.breaks
    ahlen = inhouse.inhouse_warning(
        entity=opco, as_of=DAY, owner=registry["ahlen"], share=Decimal("0.1"), board_seats=1
    )
    assert not ahlen.breaks
    assert ahlen.after.activity_share == Decimal("100.00")
    seatless = inhouse.inhouse_warning(entity=opco, as_of=DAY, owner=registry["ahlen"], share=Decimal("0.1"))
    assert seatless.breaks


def test_the_holding_without_turnover_is_undetermined(entities):
    judgement, _names = inhouse.judgement(entity=entities["holding"], as_of=DAY)
    assert judgement.status == engine.UNDETERMINED


def test_the_page_answers_would_it_break(client, entities, registry, admin_user):
    _turnover(entities, registry)
    client.force_login(admin_user)
    url = f"/beteiligungen/{entities['operating'].pk}/inhouse/"
    page = client.get(url, {"day": "2027-03-01", "customer": registry["ahlen"].pk, "turnover": "200"})
    assert page.status_code == 200
    assert page.context["what_if"]["breaks"] is True
    small = client.get(url, {"day": "2027-03-01", "customer": registry["ahlen"].pk, "turnover": "10,00"})
    assert small.context["what_if"]["breaks"] is False
    for bad in ("abc", "NaN", "-5", "1e40"):
        answer = client.get(url, {"day": "2027-03-01", "customer": registry["ahlen"].pk, "turnover": bad})
        assert answer.status_code == 200 and answer.context["what_if"] is None
