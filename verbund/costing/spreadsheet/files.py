"""Writing a plan's figures to CSV/Excel and reading such files back into (line, {column: text}) rows."""

from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from verbund.catalog.models import Product
from verbund.core.spreadsheet import Sheet
from verbund.costing.models import PlanVersion
from verbund.costing.services import PlanFigures, plan_figures_of
from verbund.costing.spreadsheet.columns import COLUMNS, PlanImportError

# ---------------------------------------------------------------- export


def key_text(key: Sequence[tuple[str, Decimal]]) -> str:
    """(("inhabitants", 0.5), ("workstations", 0.5)) → "inhabitants=0.5;workstations=0.5"."""
    return ";".join(f"{basis}={_plain(weight)}" for basis, weight in key)


def _plain(value: Decimal) -> str:
    """A Decimal without exponent and without trailing zeros: 0.5000 → 0.5, 100 → 100."""
    return format(value.normalize(), "f")


def figures_rows(figures: PlanFigures, product_names: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """One row per record, in the order centres, cost types, costs, flows, products, mappings."""
    names = product_names or {}
    rows: list[dict[str, Any]] = []
    rows += [{"record": "centre", "code": c.code, "name": c.name, "kind": c.kind} for c in figures.centres]
    rows += [
        {"record": "cost_type", "code": t.code, "name": t.name, "variable_share": t.variable_share}
        for t in figures.cost_types
    ]
    rows += [
        {"record": "cost", "centre": c.centre, "cost_type": c.cost_type, "amount": c.amount} for c in figures.costs
    ]
    rows += [
        {"record": "flow", "provider": f.provider, "receiver": f.receiver, "quantity": f.quantity}
        for f in figures.flows
    ]
    rows += [
        {
            "record": "product",
            "product": p.product,
            "name": names.get(p.product, ""),
            "charging": p.charging,
            "planned_quantity": p.planned_quantity,
            "key": key_text(p.key),
            "carry_forward": p.carry_forward if p.carry_forward else None,
            "carry_forward_from_year": p.carry_forward_from_year if p.carry_forward else None,
            "carry_forward_years": p.carry_forward_years if p.carry_forward else None,
        }
        for p in figures.products
    ]
    rows += [
        {"record": "mapping", "centre": m.centre, "product": m.product, "quantity": m.quantity}
        for m in figures.mappings
    ]
    return rows


def export_rows(plan: PlanVersion) -> list[dict[str, Any]]:
    """The plan's figures as spreadsheet rows (values: str, Decimal, int or None), with product names."""
    figures = plan_figures_of(plan)
    names = dict(Product.objects.filter(number__in=[p.product for p in figures.products]).values_list("number", "name"))
    return figures_rows(figures, names)


NUMBER_FORMATS = {
    "amount": "#,##0.00",
    "carry_forward": "#,##0.00",
    "variable_share": "0.00##",
    "quantity": "#,##0.####",
    "planned_quantity": "#,##0.####",
    "carry_forward_from_year": "0",
    "carry_forward_years": "0",
}
# Only `record` is required in the header; a column a record needs but the file lacks reads as empty.
SHEET = Sheet(columns=COLUMNS, error=PlanImportError, required=("record",), title="Plan", number_formats=NUMBER_FORMATS)

# CSV for German Excel (`;`, decimal comma, UTF-8 with BOM, text protected against formula injection) and Excel
# (one sheet "Plan", bold frozen header row, numbers as real cells); the readers take either back.
write_csv = SHEET.write_csv
write_xlsx = SHEET.write_xlsx
read_csv = SHEET.read_csv
read_xlsx = SHEET.read_xlsx
read_file = SHEET.read_file


def write_file(rows: Sequence[Mapping[str, Any]], path: Path) -> None:
    """Write a .csv or .xlsx file by its suffix."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        write_xlsx(rows, path)
    elif suffix == ".csv":
        with path.open("wb") as stream:
            write_csv(rows, stream)
    else:
        raise ValueError(_("Give a .csv or .xlsx file, not %(name)s.") % {"name": path.name})
