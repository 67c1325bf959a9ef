"""Pages: the dashboard says "no data yet" (never a zero) for a source without data, shows the status and trend
of the stored values; the paper form offers a draft contract as the subject a decision makes effective."""

import datetime as dt
from decimal import Decimal

from django.test import Client
from django.utils import translation

from verbund.controlling import services
from verbund.controlling.tests.conftest import kpi_of


def _client(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_dashboard_shows_no_data_yet_status_and_trend(contract, admin_user, fake_source):
    evidence = services.Evidence(text="Statistik")
    posts = kpi_of(contract, "POSTS")
    services.measurement_enter(actor=admin_user, kpi=posts, year=2024, value=Decimal(80), evidence=evidence)
    services.measurement_enter(actor=admin_user, kpi=posts, year=2025, value=Decimal(95), evidence=evidence)
    client = _client(admin_user)
    with translation.override("en"):
        page = client.get(f"/controlling/{contract.pk}/?year=2025", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    avail_row = page.split('id="kpi-AVAIL"')[1].split("</tr>")[0]
    assert "no data yet" in avail_row and "0,0" not in avail_row and "0.0" not in avail_row
    posts_row = page.split('id="kpi-POSTS"')[1].split("</tr>")[0]
    assert "status-amber" in posts_row and "better than last year" in posts_row
    assert 'class="sparkline"' in posts_row
    services.collect_computed(actor=admin_user, contract=contract, year=2025)
    page = client.get(f"/controlling/{contract.pk}/?year=2025").content.decode()
    avail_row = page.split('id="kpi-AVAIL"')[1].split("</tr>")[0]
    assert "99.1" in avail_row or "99,1" in avail_row
    kpi_page = client.get(f"/controlling/kennzahl/{kpi_of(contract, 'AVAIL').pk}/").content.decode()
    assert 'id="kpi-chart"' in kpi_page and "<title>" in kpi_page  # the chart is an accessible image


def test_paper_form_offers_the_draft_contract_and_the_decision_makes_it_effective(
    contract, admin_user, registry, meeting
):
    from verbund.governance.models import Paper

    client = _client(admin_user)
    form = client.get("/gremien/vorlagen/neu/").content.decode()
    assert f'value="management_contract:{contract.pk}"' in form
    response = client.post(
        "/gremien/vorlagen/neu/",
        {
            "body": registry["citeq"].pk,
            "reference": "BA-2025/01",
            "name": "Managementkontrakt",
            "paper_type": "resolution",
            "date": "2025-01-10",
            "subject": f"management_contract:{contract.pk}",
            "majority_rule": "",
            "proposed_resolution": "Der Rat stimmt dem Managementkontrakt zu.",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    paper = Paper.objects.get(reference="BA-2025/01")
    assert (paper.subject_kind, paper.subject_id) == ("management_contract", contract.pk)
    from verbund.governance import subjects

    subjects.handler_for(paper.subject_kind).approve(admin_user, contract, "BA/2025/001", dt.date(2025, 1, 20))
    contract.refresh_from_db()
    assert contract.status == "effective"
    form = client.get("/gremien/vorlagen/neu/").content.decode()
    assert f'value="management_contract:{contract.pk}"' not in form  # effective: no longer a subject


def test_a_measure_is_marked_done_on_the_contract_page_and_the_report_shows_the_date(contract, admin_user):
    from verbund.controlling.models import Measure

    measure = Measure.objects.get(goal__contract=contract)
    client = _client(admin_user)
    page = client.get(f"/controlling/{contract.pk}/?year=2025").content.decode()
    row = page.split(f'id="measure-{measure.pk}"')[1].split("</tr>")[0]
    assert "Mark done" in row and f"/controlling/{contract.pk}/massnahmen/{measure.pk}/erledigt/" in row
    url = f"/controlling/{contract.pk}/massnahmen/{measure.pk}/erledigt/"
    assert client.post(url, {"done_on": "2025-06-20"}).status_code == 302
    page = client.get(f"/controlling/{contract.pk}/?year=2025").content.decode()
    row = page.split(f'id="measure-{measure.pk}"')[1].split("</tr>")[0]
    assert "done on" in row and "Mark done" not in row
    report = client.get(f"/controlling/{contract.pk}/bericht/?year=2025").content.decode()
    assert "done on 06/20/2025" in report
