"""The one reader of imported spreadsheets (CSV and Excel), for every importer of the platform.

An importer describes its file with a `Sheet` (the column names, which of them the header must have, the error
type it raises) and gets the data rows as `(line, {column: text})`, line numbers as the spreadsheet shows them
(the header is line 1). It then checks each row with `Cells`, whose parsers record a `RowError` (line, column,
message) and return None for a bad value, so that *every* error of a file is reported at once; only a file without
errors is written (all or nothing)::

    PRODUCTS = Sheet(columns=("number", "name", "price"), error=ProductImportError)

    rows = read_file(path, PRODUCTS)               # or read_csv(stream, ...) / read_xlsx(upload, ...)
    errors: list[RowError] = []
    for line, raw in rows:
        cells = Cells(line, raw, errors)
        number = cells.text("number", max_length=20, required=True)
        price = cells.decimal("price", places=2, max_digits=14)
    if errors:
        raise ProductImportError(errors)

Bounds: a file is refused *before* its cells are read when it has more than `Sheet.max_rows` data rows or more
than `Sheet.max_columns` cells in a row (an Excel sheet's declared size is checked first, then reading stops at
the bound), or when an Excel file unpacks to more than `MAX_XLSX_BYTES`. A 5 KB workbook with one cell at
XFD1048576 would otherwise be padded to 16,384 columns in every row and exhaust the memory.

Text cells that `verbund.core.csvexport` protected against formula injection (`'=...`) are read back without the
apostrophe. CSV files may be UTF-8 (with or without BOM) or Windows-1252 (German Excel's "CSV"), with `;`, `,` or
tab between cells.
"""

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, ClassVar

from django.db import models
from django.utils.translation import gettext as _

from verbund.core.csvexport import CsvWriter, NumberText, unprotect
from verbund.core.money import MoneyError, has_places, round_even, to_decimal

MAX_ROWS = 100_000
MAX_COLUMNS = 100
MAX_XLSX_BYTES = 200 * 1024 * 1024  # unpacked size of all parts of a workbook (a zip bomb stops here)
TRUE_WORDS = frozenset({"ja", "j", "true", "wahr", "1", "yes", "y", "x"})
FALSE_WORDS = frozenset({"nein", "n", "false", "falsch", "0", "no", ""})
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")

Row = tuple[int, dict[str, str]]

