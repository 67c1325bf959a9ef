"""Catalogue import and export as CSV and Excel: round trips, row-by-row validation, all-or-nothing writes."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from verbund.catalog.models import PriceRevision, Product, ProductFamily
from verbund.catalog.spreadsheet import (
    COLUMNS,
    CatalogueImportError,
    export_rows,
    import_rows,
    read_csv,
    read_xlsx,
    write_csv,
    write_xlsx,
)
from verbund.core.models import AuditEvent


def _export(year=2026):
    return export_rows(Product.objects.order_by("number"), year)


def _csv(rows):
    buffer = io.BytesIO()
    write_csv(rows, buffer)
    return buffer.getvalue()


def _read(data: bytes):
    return read_csv(io.BytesIO(data))


def _counts():
    return {
        "products": Product.objects.count(),
        "revisions": PriceRevision.objects.count(),
        "families": ProductFamily.objects.count(),
        "events": AuditEvent.objects.count(),
    }


def _snapshot():
    products = list(Product.objects.order_by("number").values())
    revisions = list(PriceRevision.objects.order_by("id").values())
    return products, revisions


def _new_row(**changes):
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        number="FV-300",
        family_code="FV",
        family_name="Fachverfahren Finanzen",
        name="Finanzsoftware",
        name_en="Finance software",
        category="specialised_procedure",
        unit="user",
        in_standard_package="nein",
        origin_provider="citeq",
        notice_period_months="6",
        price_valid_from="01.01.2026",
        unit_price="1.234,56",
        vat_treatment="taxable",
        vat_rate="19",
    )
    row.update(changes)
    return row


def _numbered(rows):
    return list(enumerate(rows, start=2))


# ---------------------------------------------------------------- export


def test_export_picks_the_price_of_the_year(catalogue):
    rows = {row["number"]: row for row in _export(2026)}
    assert set(rows) == {"AP-100", "OZ-200", "XX-900"}
    workplace = rows["AP-100"]
    assert workplace["family_code"] == "AP"
    assert workplace["family_name"] == "Arbeitsplatz"
    assert workplace["unit_price"] == Decimal("1200.00")
    assert workplace["price_valid_from"] == dt.date(2026, 1, 1)
    assert workplace["sla_target_availability"] == Decimal("99.50")
    assert rows["XX-900"]["unit_price"] is None  # a draft without a price
    assert _export(2025)[0]["unit_price"] is None  # the 2026 price is not yet in force in 2025
    # A draft price starting later in 2027 does not replace the one in force on 1 January 2027.
    from verbund.catalog.services import price_revision_create

    price_revision_create(
        actor=None, product=catalogue["workplace"], valid_from=dt.date(2027, 7, 1), unit_price=Decimal("1300")
    )
    assert {r["number"]: r for r in _export(2027)}["AP-100"]["unit_price"] == Decimal("1200.00")
    assert {r["number"]: r for r in _export(2028)}["AP-100"]["unit_price"] == Decimal("1300")


def test_csv_is_for_german_excel(catalogue):
    data = _csv(_export())
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    text = data.decode("utf-8-sig")
    header, first = text.splitlines()[:2]
    assert header == ";".join(COLUMNS)
    assert first.startswith("AP-100;AP;Arbeitsplatz;Standard-Arbeitsplatz;")
    assert ";1200,00;taxable;19,00;" in first
    assert ";2026-01-01;" in first
    assert ";99,50;" in first
    assert ";nein;" in first


# ---------------------------------------------------------------- round trips


def test_csv_round_trip_changes_nothing(catalogue):
    before_counts, before = _counts(), _snapshot()
    result = import_rows(actor=None, rows=_read(_csv(_export())))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert (result.prices_created, result.prices_updated, result.families_created) == (0, 0, 0)
    assert result.changes == []
    assert _counts() == before_counts  # no audit events either
    assert _snapshot() == before


def test_xlsx_round_trip_changes_nothing(catalogue, tmp_path):
    path = tmp_path / "katalog.xlsx"
    write_xlsx(_export(), path)

    from openpyxl import load_workbook

    sheet = load_workbook(path).active
    assert [cell.value for cell in sheet[1]] == list(COLUMNS)
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["D"].width > len("name")  # sized to "Standard-Arbeitsplatz"
    assert isinstance(sheet["Q2"].value, int | float | Decimal)  # the price is a number, not text

    before_counts, before = _counts(), _snapshot()
    rows = read_xlsx(path)
    assert rows[0][0] == 2
    assert rows[0][1]["unit_price"] == "1200"
    assert rows[0][1]["price_valid_from"] == "2026-01-01"
    result = import_rows(actor=None, rows=rows)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert _counts() == before_counts
    assert _snapshot() == before


def test_xlsx_from_a_stream(catalogue):
    buffer = io.BytesIO()
    write_xlsx([*_export(), _new_row()], buffer)
    buffer.seek(0)
    rows = read_xlsx(buffer)
    assert [line for line, _row in rows] == [2, 3, 4, 5]
    result = import_rows(actor=None, rows=rows)
    assert (result.created, result.unchanged) == (1, 3)
    assert Product.objects.get(number="FV-300").price_revisions.get().unit_price == Decimal("1234.56")


# ---------------------------------------------------------------- creating and updating


def test_new_product_row_creates_draft_product_family_and_price(catalogue, registry, admin_user):
    rows = _read(_csv([*_export(), _new_row()]))
    result = import_rows(actor=admin_user, rows=rows)
    assert (result.created, result.updated, result.unchanged) == (1, 0, 3)
    assert (result.families_created, result.prices_created) == (1, 1)
    product = Product.objects.get(number="FV-300")
    assert product.status == "draft"
    assert product.family.code == "FV" and product.family.name == "Fachverfahren Finanzen"
    assert product.origin_provider == registry["citeq"]
    assert product.notice_period_months == 6
    assert product.in_standard_package is False
    revision = product.price_revisions.get()
    assert revision.status == "draft"
    assert revision.valid_from == dt.date(2026, 1, 1)
    assert revision.unit_price == Decimal("1234.56")  # German notation
    assert revision.vat_rate == Decimal("19")
    assert AuditEvent.objects.filter(actor=admin_user).count() == 3  # family, product, price

    # The same file again: nothing changes, no events.
    events = AuditEvent.objects.count()
    again = import_rows(actor=admin_user, rows=rows)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56", Decimal("1234.56")),
        ("1234.56", Decimal("1234.56")),
        ("1234,5", Decimal("1234.5")),
        ("0,35 €", Decimal("0.35")),
        ("1 200", Decimal("1200")),
    ],
)
def test_numbers_in_german_or_dot_notation(catalogue, text, expected):
    import_rows(actor=None, rows=[(2, _new_row(unit_price=text))])
    assert Product.objects.get(number="FV-300").price_revisions.get().unit_price == expected


def test_changed_texts_update_the_product_and_are_audited(catalogue, english):
    rows = _export()
    rows[0]["name_en"] = "Standard workstation"
    rows[2]["description"] = "Beratung nach Aufwand"
    events = AuditEvent.objects.count()
    result = import_rows(actor=None, rows=_read(_csv(rows)))
    assert (result.created, result.updated, result.unchanged) == (0, 2, 1)
    assert result.changes == ["Line 2: AP-100 changed (name_en)", "Line 4: XX-900 changed (description)"]
    assert Product.objects.get(number="AP-100").name_en == "Standard workstation"
    assert AuditEvent.objects.count() == events + 2


def test_new_price_for_approved_revision_is_a_draft_correction_then_updated(catalogue):
    rows = _export()
    rows[0]["unit_price"] = Decimal("1250")
    result = import_rows(actor=None, rows=_read(_csv(rows)))
    assert (result.updated, result.prices_created) == (1, 1)
    approved = PriceRevision.objects.get(product__number="AP-100", status="approved")
    assert approved.unit_price == Decimal("1200")  # never edited
    draft = PriceRevision.objects.get(product__number="AP-100", status="draft")
    assert draft.unit_price == Decimal("1250")
    assert draft.supersedes == approved
    assert _export()[0]["unit_price"] == Decimal("1250")  # the newest revision is exported

    # The same file again changes nothing; another price updates the draft instead of adding one.
    assert import_rows(actor=None, rows=_read(_csv(rows))).unchanged == 3
    rows[0]["unit_price"] = "1260,00"
    result = import_rows(actor=None, rows=_read(_csv(rows)))
    assert (result.prices_created, result.prices_updated) == (0, 1)
    assert PriceRevision.objects.filter(product__number="AP-100").count() == 2
    draft.refresh_from_db()
    assert draft.unit_price == Decimal("1260")


def test_price_without_vat_and_a_new_start_date(catalogue):
    rows = _export()
    rows[1].update(
        price_valid_from="2027-01-01",
        unit_price="0,40",
        vat_treatment="not_taxable_2b",
        vat_rate="",
        vat_exemption_reason="§ 2b UStG",
    )
    import_rows(actor=None, rows=_read(_csv(rows)))
    revision = PriceRevision.objects.get(product__number="OZ-200", valid_from=dt.date(2027, 1, 1))
    assert (revision.status, revision.vat_rate, revision.supersedes) == ("draft", Decimal("0"), None)
    assert PriceRevision.objects.filter(product__number="OZ-200").count() == 2


def test_formula_like_text_survives_the_csv_guard(catalogue):
    rows = _export()
    rows[2]["description"] = "- Beratung\n- Umsetzung"
    rows[2]["name"] = "=Entwurf"
    data = _csv(rows)
    assert b"'=Entwurf" in data
    import_rows(actor=None, rows=_read(data))
    product = Product.objects.get(number="XX-900")
    assert product.name == "=Entwurf"
    assert product.description == "- Beratung\n- Umsetzung"
    assert import_rows(actor=None, rows=_read(_csv(_export()))).unchanged == 3


def test_reads_windows_1252_and_comma_separated_csv(catalogue):
    text = ",".join(COLUMNS) + "\r\n" + ",".join(_new_row(name="Größe", unit_price="12.50").values()) + "\r\n"
    rows = _read(text.encode("cp1252"))
    assert rows[0][1]["name"] == "Größe"
    import_rows(actor=None, rows=rows)
    assert Product.objects.get(number="FV-300").name == "Größe"


# ---------------------------------------------------------------- errors: all of them, nothing written


def test_three_bad_rows_are_all_reported_and_nothing_is_written(catalogue, english):
    rows = [
        *_export(),
        _new_row(category="software"),  # line 5
        _new_row(number="FV-301", price_valid_from="31.02.2026"),  # line 6
        _new_row(number="FV-300", unit="per user"),  # line 7: duplicate number and unknown unit
        _new_row(number="FV-302"),  # line 8: valid, but not written either
    ]
    before_counts, before = _counts(), _snapshot()
    with pytest.raises(CatalogueImportError) as caught:
        import_rows(actor=None, rows=_read(_csv(rows)))
    errors = caught.value.errors
    assert [(e.line, e.column) for e in errors] == [
        (5, "category"),
        (6, "price_valid_from"),
        (7, "number"),
        (7, "unit"),
    ]
    messages = [str(e) for e in errors]
    assert messages[0].startswith('Line 5, column category: Unknown value "software"; allowed values: consulting,')
    assert "it_concept" in messages[0]
    assert messages[1] == 'Line 6, column price_valid_from: Not a date: "31.02.2026"; write YYYY-MM-DD or DD.MM.YYYY.'
    assert messages[2] == "Line 7, column number: Product number FV-300 already appears in line 5."
    assert "per user" in messages[3] and "workstation" in messages[3]
    assert _counts() == before_counts
    assert _snapshot() == before


def test_field_errors_name_line_and_column(catalogue, english):
    rows = [
        _new_row(name="", unit_price="-1"),
        _new_row(number="FV-301", origin_provider="Telgte, Stadt", in_standard_package="vielleicht"),
        _new_row(number="FV-302", origin_provider="unbekannt", notice_period_months="2,5"),
        _new_row(number="FV-303", vat_treatment="exempt_4_29", vat_rate="19", sla_target_availability="101"),
        _new_row(number="FV-304", family_code="NEU", family_name="", unit_price="1,234.56"),
        _new_row(number="FV-305", family_code="AP", family_name="Anderer Name", price_valid_from=""),
        _new_row(number="X" * 21, unit_price="12,34567"),
    ]
    with pytest.raises(CatalogueImportError) as caught:
        import_rows(actor=None, rows=_numbered(rows))
    found = {(e.line, e.column): e.message for e in caught.value.errors}
    assert set(found) == {
        (2, "name"),
        (2, "unit_price"),
        (3, "in_standard_package"),
        (3, "origin_provider"),
        (4, "origin_provider"),
        (4, "notice_period_months"),
        (5, "sla_target_availability"),
        (5, "vat_rate"),
        (5, "vat_exemption_reason"),
        (6, "family_name"),
        (6, "unit_price"),
        (7, "family_name"),
        (7, "price_valid_from"),
        (8, "number"),
        (8, "unit_price"),
    }
    assert found[(2, "name")] == "Required; the cell is empty."
    assert found[(2, "unit_price")] == "Must not be less than 0."
    assert found[(3, "origin_provider")] == '"Telgte, Stadt" is not an IT service provider.'
    assert found[(4, "origin_provider")] == 'No organisation has the short name or AGS "unbekannt".'
    assert found[(6, "family_name")] == "The family NEU does not exist yet; give its name to create it."
    assert found[(8, "number")] == "At most 20 characters (this value has 21)."
    assert found[(8, "unit_price")] == "At most 4 decimal places."
    assert Product.objects.count() == 3


def test_changing_the_unit_of_an_approved_product_is_refused(catalogue, english):
    rows = _export()
    rows[0]["unit"] = "user"
    rows[2]["name"] = "Neuer Name"  # a valid change in another line is not written either
    before_counts, before = _counts(), _snapshot()
    with pytest.raises(CatalogueImportError) as caught:
        import_rows(actor=None, rows=_read(_csv(rows)))
    assert [str(e) for e in caught.value.errors] == [
        'Line 2, column unit: Cannot be changed once the product is approved (it is "workstation"); '
        "create a new product instead."
    ]
    assert _counts() == before_counts
    assert _snapshot() == before
    # The draft product's unit may change.
    rows = _export()
    rows[2]["unit"] = "flat"
    assert import_rows(actor=None, rows=_read(_csv(rows))).updated == 1
    assert Product.objects.get(number="XX-900").unit == "flat"


def test_header_must_have_every_column(english):
    data = b"number;name;colour\r\nAP-1;x;rot\r\n"
    with pytest.raises(CatalogueImportError) as caught:
        _read(data)
    messages = [str(e) for e in caught.value.errors]
    assert messages[0].startswith("Line 1, column colour: Unknown column; the columns are: number, family_code")
    assert "Line 1, column family_code: The column is missing." in messages
    with pytest.raises(CatalogueImportError):
        _read(b"")


def test_not_an_excel_file(tmp_path, english):
    path = tmp_path / "kaputt.xlsx"
    path.write_bytes(b"no zip")
    with pytest.raises(CatalogueImportError) as caught:
        read_xlsx(path)
    assert str(caught.value.errors[0]).startswith("Line 1: The file is not an Excel workbook (.xlsx)")


def test_dry_run_checks_everything_and_writes_nothing(catalogue):
    before_counts = _counts()
    result = import_rows(actor=None, rows=_numbered([_new_row()]), dry_run=True)
    assert (result.dry_run, result.created, result.prices_created, result.families_created) == (True, 1, 1, 1)
    assert _counts() == before_counts


# ---------------------------------------------------------------- commands


def test_export_and_import_commands(catalogue, tmp_path):
    for fmt in ("csv", "xlsx"):
        path = tmp_path / f"katalog.{fmt}"
        out = io.StringIO()
        call_command("export-catalogue", "--year", "2026", "--format", fmt, "--out", str(path), stdout=out)
        assert path.is_file()
        assert "3" in out.getvalue()
        before_counts = _counts()
        out = io.StringIO()
        call_command("import-catalogue", str(path), stdout=out)
        assert _counts() == before_counts
        assert ": 3" in out.getvalue()  # unchanged: 3 (in either language)


def test_import_command_dry_run_and_errors(catalogue, tmp_path, english):
    path = tmp_path / "neu.csv"
    path.write_bytes(_csv([*_export(), _new_row()]))
    before_counts = _counts()
    out = io.StringIO()
    call_command("import-catalogue", str(path), "--dry-run", stdout=out)
    assert "Products created: 1, changed: 0, unchanged: 3" in out.getvalue()
    assert "Dry run" in out.getvalue()
    assert _counts() == before_counts

    out = io.StringIO()
    call_command("import-catalogue", str(path), stdout=out)
    assert "Line 5: FV-300 created" in out.getvalue()
    assert Product.objects.get(number="FV-300").status == "draft"

    bad = tmp_path / "falsch.csv"
    bad.write_bytes(_csv([_new_row(number="FV-400", category="software", unit_price="abc")]))
    before_counts = _counts()
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import-catalogue", str(bad), stderr=err)
    assert "Line 2, column category: Unknown value" in err.getvalue()
    assert 'Line 2, column unit_price: Not a number: "abc"' in err.getvalue()
    assert _counts() == before_counts

    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import-catalogue", str(bad), "--dry-run", stderr=io.StringIO())
    with pytest.raises(CommandError):
        call_command("import-catalogue", str(tmp_path / "fehlt.csv"))
    other = tmp_path / "katalog.ods"
    other.write_bytes(b"x")
    with pytest.raises(CommandError):
        call_command("import-catalogue", str(other))
