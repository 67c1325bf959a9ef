"""Writing CSV and Excel files that the importers read back."""

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from verbund.core.csvexport import CsvWriter, NumberText
from verbund.core.money import round_even

# ---------------------------------------------------------------- writing files the importers read back

ILLEGAL_XLSX_CHARS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
MAX_COLUMN_WIDTH = 60


def decimal_text(value: Decimal) -> NumberText:
    """Decimal comma (German Excel reads it as a number), at least two decimal places, more only where needed:
    1200.0000 → 1200,00; 0.1250 → 0,125."""
    exponent = value.normalize().as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    return NumberText(format(round_even(value, Decimal(1).scaleb(-places)), "f").replace(".", ","))


def _csv_cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, Decimal):
        return decimal_text(value)
    return value


def write_csv(rows: Iterable[Mapping[str, Any]], stream: IO[Any], columns: Sequence[str]) -> None:
    """The rows as a CSV that `read_csv` reads back (header = `columns`): German Excel's dialect, decimal comma,
    text protected against formula injection (`verbund.core.csvexport`). `stream`: binary, or text with newline=""."""
    with CsvWriter(stream) as writer:
        writer.writerow(columns)
        writer.writerows([_csv_cell(row.get(column)) for column in columns] for row in rows)


def write_xlsx(
    rows: Iterable[Mapping[str, Any]],
    path_or_stream: str | Path | IO[bytes],
    *,
    columns: Sequence[str],
    title: str,
    number_formats: Mapping[str, str],
) -> None:
    """An Excel workbook with one sheet: bold, frozen header row with a filter; numbers and dates as real cells
    (formatted by `number_formats`), text never a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    widths = [len(column) for column in columns]
    bold = Font(bold=True)
    for index, column in enumerate(columns, start=1):
        sheet.cell(row=1, column=index, value=column).font = bold
    for row_number, row in enumerate(rows, start=2):
        for index, column in enumerate(columns, start=1):
            value = row.get(column)
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                value = "ja" if value else "nein"
            elif isinstance(value, str):
                value = ILLEGAL_XLSX_CHARS.sub("", value)
            cell = sheet.cell(row=row_number, column=index, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text, never a formula
            elif column in number_formats and not isinstance(value, str):
                cell.number_format = number_formats[column]
            shown = 10 if isinstance(value, dt.date) else max(len(part) for part in str(value).split("\n"))
            widths[index - 1] = max(widths[index - 1], shown)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, MAX_COLUMN_WIDTH)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    workbook.save(path_or_stream)
