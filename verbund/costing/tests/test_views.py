"""The plan-costing pages with Django's test client (German UI, the `plan` fixture of conftest.py)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from verbund.accounts.roles import ROLE_PERMISSIONS, Role
from verbund.costing import services
from verbund.costing.models import MemberFee, PlannedCost, PlanVersion, ProductPlan, ProductRate


@pytest.fixture
def controller(registry):
    from verbund.accounts.services import user_create

    return user_create(
        actor=None,
        username="carla",
        password="Correct-Horse-Battery-9",
        role=Role.CONTROLLER,
        organization=registry["citeq"],
        validate_password=False,
    )


@pytest.fixture
def members_may_see_costing(monkeypatch):
    """Member contacts with the read permissions of plan costing (the access layer still limits the rows)."""
    granted = (*ROLE_PERMISSIONS[Role.MEMBER_CONTACT], "costing.view_planversion", "costing.view_memberfee")
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.MEMBER_CONTACT, granted)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _german(amount):
    """1234567.5 → '1.234.567,50'."""
    return f"{Decimal(amount):,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


def _cell(plan, centre, cost_type):
    centre_obj = plan.cost_centres.get(code=centre)
    type_obj = plan.cost_types.get(code=cost_type)
    return f"cost_{centre_obj.pk}_{type_obj.pk}"


def _amount(plan, centre, cost_type):
    return PlannedCost.objects.get(plan=plan, centre__code=centre, cost_type__code=cost_type).amount


def _approve(plan, actor):
    services.plan_version_calculate(actor=actor, plan=plan)
    services.plan_version_submit(actor=actor, plan=plan)
    services.plan_version_approve(
        actor=actor, plan=plan, decision_reference="ZA-2025-011", approved_on=dt.date(2025, 11, 19)
    )
    plan.refresh_from_db()


def test_every_page_renders_for_the_controller(plan, controller, registry):
    client = _client(controller)
    services.plan_version_calculate(actor=controller, plan=plan)
    base = f"/kostenrechnung/{plan.pk}/"
    listing = client.get("/kostenrechnung/").content.decode()
    assert "Plankostenrechnung 2026" in listing and "280.000,00" in listing and 'id="plan-create-form"' in listing
    assert 'id="plan-copy-form"' in listing and "<td>2026</td>" in listing  # a year, not "2.026"
    detail = client.get(base).content.decode()
    assert 'id="cost-grid"' in detail and 'id="calculate-button"' in detail and 'id="history-heading"' in detail
    assert 'value="100.000,00"' in detail  # localised input of RZ/PERS
    assert 'role="img"' in detail and "<title>" in detail  # chart: cost by cost centre
    for url, marker in (
        (f"{base}preisblatt/", 'id="rate-sheet"'),
        (f"{base}bab/", 'id="centre-sheet"'),
        (f"{base}entgelte/", 'id="member-list"'),
        (f"{base}entgelte/{registry['telgte'].pk}/", 'id="showback"'),
        (f"{base}vergleich/", 'data-testid="compare-page"'),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert marker in response.content.decode(), url
    sheet = client.get(f"{base}bab/").content.decode()
    assert "150.000,00" in sheet and "190.000,00" in sheet  # RZ primary; AP after allocation
    assert "-150.000,00" in sheet  # RZ passes on everything


def test_grid_saves_a_changed_amount(plan, controller):
    client = _client(controller)
    services.plan_version_calculate(actor=controller, plan=plan)
    response = client.post(f"/kostenrechnung/{plan.pk}/plankosten/", {_cell(plan, "RZ", "PERS"): "120.000,50"})
    assert response.status_code == 302
    assert _amount(plan, "RZ", "PERS") == Decimal("120000.50")
    assert _amount(plan, "RZ", "SACH") == Decimal("50000.00")  # not posted: left alone
    plan.refresh_from_db()
    assert plan.calculated_at is None  # the stored results no longer explain the figures
    page = client.get(response["Location"]).content.decode()
    assert 'value="120.000,50"' in page and "gespeichert" in page.lower()


def test_grid_refuses_a_negative_amount_next_to_the_cell_and_saves_nothing(plan, controller):
    client = _client(controller)
    good, bad = _cell(plan, "AP", "PERS"), _cell(plan, "FV", "PERS")
    response = client.post(f"/kostenrechnung/{plan.pk}/plankosten/", {good: "85.000,00", bad: "-5"})
    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="id_{bad}_error"' in page  # the error stands at the cell …
    assert f'href="#id_{bad}"' in page and "Fachverfahren / Personal" in page  # … and is named in the summary
    assert f'id="id_{good}_error"' not in page
    assert 'value="-5"' in page  # the input is kept
    assert _amount(plan, "AP", "PERS") == Decimal("80000.00")  # the valid change was rolled back too
    assert _amount(plan, "FV", "PERS") == Decimal("30000.00")
    # Input that is not a number is refused by the form, before any service runs.
    page = client.post(f"/kostenrechnung/{plan.pk}/plankosten/", {good: "viel"}).content.decode()
    assert f'id="id_{good}_error"' in page and _amount(plan, "AP", "PERS") == Decimal("80000.00")


def test_calculate_then_the_rate_sheet_shows_the_rate_in_german(plan, controller):
    client = _client(controller)
    assert client.get(f"/kostenrechnung/{plan.pk}/preisblatt/").content.decode().count('id="rate-') == 0
    response = client.post(f"/kostenrechnung/{plan.pk}/berechnen/")
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.result_total == Decimal("280000.00")
    page = client.get(f"/kostenrechnung/{plan.pk}/preisblatt/").content.decode()
    assert 'id="rate-AP-100"' in page and "1.266,6667" in page and "190.000,00" in page
    # The engine's trace, expandable, in German with German numbers (issue #10, 18; was English "plan cost 190,000.00").
    assert "<details>" in page and "Plankosten 190.000,00" in page
    pdf = client.get(f"/kostenrechnung/{plan.pk}/preisblatt.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def _explanations(page):
    """The text of the explanation lists (<ol class="changes">) of a page."""
    import re

    return " ".join(re.findall(r'<ol class="(?:changes|trace)"[^>]*>(.*?)</ol>', page, re.S))


def test_rate_sheet_explains_in_the_users_language_with_names(plan, controller, monkeypatch):
    """Issue #10, 18: the explanation is rendered from language-neutral steps: German words and numbers on a
    German page (cost centres and products by name), English on an English one; the PDF like the page."""
    services.plan_version_calculate(actor=controller, plan=plan)
    client = _client(controller)
    german = _explanations(client.get(f"/kostenrechnung/{plan.pk}/preisblatt/").content.decode())
    assert "AP-100 Standard-Arbeitsplatz: Plankosten 190.000,00" in german
    assert "Verrechnungssatz = 190.000,00 ÷ 150 je Arbeitsplatz" in german and "1.266,6667" in german
    assert "aus Endkostenstelle AP Arbeitsplatz: vollständig = " in german  # the centre with its name
    for english in ("plan cost", "unit rate", "rounding", "190,000.00"):
        assert english not in german
    client.cookies["django_language"] = "en"
    english = _explanations(client.get(f"/kostenrechnung/{plan.pk}/preisblatt/").content.decode())
    assert "plan cost 190,000.00" in english and "unit rate = 190,000.00 ÷ 150 per workstation" in english
    assert "Plankosten" not in english
    # The PDF is built from the same rendering: capture the HTML handed to WeasyPrint.
    import weasyprint

    seen = {}

    class FakeHTML:
        def __init__(self, string, base_url=None):
            seen["html"] = string

        def write_pdf(self):
            return b"%PDF-fake"

    monkeypatch.setattr(weasyprint, "HTML", FakeHTML)
    client.cookies["django_language"] = "de"
    client.get(f"/kostenrechnung/{plan.pk}/preisblatt.pdf")
    assert "Plankosten 190.000,00" in _explanations(seen["html"]) and "plan cost" not in seen["html"]


def test_showback_explains_fees_with_the_members_name_not_its_id(plan, controller, registry):
    services.plan_version_calculate(actor=controller, plan=plan)
    telgte = registry["telgte"]
    page = _client(controller).get(f"/kostenrechnung/{plan.pk}/entgelte/{telgte.pk}/").content.decode()
    text = _explanations(page)
    assert "Telgte, Stadt × AP-100 Standard-Arbeitsplatz: 40 × 1.266,6667 = " in text
    assert "→ 50.666,67 (auf den Cent gerundet)" in text
    assert f"{telgte.pk} × " not in text and "rounded" not in text and 'lang="en"' not in text


def test_results_stored_before_the_steps_are_shown_as_they_are(plan, controller):
    """Traces stored as English lines by an earlier version stay readable, marked lang="en"."""
    services.plan_version_calculate(actor=controller, plan=plan)
    ProductRate.objects.filter(plan=plan).update(trace=["AP-100: plan cost 190,000.00"])
    page = _client(controller).get(f"/kostenrechnung/{plan.pk}/preisblatt/").content.decode()
    assert '<li lang="en">AP-100: plan cost 190,000.00</li>' in page


def test_workflow_submit_withdraw_and_approval_shows_the_decision(plan, controller):
    client = _client(controller)
    client.post(f"/kostenrechnung/{plan.pk}/einreichen/")  # not calculated: refused with a message
    plan.refresh_from_db()
    assert plan.status == "draft"
    client.post(f"/kostenrechnung/{plan.pk}/berechnen/")
    client.post(f"/kostenrechnung/{plan.pk}/einreichen/")
    plan.refresh_from_db()
    assert plan.status == "submitted"
    page = client.get(f"/kostenrechnung/{plan.pk}/").content.decode()
    assert 'id="withdraw-button"' in page and 'name="cost_' not in page  # no inputs once submitted
    response = client.post(f"/kostenrechnung/{plan.pk}/plankosten/", {_cell(plan, "RZ", "PERS"): "1"})
    assert response.status_code == 302 and _amount(plan, "RZ", "PERS") == Decimal("100000.00")
    client.post(f"/kostenrechnung/{plan.pk}/zurueckziehen/")
    plan.refresh_from_db()
    assert plan.status == "draft"
    client.post(f"/kostenrechnung/{plan.pk}/berechnen/")
    services.plan_version_submit(actor=controller, plan=plan)
    services.plan_version_approve(
        actor=controller, plan=plan, decision_reference="ZA-2025-011", approved_on=dt.date(2025, 11, 19)
    )
    page = client.get(f"/kostenrechnung/{plan.pk}/").content.decode()
    assert "ZA-2025-011" in page and "19.11.2025" in page and 'id="calculate-button"' not in page


def test_new_plan_and_copy_of_last_years_plan(plan, controller):
    client = _client(controller)
    response = client.post("/kostenrechnung/neu/", {"new-year": "1999", "new-name": "Alt", "new-method": "direct"})
    assert response.status_code == 200 and 'id="id_new-year_error"' in response.content.decode()
    assert PlanVersion.objects.count() == 1
    response = client.post("/kostenrechnung/neu/", {"new-year": "2028", "new-name": "Leer", "new-method": "direct"})
    assert response.status_code == 302
    response = client.post("/kostenrechnung/kopieren/", {"copy-source": plan.pk, "copy-year": "2027", "copy-name": ""})
    copy = PlanVersion.objects.get(year=2027)
    assert response["Location"] == f"/kostenrechnung/{copy.pk}/"
    assert copy.predecessor == plan and copy.planned_costs.count() == 5 and "2027" in copy.name


def test_showback_for_telgte_sums_its_fees_and_exports_csv(plan, controller, registry):
    services.plan_version_calculate(actor=controller, plan=plan)
    telgte = registry["telgte"]
    fees = list(MemberFee.objects.filter(plan=plan, member=telgte))
    assert len(fees) == 2
    total = sum(f.fee for f in fees)
    client = _client(controller)
    page = client.get(f"/kostenrechnung/{plan.pk}/entgelte/{telgte.pk}/").content.decode()
    assert 'id="fee-AP-100"' in page and 'id="fee-OZ-200"' in page
    assert "50.666,67" in page and "1.266,6667" in page  # AP-100: 40 × the rate
    assert f'data-testid="showback-total">{_german(total)}<' in page
    index = client.get(f"/kostenrechnung/{plan.pk}/entgelte/").content.decode()
    assert "Telgte, Stadt" in index and "Ahlen, Stadt" in index and _german(total) in index
    csv = client.get(f"/kostenrechnung/{plan.pk}/entgelte/{telgte.pk}/export.csv")
    text = csv.content.decode("utf-8-sig")
    assert csv["Content-Type"].startswith("text/csv") and "AP-100" in text and str(total) in text.splitlines()[-1]


def test_member_contact_sees_only_approved_plans_and_only_its_own_fees(plan, controller, registry, bob):
    """Whatever costing permissions member contacts have (none yet, or read), never a draft nor another's fees."""
    telgte = registry["telgte"]
    client = _client(bob)
    services.plan_version_calculate(actor=controller, plan=plan)
    assert "Plankostenrechnung 2026" not in client.get("/kostenrechnung/").content.decode()
    assert client.get(f"/kostenrechnung/{plan.pk}/").status_code == 404
    assert client.get(f"/kostenrechnung/{plan.pk}/entgelte/{telgte.pk}/").status_code == 404
    assert client.post(f"/kostenrechnung/{plan.pk}/berechnen/").status_code == 404
    _approve(plan, controller)
    assert client.get(f"/kostenrechnung/{plan.pk}/entgelte/{telgte.pk}/").status_code == 404


