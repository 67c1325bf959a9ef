"""A tiny workbook that declares a huge sheet is refused by the web import and the command, before reading."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from verbund.catalog.models import Product


def _huge_workbook() -> bytes:
    """5 KB: a header and one cell at XFD1048576 (read naively: every row padded to 16,384 columns)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active["A1"] = "number"
    workbook.active["XFD1048576"] = "x"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_web_import_refuses_a_huge_sheet_with_a_message(catalogue, admin_user):
    client = Client()
    client.force_login(admin_user)
    upload = io.BytesIO(_huge_workbook())
    upload.name = "katalog.xlsx"
    count = Product.objects.count()
    response = client.post("/katalog/import/", {"file": upload, "dry_run": ""})
    assert response.status_code == 200
    [error] = response.context["import_errors"]
    assert "zu groß" in error.message and "16384 Spalten (höchstens 100)" in error.message  # the page is German
    assert "zu groß" in response.content.decode()
    assert Product.objects.count() == count


def test_the_command_refuses_a_huge_sheet(catalogue, tmp_path, english):
    path = tmp_path / "katalog.xlsx"
    path.write_bytes(_huge_workbook())
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import-catalogue", str(path), stdout=io.StringIO(), stderr=err)
    assert "too large" in err.getvalue()


def test_the_catalogue_csv_export_protects_every_text_cell_and_reads_back(catalogue, admin_user):
    from verbund.catalog import spreadsheet
    from verbund.catalog.services import product_update

    product = Product.objects.get(number="AP-100")
    product_update(actor=None, product=product, sla_service_hours="=HYPERLINK(1)", name="-Arbeitsplatz")
    rows = spreadsheet.export_rows(Product.objects.order_by("number"), 2026)
    out = io.BytesIO()
    spreadsheet.write_csv(rows, out)
    text = out.getvalue().decode("utf-8-sig")
    assert ";'=HYPERLINK(1);" in text and ";'-Arbeitsplatz;" in text
    back = {row["number"]: row for _line, row in spreadsheet.read_csv(io.BytesIO(out.getvalue()))}
    assert back["AP-100"]["sla_service_hours"] == "=HYPERLINK(1)"
    assert back["AP-100"]["name"] == "-Arbeitsplatz"
