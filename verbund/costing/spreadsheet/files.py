"""Writing a plan's figures to CSV/Excel and reading such files back into (line, {column: text}) rows."""

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from verbund.catalog.models import Product
from verbund.costing.models import PlanVersion
from verbund.costing.services import PlanFigures, plan_figures_of
from verbund.costing.spreadsheet.columns import (
    COLUMNS,
    CSV_DELIMITER,
    FORMULA_STARTS,
    TEXT_COLUMNS,
    PlanImportError,
    RowError,
)

_ILLEGAL_XLSX_CHARS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

# ---------------------------------------------------------------- export


def key_text(key: Sequence[tuple[str, Decimal]]) -> str:
    """(("inhabitants", 0.5), ("workstations", 0.5)) → "inhabitants=0.5;workstations=0.5"."""
    return ";".join(f"{basis}={_plain(weight)}" for basis, weight in key)


def _plain(value: Decimal) -> str:
    """A Decimal without exponent and without trailing zeros: 0.5000 → 0.5, 100 → 100."""
    return format(value.normalize(), "f")


def figures_rows(figures: PlanFigures, product_names: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """One row per record, in the order centres, cost types, costs, flows, products, mappings."""
    names = product_names or {}
    rows: list[dict[str, Any]] = []
    rows += [{"record": "centre", "code": c.code, "name": c.name, "kind": c.kind} for c in figures.centres]
    rows += [
        {"record": "cost_type", "code": t.code, "name": t.name, "variable_share": t.variable_share}
        for t in figures.cost_types
    ]
    rows += [
        {"record": "cost", "centre": c.centre, "cost_type": c.cost_type, "amount": c.amount} for c in figures.costs
    ]
    rows += [
        {"record": "flow", "provider": f.provider, "receiver": f.receiver, "quantity": f.quantity}
        for f in figures.flows
    ]
    rows += [
        {
            "record": "product",
            "product": p.product,
            "name": names.get(p.product, ""),
            "charging": p.charging,
            "planned_quantity": p.planned_quantity,
            "key": key_text(p.key),
            "carry_forward": p.carry_forward if p.carry_forward else None,
            "carry_forward_from_year": p.carry_forward_from_year if p.carry_forward else None,
            "carry_forward_years": p.carry_forward_years if p.carry_forward else None,
        }
        for p in figures.products
    ]
    rows += [
        {"record": "mapping", "centre": m.centre, "product": m.product, "quantity": m.quantity}
        for m in figures.mappings
    ]
    return rows


def export_rows(plan: PlanVersion) -> list[dict[str, Any]]:
    """The plan's figures as spreadsheet rows (values: str, Decimal, int or None), with product names."""
    figures = plan_figures_of(plan)
    names = dict(Product.objects.filter(number__in=[p.product for p in figures.products]).values_list("number", "name"))
    return figures_rows(figures, names)


def _decimal_text(value: Decimal) -> str:
    """Decimal comma (German Excel reads it as a number), at least two decimal places, more only where needed:
    5915.0000 → 5915,00; 0.1250 → 0,125."""
    exponent = value.normalize().as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    return format(value.quantize(Decimal(1).scaleb(-places)), "f").replace(".", ",")


def _csv_text(column: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if column in TEXT_COLUMNS and text.startswith(FORMULA_STARTS):
        return "'" + text  # no formula injection; the import removes the apostrophe again
    return text


def write_csv(rows: Sequence[Mapping[str, Any]], stream: IO[Any]) -> None:
    """CSV as German Excel opens it by double click: UTF-8 with BOM, `;` between cells, decimal comma. `stream`
    is a binary stream or a text stream opened with newline=""."""
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
    "amount": "#,##0.00",
    "carry_forward": "#,##0.00",
    "variable_share": "0.00##",
    "quantity": "#,##0.####",
    "planned_quantity": "#,##0.####",
    "carry_forward_from_year": "0",
    "carry_forward_years": "0",
}


def write_xlsx(rows: Sequence[Mapping[str, Any]], path_or_stream: str | Path | IO[bytes]) -> None:
    """An Excel workbook with one sheet "Plan": bold, frozen header row, numbers as real number cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Plan"
    widths = [len(column) for column in COLUMNS]
    bold = Font(bold=True)
    for index, column in enumerate(COLUMNS, start=1):
        sheet.cell(row=1, column=index, value=column).font = bold
    for row_number, row in enumerate(rows, start=2):
        for index, column in enumerate(COLUMNS, start=1):
            value = row.get(column)
            if value is None or value == "":
                continue
            if isinstance(value, str):
                value = _ILLEGAL_XLSX_CHARS.sub("", value)
            cell = sheet.cell(row=row_number, column=index, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text, never a formula
            if column in NUMBER_FORMATS and not isinstance(value, str):
                cell.number_format = NUMBER_FORMATS[column]
            widths[index - 1] = max(widths[index - 1], len(str(value)))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, 60)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    workbook.save(path_or_stream)


# ---------------------------------------------------------------- reading files


def cell_text(value: Any) -> str:
    """Any cell value (from CSV, Excel or `export_rows`) as the text the import parses."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return format(value, ".15g")  # what Excel shows, without binary noise (0.30000000000000004 → 0.3)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def rows_from_table(
    table: Sequence[tuple[int, Sequence[Any]]], *, strip_guard: bool
) -> list[tuple[int, dict[str, str]]]:
    """Map (line, cells) to (line, {column: text}) by the header in the first line; blank lines are skipped.
    Only `record` is required in the header; a column a record needs but the file lacks reads as empty."""
    errors: list[RowError] = []
    if not table:
        raise PlanImportError([RowError(1, "", _("The file is empty; the first line must name the columns."))])
    header_line, header_cells = table[0]
    header: list[str | None] = []
    seen: set[str] = set()
    for cell in header_cells:
        name = cell_text(cell).replace("\ufeff", "").strip().lower()
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
    if "record" not in seen:
        errors.append(RowError(header_line, "record", _("The column is missing.")))
    rows = []
    for line, cells in table[1:]:
        texts = [cell_text(cell) for cell in cells]
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
        raise PlanImportError(errors)
    return rows


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):  # German Excel's "CSV (Trennzeichen-getrennt)" is Windows-1252
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PlanImportError([RowError(1, "", _("The file is neither UTF-8 nor Windows-1252 text."))])