def test_member_contact_with_costing_read_permission(plan, controller, registry, bob, members_may_see_costing):
    telgte, ahlen = registry["telgte"], registry["ahlen"]
    client = _client(bob)
    draft = services.plan_version_copy(actor=controller, source=plan, year=2027, name="Entwurf 2027")
    _approve(plan, controller)
    listing = client.get("/kostenrechnung/").content.decode()
    assert "Plankostenrechnung 2026" in listing and "Entwurf 2027" not in listing
    assert 'id="plan-create-form"' not in listing
    assert client.get(f"/kostenrechnung/{draft.pk}/").status_code == 404
    page = client.get(f"/kostenrechnung/{plan.pk}/").content.decode()
    assert "ZA-2025-011" in page and 'name="cost_' not in page and 'id="calculate-button"' not in page
    assert 'id="history-heading"' not in page  # the audit history is for provider staff
    assert client.get(f"/kostenrechnung/{plan.pk}/entgelte/{telgte.pk}/").status_code == 404
    assert client.get(f"/kostenrechnung/{plan.pk}/entgelte/{telgte.pk}/export.csv").status_code == 404
    response = client.get(f"/kostenrechnung/{plan.pk}/entgelte/")
    assert response.status_code == 302 and response["Location"].endswith(f"/entgelte/{ahlen.pk}/")
    own = client.get(f"/kostenrechnung/{plan.pk}/entgelte/{ahlen.pk}/").content.decode()
    ahlen_total = sum(f.fee for f in MemberFee.objects.filter(plan=plan, member=ahlen))
    assert _german(ahlen_total) in own and "Telgte" not in own
    assert client.post(f"/kostenrechnung/{plan.pk}/zurueckziehen/").status_code == 404


