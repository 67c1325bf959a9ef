"""`verbund controlling-report --year YYYY --out DIR` writes the PDF and the CSV."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from verbund.controlling import services
from verbund.controlling.tests.conftest import kpi_of


def test_command_writes_pdf_and_csv_of_the_draft(contract, admin_user, tmp_path):
    services.measurement_enter(
        actor=admin_user,
        kpi=kpi_of(contract, "POSTS"),
        year=2025,
        value=Decimal(95),
        evidence=services.Evidence(text="Statistik"),
    )
    call_command("controlling-report", "--year", "2025", "--out", str(tmp_path))
    reader = PdfReader(tmp_path / "managementkontrakt-entwurf-2025.pdf")
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged (PDF/UA): headings and table headers
    assert "Managementkontrakt Telgte" in reader.pages[0].extract_text()
    csv = (tmp_path / "managementkontrakt-entwurf-2025.csv").read_text("utf-8-sig")
    assert "POSTS" in csv and ";95;" in csv


def test_command_refuses_a_year_without_contract(db, tmp_path):
    with pytest.raises(CommandError):
        call_command("controlling-report", "--year", "2031", "--out", str(tmp_path))
