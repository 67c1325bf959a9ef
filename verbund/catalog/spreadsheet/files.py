"""Writing the catalogue to CSV/Excel and reading such files back into (line, cells) rows."""

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.db import models
from django.utils.translation import gettext as _

from verbund.catalog.models import PriceRevision, Product
from verbund.catalog.spreadsheet.columns import (
    _ILLEGAL_XLSX_CHARS,
    COLUMNS,
    CSV_DELIMITER,
    FORMULA_STARTS,
    TEXT_COLUMNS,
    CatalogueImportError,
    RowError,
)
from verbund.registry.models import Organization

# ---------------------------------------------------------------- export


def _revision_for_year(revisions: Sequence[PriceRevision], year: int) -> PriceRevision | None:
    """The newest revision (draft or approved) in force on 1 January of `year`, else the first starting in it."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    in_force = [r for r in revisions if r.valid_from <= start]
    if in_force:
        return max(in_force, key=lambda r: (r.valid_from, r.pk))
    starting = [r for r in revisions if start < r.valid_from <= end]
    if starting:
        return min(starting, key=lambda r: (r.valid_from, -r.pk))
    return None


def _provider_key(organization: Organization | None) -> str:
    if organization is None:
        return ""
    return organization.short_name or organization.ags or organization.name


def export_rows(
    products_queryset: "models.QuerySet[Product]",
    year: int,
    revisions_queryset: "models.QuerySet[PriceRevision] | None" = None,
) -> list[dict[str, Any]]:
    """One row per product with the price of `year`; values are str, bool, int, Decimal, date or None.

    `revisions_queryset` limits the prices considered (the web export passes what the user may see, so a
    member never gets draft prices); by default every revision counts (the command-line export for staff)."""
    revisions = revisions_queryset if revisions_queryset is not None else PriceRevision.objects.all()
    products = products_queryset.select_related("family", "origin_provider").prefetch_related(
        models.Prefetch("price_revisions", queryset=revisions)
    )
    rows = []
    for product in products:
        revision = _revision_for_year(list(product.price_revisions.all()), year)
        rows.append(
            {
                "number": product.number,
                "family_code": product.family.code,
                "family_name": product.family.name,
                "name": product.name,
                "name_en": product.name_en,
                "description": product.description,
                "description_en": product.description_en,
                "category": product.category,
                "unit": product.unit,
                "in_standard_package": product.in_standard_package,
                "origin_provider": _provider_key(product.origin_provider),
                "notice_period_months": product.notice_period_months,
                "sla_service_hours": product.sla_service_hours,
                "sla_target_availability": product.sla_target_availability,
                "sla_support_hours": product.sla_support_hours,
                "price_valid_from": revision.valid_from if revision else None,
                "unit_price": revision.unit_price if revision else None,
                "vat_treatment": revision.vat_treatment if revision else "",
                "vat_rate": revision.vat_rate if revision else None,
                "vat_exemption_reason": revision.vat_exemption_reason if revision else "",
            }
        )
    return rows


def _decimal_text(value: Decimal, separator: str = ",") -> str:
    """At least two decimal places, more only where needed: 1200.0000 → 1200,00; 0.1234 → 0,1234."""
    exponent = value.normalize().as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    return format(value.quantize(Decimal(1).scaleb(-places)), "f").replace(".", separator)


def _csv_text(column: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, Decimal):
        return _decimal_text(value)  # German Excel reads 1200,00 as a number
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if column in TEXT_COLUMNS and text.startswith(FORMULA_STARTS):
        return "'" + text  # no formula injection; the import removes the apostrophe again
    return text


def write_csv(rows: Sequence[Mapping[str, Any]], stream: IO[Any]) -> None:
    """CSV as German Excel opens it by double click: UTF-8 with BOM, `;` between cells, decimal comma.

    `stream` is a text stream (opened with newline="") or a binary one."""
    text_stream: IO[str]
    wrapper = None
    if isinstance(stream, io.TextIOBase):
        text_stream = stream  # type: ignore[assignment]
        if (getattr(stream, "encoding", None) or "").lower().replace("_", "-") != "utf-8-sig":
            text_stream.write("\ufeff")
    else:
        wrapper = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="", write_through=True)
        text_stream = wrapper
    writer = csv.writer(text_stream, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_csv_text(column, row.get(column)) for column in COLUMNS])
    if wrapper is not None:
        wrapper.flush()
        wrapper.detach()  # leave the caller's stream open


NUMBER_FORMATS = {
    "unit_price": "#,##0.00##",
    "vat_rate": "0.00",
    "sla_target_availability": "0.00",
    "price_valid_from": "DD.MM.YYYY",
    "notice_period_months": "0",
}
MAX_COLUMN_WIDTH = 60


def write_xlsx(rows: Sequence[Mapping[str, Any]], path_or_stream: str | Path | IO[bytes]) -> None:
    """An Excel workbook with one sheet: bold, frozen header row; numbers and dates as real cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Produktkatalog"
    widths = [len(column) for column in COLUMNS]
    bold = Font(bold=True)
    for index, column in enumerate(COLUMNS, start=1):
        sheet.cell(row=1, column=index, value=column).font = bold
    for row_number, row in enumerate(rows, start=2):
        for index, column in enumerate(COLUMNS, start=1):
            value = row.get(column)
            if isinstance(value, bool):
                value = "ja" if value else "nein"
            elif isinstance(value, str):
                value = _ILLEGAL_XLSX_CHARS.sub("", value)
            cell = sheet.cell(row=row_number, column=index, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text, never a formula
            if column in NUMBER_FORMATS and value is not None and value != "":
                cell.number_format = NUMBER_FORMATS[column]
            shown = 10 if isinstance(value, dt.date) else max(len(part) for part in str(value or "").split("\n"))
            widths[index - 1] = max(widths[index - 1], shown)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, MAX_COLUMN_WIDTH)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    workbook.save(path_or_stream)


