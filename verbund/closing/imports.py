"""The files of actual figures (CSV with `;`, `,` or tab, UTF-8 or Windows-1252, or Excel), read through
`core.spreadsheet`. Formats: docs/closing-import-format.md.

Every line is checked first against the plan of the closing (codes of cost centres, cost types, products; the
member's AGS; duplicates; numbers); *all* problems are reported as (line, column, message) and nothing is
written unless the whole file is clean. The parsed figures go to the replacing services in `closing.services`.
"""

import csv
import io
import re
from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import gettext as _

from verbund.closing.choices import BusinessPlanPart
from verbund.closing.models import Closing
from verbund.core.spreadsheet import Cells, RowError, Sheet, SpreadsheetError
from verbund.costing.choices import CentreKind, Charging
from verbund.costing.models import CostCentre, CostType, ProductPlan
from verbund.costing.selectors import plan_members

Row = tuple[int, dict[str, str]]
MAX_USAGE_ROWS = 2_000_000
PERIOD = re.compile(r"(\d{4})(?:-(0[1-9]|1[0-2])|-Q([1-4]))?")
PLAIN_QUANTITY = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,4})?")  # fits 16 digits with 4 places, as written


class ActualsImportError(SpreadsheetError):
    """The file was refused; `errors` lists every problem (line, column, message). Nothing was written."""


COSTS = Sheet(
    columns=("cost_centre", "cost_type", "amount", "name"),
    required=("cost_centre", "cost_type", "amount"),
    error=ActualsImportError,
    title="Istkosten",
)
FLOWS = Sheet(columns=("provider", "receiver", "quantity"), error=ActualsImportError, title="Leistungsmengen")
USAGE = Sheet(
    columns=("ags", "product", "period", "quantity"),
    error=ActualsImportError,
    title="Verbrauch",
    max_rows=MAX_USAGE_ROWS,
)
BUSINESS_PLAN = Sheet(
    columns=("part", "code", "label", "planned", "actual"),
    required=("part", "code", "label", "planned"),
    error=ActualsImportError,
    title="Wirtschaftsplan",
)
SHEETS = {"costs": COSTS, "flows": FLOWS, "usage": USAGE, "business_plan": BUSINESS_PLAN}


def _refuse(errors: list[RowError]) -> None:
    if errors:
        raise ActualsImportError(errors)


def _duplicate(cells: Cells, seen: dict[object, int], key: object, column: str) -> bool:
    if key in seen:
        cells.error(column, _("Given twice (first in line %(line)s).") % {"line": seen[key]})
        return True
    seen[key] = cells.line
    return False


def parse_costs(closing: Closing, rows: Sequence[Row]) -> dict[tuple[str, str], Decimal]:
    """(cost centre code, cost type code) → actual amount in EUR (cents, not negative)."""
    centres = set(CostCentre.objects.filter(plan_id=closing.plan_id).values_list("code", flat=True))
    types = set(CostType.objects.filter(plan_id=closing.plan_id).values_list("code", flat=True))
    errors: list[RowError] = []
    seen: dict[object, int] = {}
    figures: dict[tuple[str, str], Decimal] = {}
    for line, raw in rows:
        cells = Cells(line, raw, errors)
        centre = cells.text("cost_centre", max_length=20, required=True)
        cost_type = cells.text("cost_type", max_length=20, required=True)
        amount = cells.decimal("amount", places=2, max_digits=14, required=True)
        if centre and centre not in centres:
            cells.error("cost_centre", _("No cost centre %(code)s in the plan.") % {"code": centre})
            continue
        if cost_type and cost_type not in types:
            cells.error("cost_type", _("No cost type %(code)s in the plan.") % {"code": cost_type})
            continue
        if not centre or not cost_type or amount is None:
            continue
        if not _duplicate(cells, seen, (centre, cost_type), "cost_type"):
            figures[(centre, cost_type)] = amount
    _refuse(errors)
    return figures


def parse_flows(closing: Closing, rows: Sequence[Row]) -> dict[tuple[str, str], Decimal]:
    """(support centre code, receiving centre code) → actual service quantity."""
    kinds = dict(CostCentre.objects.filter(plan_id=closing.plan_id).values_list("code", "kind"))
    errors: list[RowError] = []
    seen: dict[object, int] = {}
    figures: dict[tuple[str, str], Decimal] = {}
    for line, raw in rows:
        cells = Cells(line, raw, errors)
        provider = cells.text("provider", max_length=20, required=True)
        receiver = cells.text("receiver", max_length=20, required=True)
        quantity = cells.decimal("quantity", places=4, max_digits=16, required=True)
        if provider and kinds.get(provider) != CentreKind.SUPPORT:
            cells.error("provider", _("No support cost centre %(code)s in the plan.") % {"code": provider})
            continue
        if receiver and receiver not in kinds:
            cells.error("receiver", _("No cost centre %(code)s in the plan.") % {"code": receiver})
            continue
        if receiver and receiver == provider:
            cells.error("receiver", _("A cost centre cannot serve itself."))
            continue
        if not provider or not receiver or quantity is None:
            continue
        if not _duplicate(cells, seen, (provider, receiver), "receiver"):
            figures[(provider, receiver)] = quantity
    _refuse(errors)
    return figures


def period_problem(text: str, year: int) -> str | None:
    match = PERIOD.fullmatch(text)
    if match is None:
        return _('Write the period as %(year)s, %(year)s-03 or %(year)s-Q1, not "%(value)s".') % {
            "year": year,
            "value": text,
        }
    if int(match.group(1)) != year:
        return _("The period must lie in %(year)s.") % {"year": year}
    return None


