"""Pages of the scenarios app: portfolio and overlap, create → calculate → compare, the member's view, refusals."""

from decimal import Decimal
from unittest import mock

import pytest
from django.utils.translation import gettext as _

from verbund.scenarios import services
from verbund.scenarios.choices import ASSUMPTIONS, ScenarioKind
from verbund.scenarios.models import PortfolioItem, Scenario, ScenarioMove


def test_portfolio_shows_the_overlap_and_saves_a_disposition(client, analyst, world):
    client.force_login(analyst)
    page = client.get("/szenarien/portfolio/").content.decode()
    assert 'id="task-CAP-DC"' in page and "KA-DC" in page and "CQ-DC" in page
    item = world["items"]["KA-DC"]
    response = client.post(f"/szenarien/portfolio/{item.pk}/disposition/", {"disposition": "migrate"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.disposition == "migrate"
    client.post(f"/szenarien/portfolio/{item.pk}/disposition/", {"disposition": "nonsense"})
    item.refresh_from_db()
    assert item.disposition == "migrate"


def test_create_calculate_and_compare(client, analyst, world):
    client.force_login(analyst)
    response = client.post(
        "/szenarien/neu/",
        {"name": "Fusion", "kind": "merger", "legal_form": "aor", "first_year": "2027", "stages": "1"},
    )
    scenario = Scenario.objects.get(name="Fusion")
    assert response.status_code == 302 and response["Location"] == scenario.get_absolute_url()
    client.post(f"/szenarien/{scenario.pk}/berechnen/")
    page = client.get(scenario.get_absolute_url()).content.decode()
    assert 'id="yearly"' in page and 'id="checks-failed"' in page
    compare = client.get("/szenarien/vergleich/").content.decode()
    assert 'id="scenario-cost-chart"' in compare and "Fusion" in compare


def test_bad_create_input_changes_nothing(client, analyst, world):
    client.force_login(analyst)
    response = client.post(
        "/szenarien/neu/", {"name": "X", "kind": "merger", "legal_form": "aor", "first_year": "1800", "stages": "1"}
    )
    assert response.status_code == 302
    assert not Scenario.objects.exists()


def test_bad_assumptions_and_moves_are_refused(client, analyst, world):
    scenario = services.scenario_create(actor=analyst, name="F", kind=ScenarioKind.MERGER)
    client.force_login(analyst)
    data = {"worse_off_limit": "0.05"}
    for name in ("synergy", "migration", "double_running_months", "attrition", "price_index", "discount_rate"):
        data |= {f"{name}__low": "0.3", f"{name}__likely": "0.2", f"{name}__high": "0.4"}
    before = dict(scenario.assumptions)
    client.post(f"/szenarien/{scenario.pk}/annahmen/", data)
    scenario.refresh_from_db()
    assert scenario.assumptions == before
    item = PortfolioItem.objects.first()
    response = client.post(f"/szenarien/{scenario.pk}/verschiebung/", {"item": str(item.pk), "entity": "x"})
    assert response.status_code == 302
    entity = scenario.entities.get()
    client.post(f"/szenarien/{scenario.pk}/verschiebung/", {"item": str(item.pk), "entity": entity.pk, "year": "2099"})
    assert scenario.moves.get(item=item).year == 2027  # unchanged (the default first stage)


def test_a_member_sees_its_own_fees_of_published_scenarios_only(client, analyst, alice, world):
    draft = services.scenario_create(actor=analyst, name="Entwurf", kind=ScenarioKind.MERGER)
    published = services.scenario_create(actor=analyst, name="Holding", kind=ScenarioKind.HOLDING)
    services.scenario_calculate(actor=analyst, scenario=published)
    services.scenario_publish(actor=analyst, scenario=published)
    client.force_login(alice)
    assert client.get(draft.get_absolute_url()).status_code == 404
    page = client.get(published.get_absolute_url()).content.decode()
    assert 'id="own-fees"' in page and "Telgte, Stadt" in page and "Ahlen, Stadt" not in page
    assert 'id="yearly"' not in page
    assert client.get("/szenarien/portfolio/").status_code == 403
    assert client.get("/szenarien/vergleich/").status_code == 403
    assert client.post(f"/szenarien/{published.pk}/berechnen/").status_code == 403


def test_risk_runs_as_a_job(client, analyst, world):
    scenario = services.scenario_create(actor=analyst, name="F", kind=ScenarioKind.MERGER, first_year=2027)
    client.force_login(analyst)
    client.post(f"/szenarien/{scenario.pk}/risiko/", {"draws": "200", "seed": "3"})
    scenario.refresh_from_db()
    assert scenario.risk["draws"] == 200 and scenario.risk["seed"] == 3
    page = client.get(scenario.get_absolute_url()).content.decode()
    assert 'id="scenario-fan-chart"' in page and 'id="probability-better"' in page
    assert 'id="shapley"' in page
    shapley = scenario.risk["shapley"]
    assert set(shapley) == {str(world["citeq"].pk), str(world["kaaw"].pk)}
    services.scenario_calculate(actor=analyst, scenario=scenario)
    scenario.refresh_from_db()
    assert sum(Decimal(v) for v in shapley.values()) == pytest.approx(scenario.savings, abs=Decimal("0.02"))
    client.post(f"/szenarien/{scenario.pk}/risiko/", {"draws": "5", "seed": "3"})  # below 100: refused
    scenario.refresh_from_db()
    assert scenario.risk["draws"] == 200


def test_report_pdf(client, analyst, world):
    scenario = services.scenario_create(actor=analyst, name="F", kind=ScenarioKind.MERGER)
    services.scenario_calculate(actor=analyst, scenario=scenario)
    client.force_login(analyst)
    with mock.patch("weasyprint.HTML") as html_class:
        html_class.return_value.write_pdf.return_value = b"%PDF-1.7"
        response = client.get("/szenarien/bericht.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "F" in html_class.call_args.kwargs["string"]


def test_optimise_the_stages_on_the_page(client, analyst, world):
    scenario = services.scenario_create(actor=analyst, name="F", kind=ScenarioKind.MERGER, first_year=2027)
    client.force_login(analyst)
    client.post(f"/szenarien/{scenario.pk}/stufenplan/", {"capacity": "2", "deadline": "2030", "budget": ""})
    scenario.refresh_from_db()
    assert scenario.staged_plan["status"] == "Optimal"
    page = client.get(scenario.get_absolute_url()).content.decode()
    assert 'id="gantt"' in page and 'id="staged-plan"' in page
    client.post(f"/szenarien/{scenario.pk}/stufenplan/", {"capacity": "-1", "deadline": "2030"})
    scenario.refresh_from_db()
    assert scenario.staged_plan["capacity"] == "2"


def test_member_fees_csv_is_scoped(client, analyst, alice, world):
    scenario = services.scenario_create(actor=analyst, name="H", kind=ScenarioKind.HOLDING)
    services.scenario_calculate(actor=analyst, scenario=scenario)
    client.force_login(analyst)
    text = client.get(f"/szenarien/{scenario.pk}/entgelte.csv").content.decode("utf-8-sig")
    assert "Telgte, Stadt" in text and "Ahlen, Stadt" in text
    assert client.get(f"/szenarien/{scenario.pk}/entgelte.csv").content.decode("utf-8-sig").count("\r\n") == 3
    services.scenario_publish(actor=analyst, scenario=scenario)
    client.force_login(alice)
    text = client.get(f"/szenarien/{scenario.pk}/entgelte.csv").content.decode("utf-8-sig")
    assert "Telgte, Stadt" in text and "Ahlen, Stadt" not in text


def test_a_refused_change_names_the_field(client, analyst, world):
    """The services name the field by key (`assumptions.synergy`, `year`); the page's message gives its label."""
    scenario = services.scenario_create(actor=analyst, name="F", kind=ScenarioKind.MERGER)
    client.force_login(analyst)
    data = {"worse_off_limit": "0.05"}
    for name in ("synergy", "migration", "double_running_months", "attrition", "price_index", "discount_rate"):
        data |= {f"{name}__low": "0.01", f"{name}__likely": "0.02", f"{name}__high": "0.03"}
    data |= {"synergy__low": "0.3"}
    response = client.post(f"/szenarien/{scenario.pk}/annahmen/", data, follow=True)
    texts = [str(m) for m in response.context["messages"]]
    assert f"{ASSUMPTIONS['synergy'][0]}: {_('low ≤ likely ≤ high must hold.')}" in texts
    item = PortfolioItem.objects.get(code="KA-DC")
    entity = scenario.entities.get()
    response = client.post(
        f"/szenarien/{scenario.pk}/verschiebung/", {"item": item.pk, "entity": entity.pk, "year": "2099"}, follow=True
    )
    year = ScenarioMove._meta.get_field("year").verbose_name
    refusal = _("The year lies between the scenario's first and last year.")
    assert f"{year}: {refusal}" in [str(m) for m in response.context["messages"]]
