"""The shared spreadsheet reader: bounds before reading, header, guard, cell parsers."""

import io
import re
import zipfile
from decimal import Decimal

import pytest

from verbund.core import spreadsheet
from verbund.core.spreadsheet import Cells, RowError, Sheet, SpreadsheetError

pytestmark = pytest.mark.usefixtures("english")  # tests match message text

SMALL = Sheet(columns=("number", "name", "price"), max_rows=3, max_columns=5)


def _xlsx(cells, *, dimension=None):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for ref, value in cells.items():
        sheet[ref] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    if dimension is None:
        buffer.seek(0)
        return buffer
    # A file that declares a wrong size (openpyxl writes the true one; other programs may not).
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{dimension}"/>'.encode(), data)
            target.writestr(info, data)
    out.seek(0)
    return out


def test_one_cell_at_xfd1048576_is_refused_before_a_row_is_read():
    """5 KB on disk; read naively, every row would be padded to 16,384 columns."""
    workbook = _xlsx({"A1": "number", "B1": "name", "XFD1048576": "x"})
    assert len(workbook.getvalue()) < 10_000
    with pytest.raises(SpreadsheetError, match="too large") as info:
        spreadsheet.read_xlsx(workbook, Sheet(columns=("number", "name")))
    [error] = info.value.errors
    assert "16384 columns (at most 100)" in error.message and "1048576 lines" in error.message


@pytest.mark.parametrize(("far_cell", "expected"), [("F2", "columns"), ("A5", "lines")])
def test_a_workbook_that_declares_a_wrong_size_is_still_bounded(far_cell, expected):
    workbook = _xlsx({"A1": "number", "B1": "name", "C1": "price", far_cell: "x"}, dimension="A1:C1")
    with pytest.raises(SpreadsheetError, match=f"too large: .*{expected}"):
        spreadsheet.read_xlsx(workbook, SMALL)


def test_a_workbook_within_the_bounds_is_read():
    workbook = _xlsx({"A1": "number", "B1": "name", "C1": "price", "A4": "AP-1", "C4": 12.5})
    assert spreadsheet.read_xlsx(workbook, SMALL) == [(4, {"number": "AP-1", "name": "", "price": "12.5"})]


def test_csv_rows_and_columns_are_bounded():
    header = "number;name;price\r\n"
    with pytest.raises(SpreadsheetError, match="too large: 5 lines"):
        spreadsheet.read_csv(io.BytesIO((header + "1;a;2\r\n" * 4).encode()), SMALL)
    assert len(spreadsheet.read_csv(io.BytesIO((header + "1;a;2\r\n" * 3).encode()), SMALL)) == 3
    with pytest.raises(SpreadsheetError, match="too large: 16384 columns"):
        spreadsheet.read_csv(io.BytesIO((header + "1" + ";" * 16383 + "x\r\n").encode()), SMALL)


def test_a_csv_cell_over_the_csv_modules_limit_is_a_clear_error_not_a_crash():
    with pytest.raises(SpreadsheetError, match="not readable as CSV"):
        spreadsheet.read_csv(io.BytesIO(b'number;name;price\r\n1;"' + b"x" * 200_000 + b'";2\r\n'), SMALL)


def test_header_errors_and_protected_text(english):
    with pytest.raises(SpreadsheetError) as info:
        spreadsheet.read_csv(io.BytesIO(b"number;colour;number\r\n"), SMALL)
    assert [(e.column, e.message) for e in info.value.errors][:2] == [
        ("colour", "Unknown column; the columns are: number, name, price"),
        ("number", "The column appears twice."),
    ]
    rows = spreadsheet.read_csv(io.BytesIO(b"number;name;price\r\n1;'=SUM(A1);-5,00\r\n"), SMALL)
    assert rows == [(2, {"number": "1", "name": "=SUM(A1)", "price": "-5,00"})]


def test_cell_parsers_record_every_error_with_line_and_column(english):
    errors: list[RowError] = []
    cells = Cells(7, {"a": "1.234,56 €", "b": "12,345", "c": "31.02.2026", "d": "vielleicht", "e": "x" * 5}, errors)
    assert cells.decimal("a", places=2, max_digits=14) == Decimal("1234.56")
    assert cells.decimal("b", places=2, max_digits=14) is None
    assert cells.date("c") is None
    assert cells.boolean("d") is None
    assert cells.text("e", max_length=4) == "xxxxx"
    assert cells.integer("missing", minimum=0, maximum=9, default=3) == 3
    assert [(e.line, e.column) for e in errors] == [(7, "b"), (7, "c"), (7, "d"), (7, "e")]