# ---------------------------------------------------------------- reading files


def _cell_text(value: Any) -> str:
    """Any cell value (from CSV, Excel or `export_rows`) as the text the import parses."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, float):
        return format(value, ".15g")  # what Excel shows, without binary noise (0.30000000000000004 → 0.3)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _rows_from_table(
    table: Sequence[tuple[int, Sequence[Any]]], *, strip_guard: bool
) -> list[tuple[int, dict[str, str]]]:
    """Map (line, cells) to (line, {column: text}) by the header in the first line; blank lines are skipped."""
    errors: list[RowError] = []
    if not table:
        raise CatalogueImportError([RowError(1, "", _("The file is empty; the first line must name the columns."))])
    header_line, header_cells = table[0]
    header: list[str | None] = []
    seen: set[str] = set()
    for cell in header_cells:
        name = _cell_text(cell).replace("\ufeff", "").strip().lower()
        if not name:
            header.append(None)
            continue
        if name not in COLUMNS:
            errors.append(
                RowError(
                    header_line,
                    name,
                    _("Unknown column; the columns are: %(columns)s") % {"columns": ", ".join(COLUMNS)},
                )
            )
        elif name in seen:
            errors.append(RowError(header_line, name, _("The column appears twice.")))
        seen.add(name)
        header.append(name if name in COLUMNS else None)
    errors.extend(
        RowError(header_line, column, _("The column is missing.")) for column in COLUMNS if column not in seen
    )
    rows = []
    for line, cells in table[1:]:
        texts = [_cell_text(cell) for cell in cells]
        if not any(text.strip() for text in texts):
            continue
        row = dict.fromkeys(COLUMNS, "")
        for index, text in enumerate(texts):
            column = header[index] if index < len(header) else None
            if column is None:
                if text.strip():
                    errors.append(
                        RowError(line, "", _("Cell %(n)s has a value but no column name.") % {"n": index + 1})
                    )
                continue
            if strip_guard and column in TEXT_COLUMNS and text[:1] == "'" and text[1:].startswith(FORMULA_STARTS):
                text = text[1:]
            row[column] = text
        rows.append((line, row))
    if errors:
        raise CatalogueImportError(errors)
    return rows


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):  # German Excel's "CSV (Trennzeichen-getrennt)" is Windows-1252
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CatalogueImportError([RowError(1, "", _("The file is neither UTF-8 nor Windows-1252 text."))])


def read_csv(stream: IO[Any]) -> list[tuple[int, dict[str, str]]]:
    """Read a CSV (`;`, `,` or tab between cells, UTF-8 or Windows-1252) into (line, {column: text})."""
    content = stream.read()
    text = _decode(content) if isinstance(content, bytes) else content.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count) if first_line else CSV_DELIMITER
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    table = [(line, cells) for line, cells in enumerate(reader, start=1)]
    return _rows_from_table(table, strip_guard=True)


def read_xlsx(path_or_stream: str | Path | IO[bytes]) -> list[tuple[int, dict[str, str]]]:
    """Read the first sheet of an Excel workbook into (line, {column: text}); dates and numbers become text."""
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path_or_stream, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise CatalogueImportError(
            [RowError(1, "", _("The file is not an Excel workbook (.xlsx): %(error)s") % {"error": exc})]
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        table = [(line, list(cells)) for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        workbook.close()
    return _rows_from_table(table, strip_guard=False)