def test_comparison_with_a_copied_plan_shows_differences_and_the_chart(plan, controller):
    services.plan_version_calculate(actor=controller, plan=plan)
    copy = services.plan_version_copy(actor=controller, source=plan, year=2027, name="Plankostenrechnung 2027")
    ap, pers = copy.cost_centres.get(code="AP"), copy.cost_types.get(code="PERS")
    services.planned_cost_set(actor=controller, plan=copy, centre=ap, cost_type=pers, amount=Decimal("99000"))
    services.plan_version_calculate(actor=controller, plan=copy)
    client = _client(controller)
    page = client.get(f"/kostenrechnung/{copy.pk}/vergleich/").content.decode()  # the predecessor by default
    assert 'id="comparison"' in page and "<svg" in page and 'role="img"' in page and 'id="comparison-chart"' in page
    assert "+19.000,00" in page  # AP-100: 190,000 → 209,000
    assert "+10,0 %" in page  # … that is 10 %
    assert "1.393,3333" in page  # the new rate 209,000 / 150
    chosen = client.get(f"/kostenrechnung/{plan.pk}/vergleich/?other={copy.pk}").content.decode()
    assert "-19.000,00" in chosen
    assert client.get(f"/kostenrechnung/{plan.pk}/vergleich/?other=999999").status_code == 200  # not a choice


