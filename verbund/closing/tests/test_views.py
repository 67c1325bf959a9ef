"""The pages of closing a year: list, detail with grid, upload (a job), calculation, approval, carry-forward,
member page, business plan with PDF; members see their own result only; no page answers 500 on bad input."""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from verbund.closing import services
from verbund.closing.models import ActualCost, ActualUsage, CarryForward, ProductOutcome
from verbund.closing.tests.conftest import ACTUAL_COSTS_CSV, USAGE_CSV


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_controller_uploads_calculates_approves_and_carries(closing, controller, approved_plan, admin_user):
    from verbund.costing import services as costing

    client = _client(controller)
    assert client.get("/jahresabschluss/").status_code == 200
    page = client.get(f"/jahresabschluss/{closing.pk}/")
    assert page.status_code == 200 and b'id="actual-grid"' in page.content
    upload = SimpleUploadedFile("ist.csv", ACTUAL_COSTS_CSV.encode(), content_type="text/csv")
    response = client.post(f"/jahresabschluss/{closing.pk}/import/", {"kind": "costs", "file": upload})
    assert response.status_code == 302
    assert ActualCost.objects.filter(closing=closing).count() == 5
    upload = SimpleUploadedFile("verbrauch.csv", USAGE_CSV.encode(), content_type="text/csv")
    client.post(f"/jahresabschluss/{closing.pk}/import/", {"kind": "usage", "file": upload})
    assert ActualUsage.objects.filter(closing=closing).count() == 3
    client.post(f"/jahresabschluss/{closing.pk}/berechnen/")
    assert ProductOutcome.objects.filter(closing=closing).count() == 2
    page = client.get(f"/jahresabschluss/{closing.pk}/")
    assert b'svg id="variance-chart"' in page.content or b'id="variance-chart"' in page.content
    client.post(
        f"/jahresabschluss/{closing.pk}/genehmigen/", {"decision_reference": "JA 2026", "approved_on": "2027-06-30"}
    )
    target = costing.plan_version_copy(actor=admin_user, source=approved_plan, year=2028, name="Plan 2028")
    client.post(f"/jahresabschluss/{closing.pk}/vortragen/", {"target_plan": target.pk, "years": 1})
    assert CarryForward.objects.filter(target_plan=target).exists()
    assert b"carried-list" in client.get("/jahresabschluss/").content


def test_a_bad_upload_writes_nothing_and_shows_the_line(closing, controller):
    client = _client(controller)
    upload = SimpleUploadedFile("ist.csv", b"cost_centre;cost_type;amount\nXX;PERS;1\n", content_type="text/csv")
    response = client.post(f"/jahresabschluss/{closing.pk}/import/", {"kind": "costs", "file": upload}, follow=True)
    assert response.status_code == 200
    assert b"cost_centre" in response.content
    assert not ActualCost.objects.exists()


def test_the_grid_saves_and_refuses_bad_cells(closing, controller):
    client = _client(controller)
    client.post(f"/jahresabschluss/{closing.pk}/istkosten/", {"cost:RZ/PERS": "1.000,50", "cost:AP/SACH": ""})
    assert ActualCost.objects.get(closing=closing).amount == Decimal("1000.50")
    client.post(f"/jahresabschluss/{closing.pk}/istkosten/", {"cost:RZ/PERS": "abc", "cost:ZZ/Q": "1"})
    assert ActualCost.objects.get(closing=closing).amount == Decimal("1000.50")


def test_members_cannot_write_and_see_their_own_page_only(closing_with_actuals, admin_user, alice, bob):
    client = _client(alice)
    assert client.get(f"/jahresabschluss/{closing_with_actuals.pk}/").status_code == 404  # a draft
    assert client.post(f"/jahresabschluss/{closing_with_actuals.pk}/berechnen/").status_code == 404
    services.closing_calculate(actor=admin_user, closing=closing_with_actuals)
    services.closing_approve(
        actor=admin_user, closing=closing_with_actuals, decision_reference="JA", approved_on=dt.date(2027, 6, 1)
    )
    own = client.get(f"/jahresabschluss/{closing_with_actuals.pk}/mitglieder/{alice.organization_id}/")
    assert own.status_code == 200 and b"member-total" in own.content
    other = client.get(f"/jahresabschluss/{closing_with_actuals.pk}/mitglieder/{bob.organization_id}/")
    assert other.status_code == 404
    page = client.get(f"/jahresabschluss/{closing_with_actuals.pk}/")
    assert page.status_code == 200
    assert f'id="member-{bob.organization_id}"'.encode() not in page.content
    assert f'id="member-{alice.organization_id}"'.encode() in page.content
    assert client.get("/jahresabschluss/meine/").status_code == 200