# ---------------------------------------------------------------- errors


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem of an imported file: the spreadsheet line, the column name ("" for the whole line), a message."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        if not self.column:
            return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}
        return _("Line %(line)s, column %(column)s: %(message)s") % {
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


class SpreadsheetError(ValueError):
    """The file was refused; `errors` lists every problem found, sorted by line and column. Nothing was written.

    Importers subclass it (to be caught by name) and set `columns`, the order in which a line's errors are listed."""

    columns: ClassVar[tuple[str, ...]] = ()

    def __init__(self, errors: Iterable[RowError]):
        self.errors = sorted(errors, key=self.sort_key)
        first = str(self.errors[0]) if self.errors else ""
        super().__init__(f"{len(self.errors)} error(s); first: {first}")

    @classmethod
    def sort_key(cls, error: RowError) -> tuple[Any, ...]:
        return (error.line, cls.columns.index(error.column) if error.column in cls.columns else -1)


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class Sheet:
    """What an importer expects of a file, and how its exporter writes one that reads back.

    `required`: the columns the header must name (default: all). `title` and `number_formats` (column → Excel
    number format) are for `write_xlsx`. The methods bind the module's functions to this sheet, so that an app
    exposes `read_csv = SHEET.read_csv` and so on."""

    columns: tuple[str, ...]
    error: type[SpreadsheetError] = SpreadsheetError
    required: tuple[str, ...] | None = None
    max_rows: int = MAX_ROWS
    max_columns: int = MAX_COLUMNS
    title: str = "Tabelle"
    number_formats: Mapping[str, str] = field(default_factory=dict)

    def refuse(self, message: str, line: int = 1) -> SpreadsheetError:
        return self.error([RowError(line, "", message)])

    def read_csv(self, stream: IO[Any]) -> list["Row"]:
        """Read a CSV (`;`, `,` or tab between cells, UTF-8 or Windows-1252) into (line, {column: text})."""
        return read_csv(stream, self)

    def read_xlsx(self, path_or_stream: str | Path | IO[bytes]) -> list["Row"]:
        """Read the first sheet of an Excel workbook into (line, {column: text})."""
        return read_xlsx(path_or_stream, self)

    def read_file(self, path: Path) -> list["Row"]:
        """Read a .csv or .xlsx file by its suffix."""
        return read_file(path, self)

    def write_csv(self, rows: Iterable[Mapping[str, Any]], stream: IO[Any]) -> None:
        """A CSV for German Excel (BOM, `;`, decimal comma), text protected; `read_csv` reads it back."""
        write_csv(rows, stream, self.columns)

    def write_xlsx(self, rows: Iterable[Mapping[str, Any]], path_or_stream: str | Path | IO[bytes]) -> None:
        """A workbook with one sheet named `title`; `read_xlsx` reads it back."""
        write_xlsx(rows, path_or_stream, columns=self.columns, title=self.title, number_formats=self.number_formats)


def cell_text(value: Any) -> str:
    """Any cell value (from CSV, Excel or an exporter's rows) as the text the parsers read."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, float):
        return format(value, ".15g")  # what Excel shows, without binary noise (0.30000000000000004 → 0.3)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def rows_from_table(table: Iterable[tuple[int, Sequence[Any]]], sheet: Sheet, *, unguard: bool) -> list[Row]:
    """Map (line, cells) to (line, {column: text}) by the header in the first line; blank lines are skipped.

    A column the header lacks reads as empty (the header must name `sheet.required`). With `unguard` the
    apostrophe of a formula-protected text cell (CSV export) is removed."""
    errors: list[RowError] = []
    iterator = iter(table)
    first = next(iterator, None)
    if first is None:
        raise sheet.refuse(_("The file is empty; the first line must name the columns."))
    header_line, header_cells = first
    header: list[str | None] = []
    seen: set[str] = set()
    for cell in header_cells:
        name = cell_text(cell).replace("\ufeff", "").strip().lower()
        if not name:
            header.append(None)
            continue
        if name not in sheet.columns:
            errors.append(
                RowError(
                    header_line,
                    name,
                    _("Unknown column; the columns are: %(columns)s") % {"columns": ", ".join(sheet.columns)},
                )
            )
        elif name in seen:
            errors.append(RowError(header_line, name, _("The column appears twice.")))
        seen.add(name)
        header.append(name if name in sheet.columns else None)
    required = sheet.columns if sheet.required is None else sheet.required
    errors.extend(
        RowError(header_line, column, _("The column is missing.")) for column in required if column not in seen
    )
    rows = []
    for line, cells in iterator:
        texts = [cell_text(cell) for cell in cells]
        if not any(text.strip() for text in texts):
            continue
        row = dict.fromkeys(sheet.columns, "")
        for index, text in enumerate(texts):
            column = header[index] if index < len(header) else None
            if column is None:
                if text.strip():
                    errors.append(
                        RowError(line, "", _("Cell %(n)s has a value but no column name.") % {"n": index + 1})
                    )
                continue
            row[column] = unprotect(text) if unguard else text
        rows.append((line, row))
    if errors:
        raise sheet.error(errors)
    return rows


def _too_large(sheet: Sheet, rows: int | None, columns: int | None) -> SpreadsheetError:
    parts = []
    if rows is not None and rows > sheet.max_rows + 1:
        parts.append(
            _("%(rows)s lines (at most %(max)s data lines and the header)") % {"rows": rows, "max": sheet.max_rows}
        )
    if columns is not None and columns > sheet.max_columns:
        parts.append(_("%(columns)s columns (at most %(max)s)") % {"columns": columns, "max": sheet.max_columns})
    return sheet.refuse(
        _("The file is too large: %(size)s. Remove empty rows and columns or split the file.")
        % {"size": "; ".join(parts)}
    )


def _bounded(table: Iterable[tuple[int, Sequence[Any]]], sheet: Sheet) -> Iterable[tuple[int, Sequence[Any]]]:
    """Pass the rows on; refuse a row past `max_rows` data rows or with a value past `max_columns` cells."""
    for line, cells in table:
        if cells.count(None) == len(cells):
            continue  # an empty row (an Excel sheet pads missing rows with them); blank lines are skipped anyway
        if line > sheet.max_rows + 1:
            if any(cell_text(cell).strip() for cell in cells):
                raise _too_large(sheet, line, None)
            continue
        if len(cells) > sheet.max_columns and any(cell_text(cell).strip() for cell in cells[sheet.max_columns :]):
            raise _too_large(sheet, None, len(cells))
        yield line, cells[: sheet.max_columns]


def _decode(data: bytes, sheet: Sheet) -> str:
    for encoding in ("utf-8-sig", "cp1252"):  # German Excel's "CSV (Trennzeichen-getrennt)" is Windows-1252
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise sheet.refuse(_("The file is neither UTF-8 nor Windows-1252 text."))


def read_csv(stream: IO[Any], sheet: Sheet) -> list[Row]:
    """Read a CSV (`;`, `,` or tab between cells, UTF-8 or Windows-1252) into (line, {column: text})."""
    content = stream.read()
    text = _decode(content, sheet) if isinstance(content, bytes) else content.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count) if first_line else ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return rows_from_table(_bounded(enumerate(reader, start=1), sheet), sheet, unguard=True)
    except csv.Error as exc:
        raise sheet.refuse(
            _("The file is not readable as CSV: %(error)s") % {"error": exc}, line=reader.line_num
        ) from exc


def _check_unpacked_size(path_or_stream: str | Path | IO[bytes], sheet: Sheet) -> None:
    try:
        with zipfile.ZipFile(path_or_stream) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        return  # openpyxl reports a file that is not a workbook
    finally:
        if hasattr(path_or_stream, "seek"):
            path_or_stream.seek(0)
    if unpacked > MAX_XLSX_BYTES:
        raise sheet.refuse(
            _("The workbook unpacks to %(size)s MB, more than %(max)s MB.")
            % {"size": unpacked // 2**20, "max": MAX_XLSX_BYTES // 2**20}
        )


def read_xlsx(path_or_stream: str | Path | IO[bytes], sheet: Sheet) -> list[Row]:
    """Read the first sheet of an Excel workbook into (line, {column: text}); dates and numbers become text."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _check_unpacked_size(path_or_stream, sheet)
    try:
        workbook = load_workbook(path_or_stream, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise sheet.refuse(_("The file is not an Excel workbook (.xlsx): %(error)s") % {"error": exc}) from exc
    try:
        worksheet = workbook.worksheets[0]
        # The size the file declares (its <dimension>), before a cell is read.
        declared_rows, declared_columns = worksheet.max_row, worksheet.max_column
        if (declared_rows or 0) > sheet.max_rows + 1 or (declared_columns or 0) > sheet.max_columns:
            raise _too_large(sheet, declared_rows, declared_columns)
        # A file may declare no size or a wrong one: read one row and one column past the bounds, no more.
        cells = worksheet.iter_rows(max_row=sheet.max_rows + 2, max_col=sheet.max_columns + 1, values_only=True)
        table = list(_bounded(enumerate(cells, start=1), sheet))
    finally:
        workbook.close()
    return rows_from_table(table, sheet, unguard=False)


def read_file(path: Path, sheet: Sheet) -> list[Row]:
    """Read a .csv or .xlsx file by its suffix."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open("rb") as stream:
            return read_csv(stream, sheet)
    if suffix == ".xlsx":
        return read_xlsx(path, sheet)
    raise sheet.refuse(_("Give a .csv or .xlsx file, not %(name)s.") % {"name": path.name})


# ---------------------------------------------------------------- cell parsers


class Cells:
    """One row's cells with parsers that record a `RowError` and return None for a bad value.

    Empty cells: `text` returns "", the others None (or their `default`); `required=True` makes an empty cell an
    error. Numbers may be written 1234.56, 1.234,56 or 1234,56 (German), with € or %."""

    def __init__(self, line: int, raw: Mapping[str, Any], errors: list[RowError]):
        self.line = line
        self.raw = raw
        self.errors = errors

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.line, column, message))

    def get(self, column: str) -> str:
        """The cell as stripped text ("" when empty or absent)."""
        return cell_text(self.raw.get(column)).strip()

    def text(self, column: str, *, max_length: int, required: bool = False) -> str:
        """The text (also when it is too long, so that later checks can name it); the error is recorded."""
        value = self.get(column)
        if required and not value:
            self.error(column, _("Required; the cell is empty."))
        elif len(value) > max_length:
            self.error(
                column,
                _("At most %(max)s characters (this value has %(length)s).")
                % {"max": max_length, "length": len(value)},
            )
        return value

    def choice(self, column: str, choices: type[models.TextChoices], *, default: str | None = None) -> str | None:
        value = self.get(column).lower()
        allowed = ", ".join(str(v) for v in choices.values)
        if not value:
            if default is not None:
                return default
            self.error(column, _("Required; the cell is empty. Allowed values: %(allowed)s") % {"allowed": allowed})
            return None
        if value not in choices.values:
            self.error(
                column,
                _('Unknown value "%(value)s"; allowed values: %(allowed)s')
                % {"value": self.get(column), "allowed": allowed},
            )
            return None
        return value

    def boolean(self, column: str) -> bool | None:
        """ja/nein (also true/false, 1/0, x); empty is no."""
        value = self.get(column).lower()
        if value in TRUE_WORDS:
            return True
        if value in FALSE_WORDS:
            return False
        self.error(column, _('Write ja or nein (also true/false, 1/0), not "%(value)s".') % {"value": self.get(column)})
        return None

    def decimal(
        self,
        column: str,
        *,
        places: int,
        max_digits: int,
        minimum: Decimal | None = Decimal(0),
        maximum: Decimal | None = None,
        required: bool = False,
    ) -> Decimal | None:
        text = self.get(column).replace("€", "").replace("%", "").strip()
        if not text:
            if required:
                self.error(column, _("Required; the cell is empty."))
            return None
        return self.number(column, text, places=places, max_digits=max_digits, minimum=minimum, maximum=maximum)

    def number(
        self,
        column: str,
        text: str,
        *,
        places: int,
        max_digits: int,
        minimum: Decimal | None,
        maximum: Decimal | None,
    ) -> Decimal | None:
        """Parse `text` (part of a cell) as a number with at most `max_digits` digits, `places` of them decimals."""
        if "," in text and "." in text and text.rfind(".") > text.rfind(","):
            self.error(column, _('Write the number as 1234.56 or 1.234,56, not "%(value)s".') % {"value": text})
            return None
        try:
            value = to_decimal(text)
        except MoneyError:
            self.error(column, _('Not a number: "%(value)s"') % {"value": text})
            return None
        if abs(value) >= Decimal(10) ** (max_digits - places):
            self.error(
                column,
                _("Too large: at most %(digits)s digits before the decimal point.") % {"digits": max_digits - places},
            )
            return None
        if not has_places(value, Decimal(1).scaleb(-places)):
            self.error(column, _("At most %(places)s decimal places.") % {"places": places})
            return None
        return self._in_range(column, value, minimum, maximum)

    def integer(self, column: str, *, minimum: int, maximum: int, default: int | None = None) -> int | None:
        text = self.get(column)
        if not text:
            return default
        try:
            value = to_decimal(text)
        except MoneyError:
            value = None
        if value is None or value != value.to_integral_value():
            self.error(column, _('Not a whole number: "%(value)s"') % {"value": text})
            return None
        if not minimum <= value <= maximum:
            self.error(column, _("Must be between %(min)s and %(max)s.") % {"min": minimum, "max": maximum})
            return None
        return int(value)

    def date(self, column: str) -> dt.date | None:
        """YYYY-MM-DD or DD.MM.YYYY (a time after the date, as spreadsheets write it, is ignored)."""
        text = self.get(column)
        if not text:
            return None
        text = text.split(" ")[0].split("T")[0]
        match = _ISO_DATE.fullmatch(text)
        parts = (match.group(1), match.group(2), match.group(3)) if match else None
        if parts is None and (german := _GERMAN_DATE.fullmatch(text)):
            parts = (german.group(3), german.group(2), german.group(1))
        try:
            if parts is None:
                raise ValueError(text)
            return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
        except ValueError:
            self.error(
                column,
                _('Not a date: "%(value)s"; write YYYY-MM-DD or DD.MM.YYYY.') % {"value": self.get(column)},
            )
            return None

    def _in_range(
        self, column: str, value: Decimal, minimum: Decimal | None, maximum: Decimal | None
    ) -> Decimal | None:
        if minimum is not None and maximum is not None and not minimum <= value <= maximum:
            self.error(column, _("Must be between %(min)s and %(max)s.") % {"min": minimum, "max": maximum})
        elif minimum is not None and value < minimum:
            self.error(column, _("Must not be less than %(min)s.") % {"min": minimum})
        elif maximum is not None and value > maximum:
            self.error(column, _("Must not be more than %(max)s.") % {"max": maximum})
        else:
            return value
        return None


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