def read_csv(stream: IO[Any]) -> list[tuple[int, dict[str, str]]]:
    """Read a CSV (`;`, `,` or tab between cells, UTF-8 or Windows-1252) into (line, {column: text})."""
    content = stream.read()
    text = _decode(content) if isinstance(content, bytes) else content.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count) if first_line else CSV_DELIMITER
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return rows_from_table(list(enumerate(reader, start=1)), strip_guard=True)


def read_xlsx(path_or_stream: str | Path | IO[bytes]) -> list[tuple[int, dict[str, str]]]:
    """Read the first sheet of an Excel workbook into (line, {column: text})."""
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path_or_stream, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise PlanImportError(
            [RowError(1, "", _("The file is not an Excel workbook (.xlsx): %(error)s") % {"error": exc})]
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        table = [(line, list(cells)) for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        workbook.close()
    return rows_from_table(table, strip_guard=False)


def read_file(path: Path) -> list[tuple[int, dict[str, str]]]:
    """Read a .csv or .xlsx file by its suffix."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open("rb") as stream:
            return read_csv(stream)
    if suffix == ".xlsx":
        return read_xlsx(path)
    raise PlanImportError([RowError(1, "", _("Give a .csv or .xlsx file, not %(name)s.") % {"name": path.name})])


def write_file(rows: Sequence[Mapping[str, Any]], path: Path) -> None:
    """Write a .csv or .xlsx file by its suffix."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        write_xlsx(rows, path)
    elif suffix == ".csv":
        with path.open("wb") as stream:
            write_csv(rows, stream)
    else:
        raise ValueError(_("Give a .csv or .xlsx file, not %(name)s.") % {"name": path.name})