def test_business_plan_page_pdf_and_bad_parameters(registry, controller, admin_user):
    from verbund.closing.models import BusinessPlanLine

    client = _client(controller)
    assert client.get("/jahresabschluss/wirtschaftsplan/?year=abc").status_code == 404
    assert client.get("/jahresabschluss/wirtschaftsplan/?year=2026&provider=x").status_code == 404
    upload = SimpleUploadedFile(
        "wp.csv",
        "part;code;label;planned;actual\nincome;U1;Umsatzerlöse;100;110\nexpense;A1;Aufwand;90;95\n".encode(),
        content_type="text/csv",
    )
    client.post(
        "/jahresabschluss/wirtschaftsplan/import/",
        {"provider": registry["citeq"].pk, "year": 2026, "file": upload},
    )
    assert BusinessPlanLine.objects.count() == 2
    page = client.get(f"/jahresabschluss/wirtschaftsplan/?provider={registry['citeq'].pk}&year=2026")
    assert page.status_code == 200 and b"business-plan-chart" in page.content
    pdf = client.get(f"/jahresabschluss/wirtschaftsplan.pdf?provider={registry['citeq'].pk}&year=2026")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_price_index_form(closing, controller):
    from verbund.closing.models import ActualPriceIndex

    client = _client(controller)
    client.post(f"/jahresabschluss/{closing.pk}/preisindizes/", {"index:PERS": "1,03", "index:SACH": ""})
    assert ActualPriceIndex.objects.get(closing=closing).index == Decimal("1.03")
    response = client.post(f"/jahresabschluss/{closing.pk}/preisindizes/", {"index:PERS": "x"}, follow=True)
    assert response.status_code == 200
    assert ActualPriceIndex.objects.get(closing=closing).index == Decimal("1.03")


def test_member_sees_how_the_carried_result_changes_its_fee(closing_with_actuals, admin_user, approved_plan, alice):
    from verbund.costing import services as costing

    services.closing_calculate(actor=admin_user, closing=closing_with_actuals)
    services.closing_approve(
        actor=admin_user, closing=closing_with_actuals, decision_reference="JA", approved_on=dt.date(2027, 6, 1)
    )
    target = costing.plan_version_copy(actor=admin_user, source=approved_plan, year=2028, name="Plan 2028")
    services.carry_forward_apply(actor=admin_user, closing=closing_with_actuals, target_plan=target)
    costing.plan_version_calculate(actor=admin_user, plan=target)
    url = f"/jahresabschluss/{closing_with_actuals.pk}/mitglieder/{alice.organization_id}/"
    assert b"fee-effect" in _client(alice).get(url).content
    assert "−2.933,33".encode() not in _client(alice).get(url).content  # the 2028 plan is only a draft
    costing.plan_version_submit(actor=admin_user, plan=target)
    costing.plan_version_approve(
        actor=admin_user, plan=target, decision_reference="ZA-2027/1", approved_on=dt.date(2027, 11, 1)
    )
    page = _client(alice).get(url).content.decode()
    # AP-100: over-recovery 11.000,00 € returned in 2028 over 150 planned workstations; Telgte has 40.
    assert "-2.933,33" in page or "−2.933,33" in page


def test_the_grid_refuses_numbers_the_database_cannot_hold(closing, controller):
    client = _client(controller)
    for text in ("1e30", "0,001", "-5"):
        response = client.post(f"/jahresabschluss/{closing.pk}/istkosten/", {"cost:RZ/PERS": text}, follow=True)
        assert response.status_code == 200, text
    assert not ActualCost.objects.exists()
