"""Reading CSV and Excel files within bounds: `Sheet`, the row errors, `read_csv`, `read_xlsx`, `read_file`."""

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

from django.utils.translation import gettext as _

from verbund.core.csvexport import unprotect

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
        from verbund.core.spreadsheet.writing import write_csv  # writing builds on this module

        write_csv(rows, stream, self.columns)

    def write_xlsx(self, rows: Iterable[Mapping[str, Any]], path_or_stream: str | Path | IO[bytes]) -> None:
        """A workbook with one sheet named `title`; `read_xlsx` reads it back."""
        from verbund.core.spreadsheet.writing import write_xlsx  # writing builds on this module

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
