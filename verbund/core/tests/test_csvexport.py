"""The one CSV writer: dialect, formula-injection protection of text cells, numbers left usable."""

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest

from verbund.core.csvexport import CsvWriter, NumberText, cell_text, protect, unprotect

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_that_a_spreadsheet_would_run_is_protected_and_read_back(start):
    text = f'{start}HYPERLINK("http://x")'
    assert cell_text(text) == "'" + text
    assert unprotect(protect(text)) == text
    assert unprotect("'plain") == "'plain"  # only the apostrophe that protect() added is removed


def test_numbers_stay_numbers_and_formatted_numbers_must_be_numbers():
    assert cell_text(Decimal("-12.50")) == "-12.50"
    assert cell_text(-3) == "-3"
    assert cell_text(NumberText("-1200,00")) == "-1200,00"
    assert cell_text(dt.date(2026, 1, 5)) == "2026-01-05"
    assert cell_text(None) == ""
    assert cell_text("-12.50") == "'-12.50"  # text is text, even when it looks like a number
    with pytest.raises(ValueError, match="not a plain decimal number"):
        NumberText("=1+1")


def test_the_dialect_for_binary_and_text_streams():
    binary = io.BytesIO()
    with CsvWriter(binary) as writer:
        writer.writerow(["Produkt", "Betrag"])
        writer.writerow(["=cmd|' /C calc'!A0", Decimal("-5.00")])
    assert binary.getvalue().decode("utf-8") == "\ufeffProdukt;Betrag\r\n'=cmd|' /C calc'!A0;-5.00\r\n"
    assert not binary.closed
    text = io.StringIO(newline="")
    CsvWriter(text).writerow(["@SUM(A1)"])
    assert text.getvalue() == "\ufeff'@SUM(A1)\r\n"


def test_no_csv_is_written_past_the_shared_writer():
    """Every export goes through CsvWriter, so none can forget the protection."""
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "verbund").rglob("*.py"))
        if "tests" not in path.parts and path.name != "csvexport.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"\bcsv\.(writer|DictWriter)\b", line)
    ]
    assert len(list((ROOT / "verbund").rglob("views.py"))) > 5  # the scan does see the code base
    assert offenders == []