def read_usage_csv(data: bytes) -> list[Row]:
    """The rows of a usage CSV, as `USAGE.read_csv` gives them. A plain file (no quotes, apostrophes, carriage
    returns or NUL, the header naming exactly the four columns, every line with four cells or blank) is split
    directly, which is several times faster for 2 million lines (issue #18); any other file, and every problem
    (too many lines, unknown columns, stray cells), goes through `core.spreadsheet` with its messages."""
    fallback = lambda: USAGE.read_csv(io.BytesIO(data))  # noqa: E731
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return fallback()
    if any(mark in text for mark in ('"', "'", "\r", "\x00")):
        return fallback()
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # the newline that ends the last line
    delimiter = max((";", ",", "\t"), key=lines[0].count) if lines and lines[0] else ";"
    header = [cell.strip().lower() for cell in lines[0].split(delimiter)] if lines else []
    width = len(header)
    if sorted(header) != sorted(USAGE.columns) or len(lines) > USAGE.max_rows + 1:
        return fallback()
    limit = csv.field_size_limit()
    rows: list[Row] = []
    append = rows.append
    for number, line in enumerate(lines[1:], start=2):
        cells = line.split(delimiter)
        if len(cells) == width and len(line) <= limit:
            if cells[0].strip() or any(cell.strip() for cell in cells):  # a line of empty cells is skipped
                append((number, dict(zip(header, cells, strict=True))))
        elif line.strip():
            return fallback()  # too few or too many cells: core.spreadsheet reads (or refuses) it
    return rows


def parse_usage(closing: Closing, rows: Sequence[Row]) -> dict[tuple[int, int, str], Decimal]:
    """(member organisation id, product plan id, period) → actual quantity of a metered product."""
    plan = closing.plan
    members = {m.ags: m.pk for m in plan_members(plan=plan) if m.ags}
    products = {
        number: (pk, charging)
        for number, pk, charging in ProductPlan.objects.filter(plan=plan).values_list(
            "product__number", "pk", "charging"
        )
    }
    errors: list[RowError] = []
    seen: dict[object, int] = {}
    figures: dict[tuple[int, int, str], Decimal] = {}
    # The fast path for the common clean line (issue #18: 2 million lines): a known AGS, a metered product, a
    # period of the year already seen and a plain quantity give exactly what the checks below give, with fewer
    # objects; anything else (a problem, German notation, long text) takes the full checks with their messages.
    metered = {number: pk for number, (pk, charging) in products.items() if charging == Charging.METERED}
    periods: set[str] = set()
    year = closing.year
    plain = PLAIN_QUANTITY.fullmatch
    for line, raw in rows:
        ags, number, period, text = raw.get("ags"), raw.get("product"), raw.get("period"), raw.get("quantity")
        if (
            type(ags) is str
            and type(number) is str
            and type(period) is str
            and type(text) is str
            and (member := members.get(ags := ags.strip())) is not None
            and (product_id := metered.get(number := number.strip())) is not None
            and (period := period.strip()) is not None
            and len(ags) <= 12
            and len(number) <= 40
            and (period in periods or (len(period) <= 7 and period_problem(period, year) is None))
            and plain(text := text.strip())
        ):
            periods.add(period)
            key = (member, product_id, period)
            if key in seen:
                errors.append(
                    RowError(line, "period", _("Given twice (first in line %(line)s).") % {"line": seen[key]})
                )
            else:
                seen[key] = line
                figures[key] = Decimal(text)
            continue
        cells = Cells(line, raw, errors)
        ags = cells.text("ags", max_length=12, required=True)
        number = cells.text("product", max_length=40, required=True)
        period = cells.text("period", max_length=7, required=True)
        quantity = cells.decimal("quantity", places=4, max_digits=16, required=True)
        member = members.get(ags) if ags else None
        if ags and member is None:
            cells.error("ags", _("No member with AGS %(ags)s in the plan year.") % {"ags": ags})
        product = products.get(number) if number else None
        if number and product is None:
            cells.error("product", _("Product %(number)s is not in the plan.") % {"number": number})
        elif product is not None and product[1] != Charging.METERED:
            cells.error("product", _("Product %(number)s is shared by a key; it has no usage.") % {"number": number})
            product = None
        if period and (problem := period_problem(period, closing.year)):
            cells.error("period", problem)
            period = ""
        if member is None or product is None or not period or quantity is None:
            continue
        if not _duplicate(cells, seen, (member, product[0], period), "period"):
            figures[(member, product[0], period)] = quantity
    _refuse(errors)
    return figures


def parse_business_plan(rows: Sequence[Row]) -> dict[tuple[str, str], tuple[str, Decimal, Decimal | None]]:
    """(part, code) → (label, planned, actual)."""
    errors: list[RowError] = []
    seen: dict[object, int] = {}
    figures: dict[tuple[str, str], tuple[str, Decimal, Decimal | None]] = {}
    for line, raw in rows:
        cells = Cells(line, raw, errors)
        part = cells.choice("part", BusinessPlanPart)
        code = cells.text("code", max_length=20, required=True)
        label = cells.text("label", max_length=200, required=True)
        planned = cells.decimal("planned", places=2, max_digits=16, minimum=None, required=True)
        actual = cells.decimal("actual", places=2, max_digits=16, minimum=None)
        if part is None or not code or not label or planned is None or len(label) > 200 or len(code) > 20:
            continue
        if cells.get("actual") and actual is None:
            continue
        if not _duplicate(cells, seen, (part, code), "code"):
            figures[(part, code)] = (label, planned, actual)
    _refuse(errors)
    return figures
