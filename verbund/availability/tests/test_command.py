"""`verbund availability-report`."""

import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command


def test_json_report_per_member(outage, registry, tmp_path):
    call_command("availability-report", "--year", "2026", "--format", "json", "--out", str(tmp_path))
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["sla-05570004-2026.json", "sla-05570044-2026.json"]
    data = json.loads((tmp_path / "sla-05570044-2026.json").read_text())
    workplace = next(p for p in data["products"] if p["product_number"] == "AP-100")
    assert Decimal(workplace["months"][1]["downtime_seconds"]) == 7200
    assert data["outage_ids"] == [outage.pk]


def test_pdf_report_of_one_member(outage, registry, tmp_path):
    call_command(
        "availability-report", "--year", "2026", "--member", "05570044", "--format", "pdf", "--out", str(tmp_path)
    )
    (pdf,) = tmp_path.iterdir()
    assert pdf.name == "sla-05570044-2026.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")


def test_unknown_member_is_refused(registry, tmp_path):
    with pytest.raises(CommandError):
        call_command("availability-report", "--year", "2026", "--member", "99", "--out", str(tmp_path))
