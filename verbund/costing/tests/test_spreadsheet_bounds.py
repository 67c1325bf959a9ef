"""The plan import refuses a tiny workbook that declares a huge sheet, before reading it."""

import io

import pytest
from django.core.management import CommandError, call_command

from verbund.costing import spreadsheet


def test_the_plan_import_refuses_a_huge_sheet(plan, tmp_path, english):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active["A1"] = "record"
    workbook.active["XFD1048576"] = "x"
    path = tmp_path / "plan.xlsx"
    workbook.save(path)
    with pytest.raises(spreadsheet.PlanImportError, match="too large"):
        spreadsheet.read_file(path)
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import-plan", str(plan.pk), str(path), stdout=io.StringIO(), stderr=err)
    assert "too large" in err.getvalue()
