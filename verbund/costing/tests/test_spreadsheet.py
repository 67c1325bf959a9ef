"""The plan spreadsheet on the `plan` fixture (RZ → AP, FV; AP-100 metered, OZ-200 shared by inhabitants)."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from verbund.core.models import AuditEvent
from verbund.costing import services, spreadsheet
from verbund.costing.models import CostCentre, MemberFee, PlannedCost, ProductPlan, ProductRate
from verbund.costing.services import plan_figures_of


def _csv_bytes(rows) -> bytes:
    stream = io.BytesIO()
    spreadsheet.write_csv(rows, stream)
    return stream.getvalue()


def _read(data: bytes):
    return spreadsheet.read_csv(io.BytesIO(data))


def _csv(text: str):
    """A hand-written file: `;` between cells, header first."""
    return spreadsheet.read_csv(io.BytesIO(text.strip().encode("utf-8")))


HEADER = "record;code;name;kind;variable_share;centre;cost_type;amount;provider;receiver;product;quantity;" + (
    "charging;planned_quantity;key;carry_forward;carry_forward_from_year;carry_forward_years"
)


def test_export_writes_one_long_table_as_german_excel_reads_it(plan):
    data = _csv_bytes(spreadsheet.export_rows(plan))
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0].split(";") == list(spreadsheet.COLUMNS)
    records = [line.split(";", 1)[0] for line in lines[1:]]
    assert (
        records == ["centre"] * 3 + ["cost_type"] * 2 + ["cost"] * 5 + ["flow"] * 2 + ["product"] * 2 + ["mapping"] * 2
    )
    assert lines[1].startswith("centre;RZ;Rechenzentrum;support")  # support centres first
    assert any(line.startswith("cost;;;;;RZ;PERS;100000,00;") for line in lines)  # decimal comma
    oz = next(line for line in lines if line.startswith("product") and "OZ-200" in line)
    assert ";shared;;inhabitants=1;" in oz and "OZG-Basisdienste" in oz


def test_round_trip_changes_nothing_and_keeps_the_results(plan, admin_user):
    services.plan_version_calculate(actor=admin_user, plan=plan)
    before_figures = plan_figures_of(plan)
    events = AuditEvent.objects.count()
    rows = _read(_csv_bytes(spreadsheet.export_rows(plan)))
    result = spreadsheet.import_rows(actor=admin_user, plan=plan, rows=rows)
    assert result.changed is False
    assert result.counts == {"centres": 3, "cost_types": 2, "costs": 5, "flows": 2, "products": 2, "mappings": 2}
    plan.refresh_from_db()
    assert plan.calculated_at is not None and ProductRate.objects.filter(plan=plan).count() == 2
    assert plan_figures_of(plan) == before_figures
    assert AuditEvent.objects.count() == events


def test_a_changed_file_replaces_the_figures_in_one_audited_step_and_drops_the_results(plan, admin_user):
    services.plan_version_calculate(actor=admin_user, plan=plan)
    rows = spreadsheet.export_rows(plan)
    for row in rows:
        if row["record"] == "cost" and (row["centre"], row["cost_type"]) == ("AP", "SACH"):
            row["amount"] = Decimal("25000.00")
    rows = [r for r in rows if not (r["record"] == "cost" and r["centre"] == "FV")]  # drop FV's cost
    rows.append({"record": "cost", "centre": "FV", "cost_type": "SACH", "amount": Decimal("35000")})
    events = AuditEvent.objects.count()
    result = spreadsheet.import_rows(actor=admin_user, plan=plan, rows=_read(_csv_bytes(rows)))
    assert result.changed is True
    plan.refresh_from_db()
    assert plan.calculated_at is None and plan.result_total is None
    assert not ProductRate.objects.filter(plan=plan).exists() and not MemberFee.objects.filter(plan=plan).exists()
    costs = {(c.centre.code, c.cost_type.code): c.amount for c in PlannedCost.objects.filter(plan=plan)}
    assert costs[("AP", "SACH")] == Decimal("25000.00") and costs[("FV", "SACH")] == Decimal("35000.00")
    assert ("FV", "PERS") not in costs
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.order_by("-id").first()
    assert event.after["costs"] == 5 and event.before["costs"] == 5
    # The new figures calculate: 150,000 + 105,000 + 35,000 = 290,000.
    services.plan_version_calculate(actor=admin_user, plan=plan)
    plan.refresh_from_db()
    assert plan.result_total == Decimal("290000.00")


def test_every_bad_line_is_reported_with_line_and_column_and_nothing_is_written(plan, admin_user):
    rows = spreadsheet.export_rows(plan)
    rows.insert(3, {"record": "kostenstelle", "code": "X"})  # line 5: unknown record type
    rows.append({"record": "cost", "centre": "AP", "cost_type": "AFA", "amount": Decimal("10")})  # unknown type
    rows.append({"record": "flow", "provider": "RZ", "receiver": "RZ", "quantity": Decimal("-5")})  # negative
    data = _csv_bytes(rows)
    before = plan_figures_of(plan)
    with pytest.raises(spreadsheet.PlanImportError) as info:
        spreadsheet.import_rows(actor=admin_user, plan=plan, rows=_read(data))
    errors = info.value.errors
    last = len(rows) + 1
    assert [(e.line, e.column) for e in errors] == [(5, "record"), (last - 1, "cost_type"), (last, "quantity")]
    assert "AFA" in errors[1].message and "PERS" in errors[1].message  # names what the file defines
    assert plan_figures_of(plan) == before


def test_references_duplicates_and_values_are_checked(plan, admin_user):
    rows = _csv(
        f"""
{HEADER}
centre;RZ;Rechenzentrum;support
centre;AP;Arbeitsplatz;end
centre;AP;Arbeitsplatz 2;end
centre;ZZ;;middle
cost_type;PERS;Personal;;1,5
cost;;;;;AP;PERS;1.234,5
cost;;;;;AP;PERS;10
flow;;;;;;;;AP;RZ;;5
product;;;;;;;;;;AP-100;;metered;150
product;;;;;;;;;;OZ-200;;shared;;inhabitants=0,6|workstations=0,3
product;;;;;;;;;;NOPE-1;;metered;
mapping;;;;;RZ;;;;;AP-100
mapping;;;;;AP;;;;;XX-900;2
product;;;;;;;;;;AP-100;;metered;150;;500;2026
"""
    )
    with pytest.raises(spreadsheet.PlanImportError) as info:
        spreadsheet.import_rows(actor=admin_user, plan=plan, rows=rows)
    found = {(e.line, e.column) for e in info.value.errors}
    assert found == {
        (4, "code"),  # AP twice
        (5, "name"),  # required
        (5, "kind"),  # unknown kind
        (6, "variable_share"),  # > 1
        (8, "cost_type"),  # AP/PERS twice
        (9, "provider"),  # an end centre serves no one
        (11, "key"),  # weights sum to 0.9
        (12, "product"),  # not in the catalogue
        (12, "planned_quantity"),  # metered without quantity
        (13, "centre"),  # support centre mapped to a product
        (14, "product"),  # no product line for XX-900
        (15, "product"),  # AP-100 twice
        (15, "carry_forward_from_year"),  # not before 2026
    }
    assert plan.cost_centres.count() == 3


def test_a_plan_that_is_not_a_draft_is_refused(plan, admin_user, english):
    services.plan_version_calculate(actor=admin_user, plan=plan)
    services.plan_version_submit(actor=admin_user, plan=plan)
    rows = spreadsheet.export_rows(plan)
    rows[0]["name"] = "Rechenzentrum neu"
    with pytest.raises(spreadsheet.PlanImportError) as info:
        spreadsheet.import_rows(actor=admin_user, plan=plan, rows=_read(_csv_bytes(rows)))
    [error] = info.value.errors
    assert (error.line, error.column) == (1, "") and "submitted" in error.message and "draft" in error.message
    assert CostCentre.objects.get(plan=plan, code="RZ").name == "Rechenzentrum"


def test_xlsx_round_trip_and_a_new_plan_from_a_file(plan, admin_user):
    stream = io.BytesIO()
    spreadsheet.write_xlsx(spreadsheet.export_rows(plan), stream)
    stream.seek(0)
    rows = spreadsheet.read_xlsx(stream)
    assert spreadsheet.import_rows(actor=admin_user, plan=plan, rows=rows).changed is False

    # The same file fills an empty draft of 2027, which then calculates like the original.
    empty = services.plan_version_create(actor=admin_user, provider=plan.provider, year=2027, name="Plan 2027")
    result = spreadsheet.import_rows(actor=admin_user, plan=empty, rows=rows)
    assert result.changed is True and empty.products.count() == 2
    assert ProductPlan.objects.get(plan=empty, product__number="OZ-200").key_weights == {"inhabitants": "1"}
    services.plan_version_calculate(actor=admin_user, plan=empty)
    empty.refresh_from_db()
    assert empty.result_total == Decimal("280000.00")


def test_dry_run_writes_nothing(plan, admin_user):
    rows = spreadsheet.export_rows(plan)
    rows[0]["name"] = "RZ neu"
    result = spreadsheet.import_rows(actor=admin_user, plan=plan, rows=_read(_csv_bytes(rows)), dry_run=True)
    assert result.changed is True and result.dry_run
    assert CostCentre.objects.get(plan=plan, code="RZ").name == "Rechenzentrum"


def test_commands_export_and_import(plan, tmp_path, capsys):
    path = tmp_path / "plan.csv"
    call_command("export-plan", str(plan.pk), "--out", str(path))
    assert "16" in capsys.readouterr().out
    call_command("import-plan", str(plan.pk), str(path))
    assert "nothing changed" in capsys.readouterr().out or plan.cost_centres.count() == 3
    xlsx = tmp_path / "plan.xlsx"
    call_command("export-plan", str(plan.pk), "--out", str(xlsx))
    call_command("import-plan", str(plan.pk), str(xlsx), "--dry-run")
    path.write_text(path.read_text(encoding="utf-8-sig").replace("100000,00", "-1"), encoding="utf-8")
    with pytest.raises(CommandError, match="1"):
        call_command("import-plan", str(plan.pk), str(path))
    assert "amount" in capsys.readouterr().err
    assert PlannedCost.objects.get(plan=plan, centre__code="RZ", cost_type__code="PERS").amount == 100000
