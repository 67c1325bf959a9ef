import io

from django.test import Client

from verbund.accounts.services import user_create
from verbund.catalog.models import CatalogueVersion, Product


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_export_csv_and_xlsx(catalogue, alice):
    client = _client(alice)
    csv_text = client.get("/katalog/export.csv?year=2026").content.decode("utf-8-sig")
    assert "AP-100" in csv_text and "XX-900" not in csv_text  # a member does not see drafts
    xlsx = client.get("/katalog/export.xlsx?year=2026")
    assert xlsx.content[:2] == b"PK"


def test_import_page_checks_every_row_and_writes_nothing_on_errors(catalogue, admin_user, alice):
    client = _client(admin_user)
    csv_text = client.get("/katalog/export.csv?year=2026").content.decode("utf-8-sig")
    broken = csv_text.replace(";workstation;", ";planet;")
    upload = io.BytesIO(broken.encode("utf-8"))
    upload.name = "katalog.csv"
    count = Product.objects.count()
    response = client.post("/katalog/import/", {"file": upload, "dry_run": ""})
    assert response.status_code == 200
    errors = response.context["import_errors"]
    assert errors and errors[0].column == "unit"
    assert Product.objects.count() == count
    assert _client(alice).get("/katalog/import/").status_code == 403


def test_version_workflow_buttons(catalogue, registry, admin_user):
    from verbund.catalog.services import catalogue_version_create

    pm = user_create(actor=None, username="pm", password=None, role="product_manager", organization=registry["citeq"])
    version = catalogue_version_create(actor=None, provider=registry["citeq"], year=2027, name="Katalog 2027")
    client = _client(pm)
    # the 2026 prices stay in force in 2027, so composing finds a price for every product
    client.post(f"/katalog/versionen/{version.pk}/zusammenstellen/")
    client.post(f"/katalog/versionen/{version.pk}/vorlegen/")
    version.refresh_from_db()
    assert version.status == "proposed"
    assert (
        client.post(
            f"/katalog/versionen/{version.pk}/beschluss/", {"decision_reference": "ZA 1", "approved_on": "2026-11-01"}
        ).status_code
        == 403
    )
    _client(admin_user).post(
        f"/katalog/versionen/{version.pk}/beschluss/", {"decision_reference": "ZA-2026/11", "approved_on": "2026-11-01"}
    )
    version.refresh_from_db()
    assert (version.status, version.decision_reference) == ("approved", "ZA-2026/11")
    assert CatalogueVersion.objects.filter(status="approved").count() == 2


def test_a_member_export_never_contains_draft_prices(catalogue, alice, admin_user):
    import datetime as dt
    from decimal import Decimal

    from verbund.catalog.services import price_revision_create

    price_revision_create(
        actor=None, product=catalogue["workplace"], valid_from=dt.date(2027, 1, 1), unit_price=Decimal("9999.00")
    )
    member_csv = _client(alice).get("/katalog/export.csv?year=2027").content.decode("utf-8-sig")
    staff_csv = _client(admin_user).get("/katalog/export.csv?year=2027").content.decode("utf-8-sig")
    assert "9999" not in member_csv and "1200" in member_csv
    assert "9999" in staff_csv


def test_product_lifecycle_buttons_and_new_version(catalogue, registry, admin_user, alice):
    draft = catalogue["draft"]
    client = _client(admin_user)
    client.post(f"/katalog/produkte/{draft.pk}/status/", {"to": "proposed"})
    draft.refresh_from_db()
    assert draft.status == "proposed"
    response = client.post(f"/katalog/produkte/{draft.pk}/status/", {"to": "retired"}, follow=True)
    draft.refresh_from_db()
    assert draft.status == "proposed"  # refused: proposed cannot be retired
    assert response.status_code == 200
    assert (
        _client(alice).post(f"/katalog/produkte/{catalogue['workplace'].pk}/status/", {"to": "retired"}).status_code
        == 403
    )
    client.post("/katalog/versionen/neu/", {"year": "2027"})
    assert CatalogueVersion.objects.filter(year=2027, status="draft").exists()
    client.post("/katalog/versionen/neu/", {"year": "abc"})
    assert CatalogueVersion.objects.count() == 2