def _more_products(plan, catalogue, registry, count):
    """Add products with rates and a fee for Telgte straight into the results (only the page's queries matter)."""
    from verbund.catalog.services import product_create

    for index in range(count):
        product = product_create(
            actor=None,
            number=f"QC-{index:03d}",
            name=f"Produkt {index}",
            family=catalogue["family"],
            category="consulting",
            unit="hour",
        )
        pp = ProductPlan.objects.create(plan=plan, product=product, planned_quantity=Decimal(10))
        ProductRate.objects.create(
            plan=plan,
            product_plan=pp,
            cost=Decimal(100),
            carry_forward=Decimal(0),
            net_cost=Decimal(100),
            planned_quantity=Decimal(10),
            rate=Decimal(10),
            trace=["line"],
        )
        MemberFee.objects.create(
            plan=plan, member=registry["telgte"], product_plan=pp, quantity=Decimal(1), fee=Decimal(10), trace=["x"]
        )


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_rate_sheet_and_showback_queries_do_not_grow_with_products(plan, controller, catalogue, registry):
    services.plan_version_calculate(actor=controller, plan=plan)
    copy = services.plan_version_copy(actor=controller, source=plan, year=2027, name="Plan 2027")
    client = _client(controller)
    urls = [
        f"/kostenrechnung/{plan.pk}/preisblatt/",
        f"/kostenrechnung/{plan.pk}/entgelte/{registry['telgte'].pk}/",
        f"/kostenrechnung/{plan.pk}/entgelte/",
        f"/kostenrechnung/{plan.pk}/bab/",
        f"/kostenrechnung/{plan.pk}/vergleich/?other={copy.pk}",
    ]
    for url in urls:
        client.get(url)  # warm caches (content types, sessions)
    before = {url: _queries(client, url) for url in urls}
    _more_products(plan, catalogue, registry, 6)
    after = {url: _queries(client, url) for url in urls}
    assert after == before
