"""The one CSV writer of every export: German Excel's dialect and protection against formula injection.

Every CSV the platform writes (catalogue, plan, contract folder, member fees, ...) goes through `CsvWriter`, so
that no export can forget the protection (a test greps the code base for other `csv.writer` uses).

Dialect: UTF-8 with a byte-order mark (Excel detects UTF-8 only with it), `;` between cells (German Excel opens
such a file by double click), CRLF line ends.

Formula injection (CWE-1236): a spreadsheet program runs a cell that starts with `=`, `+`, `-`, `@` (and, in some
programs, a tab or carriage return) as a formula, e.g. `=HYPERLINK(...)` or `=cmd|...`. Text cells that start with
one of these characters get a leading apostrophe, which spreadsheet programs read as "this is text" and the
importers (`verbund.core.spreadsheet`) remove again.

Which cells are protected: **text only**. A cell passed as a number (`int`, `Decimal`, `float`) is written as it
is, so that a negative amount stays a number that sums in the spreadsheet (`-12.50`). A number formatted by the
caller (e.g. with a decimal comma for German Excel, `-1200,00`) is passed as `NumberText("-1200,00")`, which
accepts only a plain decimal number and so can never carry a formula.
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from decimal import Decimal
from types import TracebackType
from typing import IO, Any

DELIMITER = ";"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"

_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")

Cell = str | int | float | Decimal | dt.date | None


class NumberText(str):
    """A number already formatted as text (`1200,00`, `-5,5`): written without protection. Anything but an
    optional minus, digits and one decimal separator is refused, so that this type cannot smuggle a formula."""

    __slots__ = ()

    def __new__(cls, text: str) -> "NumberText":
        if not _NUMBER.fullmatch(text):
            raise ValueError(f"not a plain decimal number: {text!r}")
        return super().__new__(cls, text)


def protect(text: str) -> str:
    """A text cell as it is safe to write: with a leading apostrophe if a spreadsheet would run it as a formula."""
    return GUARD + text if text.startswith(FORMULA_STARTS) else text


def unprotect(text: str) -> str:
    """The reverse of `protect` for an importer: drops the apostrophe that `protect` added, nothing else."""
    if text[:1] == GUARD and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def cell_text(value: Cell | object) -> str:
    """One cell as written: None is empty, dates ISO, numbers as they are; anything else is text, protected."""
    if value is None:
        return ""
    if isinstance(value, NumberText):
        return str(value)
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return protect(str(value))  # str, a lazy translation, a choice label, ...


class CsvWriter:
    """Writes rows to `stream`: a binary stream, a text stream opened with newline="", or an HttpResponse.

    Use it as a context manager (or call `close()`) with a binary stream, so that the stream is left open::

        with CsvWriter(response) as writer:
            writer.writerow([_("Product"), _("Fee (EUR)")])
            writer.writerows((line.name, line.fee) for line in lines)
    """

    def __init__(self, stream: Any, *, bom: bool = True) -> None:
        self._wrapper: io.TextIOWrapper | None = None
        text_stream: IO[str]
        if isinstance(stream, io.RawIOBase | io.BufferedIOBase):
            binary: Any = stream
            encoding = "utf-8-sig" if bom else "utf-8"
            self._wrapper = io.TextIOWrapper(binary, encoding=encoding, newline="", write_through=True)
            text_stream = self._wrapper
        else:
            text_stream = stream
            encoding = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
            if bom and encoding != "utf-8-sig":
                text_stream.write("\ufeff")
        self._writer = csv.writer(text_stream, delimiter=DELIMITER, lineterminator="\r\n")

    def writerow(self, cells: Iterable[Cell | object]) -> None:
        self._writer.writerow([cell_text(cell) for cell in cells])

    def writerows(self, rows: Iterable[Iterable[Cell | object]]) -> None:
        for row in rows:
            self.writerow(row)

    def close(self) -> None:
        if self._wrapper is not None:
            self._wrapper.flush()
            self._wrapper.detach()  # leave the caller's stream open
            self._wrapper = None

    def __enter__(self) -> "CsvWriter":
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()
