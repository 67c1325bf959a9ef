"""The files of actual figures (CSV with `;`, `,` or tab, UTF-8 or Windows-1252, or Excel), read through
`core.spreadsheet`. Formats: docs/closing-import-format.md.

Every line is checked first against the plan of the closing (codes of cost centres, cost types, products; the
member's AGS; duplicates; numbers); *all* problems are reported as (line, column, message) and nothing is
written unless the whole file is clean. The parsed figures go to the replacing services in `closing.services`.
"""

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal

from django.utils.translation import gettext as _

from verbund.closing.choices import BusinessPlanPart
from verbund.closing.models import Closing
from verbund.core.spreadsheet import Cells, RowError, Sheet, SpreadsheetError
from verbund.costing.choices import CentreKind, Charging
from verbund.costing.models import CostCentre, CostType, ProductPlan
from verbund.costing.selectors import plan_member_ags

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


class _NotPlain(Exception):
    """The usage file is not plain after all (a line with too few or too many cells): core.spreadsheet reads it."""


SPLIT_CHUNK = 1 << 20  # characters of a plain usage file split into lines at a time


def _plain_usage(data: bytes) -> tuple[list[str], Iterator[tuple[int, list[str]]]] | None:
    """A plain usage CSV (no quotes, apostrophes, carriage returns or NUL, the header naming exactly the four
    columns, at most MAX_USAGE_ROWS lines) as (header, the (line, cells) of its lines), split lazily a chunk of
    lines at a time: a file of 2 million lines is never held as a list of lines or rows (issue #18). None when the
    file is not plain. Blank lines are skipped; a line with too few or too many cells raises _NotPlain."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if not text or any(mark in text for mark in ('"', "'", "\r", "\x00")):
        return None
    end = text.find("\n")
    first = text if end < 0 else text[:end]
    delimiter = max((";", ",", "\t"), key=first.count) if first else ";"
    header = [cell.strip().lower() for cell in first.split(delimiter)]
    lines = text.count("\n") + (not text.endswith("\n"))
    if sorted(header) != sorted(USAGE.columns) or lines > USAGE.max_rows + 1:
        return None
    return header, _plain_lines(text, end + 1 if end >= 0 else len(text), delimiter, len(header))


def _plain_lines(text: str, start: int, delimiter: str, width: int) -> Iterator[tuple[int, list[str]]]:
    limit = csv.field_size_limit()
    number = 1
    size = len(text)
    while start < size:
        end = text.find("\n", start + SPLIT_CHUNK)
        if end < 0:
            end = size
        for line in text[start:end].split("\n"):
            number += 1
            cells = line.split(delimiter)
            if len(cells) == width and len(line) <= limit:
                yield number, cells
            elif line.strip():
                raise _NotPlain  # too few or too many cells: core.spreadsheet reads (or refuses) it
        start = end + 1


def read_usage_csv(data: bytes) -> list[Row]:
    """The rows of a usage CSV, as `USAGE.read_csv` gives them: a plain file (see `_plain_usage`) is split
    directly; any other file, and every problem (too many lines, unknown columns, stray cells), goes through
    `core.spreadsheet` with its messages. (The import job reads with `parse_usage_csv`, which streams.)"""
    plain = _plain_usage(data)
    if plain is not None:
        header, lines = plain
        try:
            return [
                (number, dict(zip(header, cells, strict=True)))
                for number, cells in lines
                if any(cell.strip() for cell in cells)  # a line of empty cells is skipped
            ]
        except _NotPlain:
            pass
    return USAGE.read_csv(io.BytesIO(data))


UsageKey = tuple[int, int, str]
MAX_CACHED_QUANTITIES = 100_000  # distinct quantity texts whose Decimal is shared (a national file repeats a few)


class _UsageChecks:
    """The checks of a usage file against the closing's plan, line by line; `figures` collects the clean lines.

    The fast path `clean` takes the common clean line (issue #18: 2 million lines): a known AGS, a metered
    product, a period of the year already seen and a plain quantity give exactly what the full checks (`check`)
    give, with fewer objects; anything else (a problem, German notation, long text) takes the full checks with
    their messages. Equal periods and quantities share one object. A key given twice is recorded in
    `duplicates`; its first line is found by a second pass (`wanted`), so no line number is kept per figure."""

    def __init__(self, closing: Closing, members: dict[str, int], products: dict[str, tuple[int, str]]):
        self.year = closing.year
        self.members = members
        self.products = products
        self.metered = {number: pk for number, (pk, charging) in products.items() if charging == Charging.METERED}
        self.periods: dict[str, str] = {}  # periods already checked, each as one shared string
        self.quantities: dict[str, Decimal] = {}
        self.errors: list[RowError] = []
        self.figures: dict[UsageKey, Decimal] = {}
        self.duplicates: list[tuple[int, UsageKey]] = []
        self.wanted: dict[UsageKey, int] | None = None  # the second pass: key → its first line

    @classmethod
    def of(cls, closing: Closing) -> "_UsageChecks":
        products = {
            number: (pk, charging)
            for number, pk, charging in ProductPlan.objects.filter(plan_id=closing.plan_id).values_list(
                "product__number", "pk", "charging"
            )
        }
        return cls(closing, plan_member_ags(plan=closing.plan), products)

    def again(self) -> "_UsageChecks":
        """A fresh pass over the same lines that records the first line of each duplicated key."""
        checks = _UsageChecks.__new__(_UsageChecks)
        checks.__dict__.update(self.__dict__)
        checks.errors, checks.figures, checks.duplicates = [], {}, []
        checks.wanted = dict.fromkeys((key for _line, key in self.duplicates), 0)
        return checks

    def add(self, line: int, key: UsageKey, quantity: Decimal) -> None:
        if self.wanted is not None:
            if self.wanted.get(key) == 0:
                self.wanted[key] = line
        elif key in self.figures:
            self.duplicates.append((line, key))
        else:
            self.figures[key] = quantity

    def clean(self, line: int, ags: object, number: object, period: object, text: object) -> bool:
        """The fast path: True when the line was clean and is taken (or is a duplicate)."""
        if type(ags) is not str or type(number) is not str or type(period) is not str or type(text) is not str:
            return False
        ags, number, period, text = ags.strip(), number.strip(), period.strip(), text.strip()
        member = self.members.get(ags)
        product = self.metered.get(number)
        if member is None or product is None or len(ags) > 12 or len(number) > 40:
            return False
        shared = self.periods.get(period)
        if shared is None:
            if len(period) > 7 or period_problem(period, self.year) is not None:
                return False
            shared = self.periods[period] = period
        quantity = self.quantities.get(text)
        if quantity is None:
            if PLAIN_QUANTITY.fullmatch(text) is None:
                return False
            quantity = Decimal(text)
            if len(self.quantities) < MAX_CACHED_QUANTITIES:
                self.quantities[text] = quantity
        self.add(line, (member, product, shared), quantity)
        return True

    def check(self, line: int, raw: Mapping[str, object]) -> None:
        """The full checks of a line, each problem with its column and message."""
        cells = Cells(line, raw, self.errors)
        ags = cells.text("ags", max_length=12, required=True)
        number = cells.text("product", max_length=40, required=True)
        period = cells.text("period", max_length=7, required=True)
        quantity = cells.decimal("quantity", places=4, max_digits=16, required=True)
        member = self.members.get(ags) if ags else None
        if ags and member is None:
            cells.error("ags", _("No member with AGS %(ags)s in the plan year.") % {"ags": ags})
        product = self.products.get(number) if number else None
        if number and product is None:
            cells.error("product", _("Product %(number)s is not in the plan.") % {"number": number})
        elif product is not None and product[1] != Charging.METERED:
            cells.error("product", _("Product %(number)s is shared by a key; it has no usage.") % {"number": number})
            product = None
        if period and (problem := period_problem(period, self.year)):
            cells.error("period", problem)
            period = ""
        if member is None or product is None or not period or quantity is None:
            return
        self.add(line, (member, product[0], self.periods.setdefault(period, period)), quantity)

    def result(self, again: Callable[["_UsageChecks"], object]) -> dict[UsageKey, Decimal]:
        """The figures, or ActualsImportError with every problem; `again` runs a second pass over the same lines
        (to name the first line of a duplicate)."""
        errors = self.errors
        if self.duplicates:
            second = self.again()
            again(second)
            first = second.wanted or {}
            for line, key in self.duplicates:
                errors.append(
                    RowError(line, "period", _("Given twice (first in line %(line)s).") % {"line": first[key]})
                )
        _refuse(errors)
        return self.figures


def _check_rows(checks: _UsageChecks, rows: Iterable[Row]) -> None:
    clean, check = checks.clean, checks.check
    for line, raw in rows:
        if not clean(line, raw.get("ags"), raw.get("product"), raw.get("period"), raw.get("quantity")):
            check(line, raw)


def parse_usage(closing: Closing, rows: Sequence[Row]) -> dict[UsageKey, Decimal]:
    """(member organisation id, product plan id, period) → actual quantity of a metered product."""
    checks = _UsageChecks.of(closing)
    _check_rows(checks, rows)
    return checks.result(lambda second: _check_rows(second, rows))


def parse_usage_csv(closing: Closing, data: bytes) -> dict[UsageKey, Decimal]:
    """`parse_usage(closing, read_usage_csv(data))`, streamed: a plain file's lines are checked as they are split,
    as tuples of cells (a dict only for a line that takes the full checks), so a 2-million-line file costs the
    figures and not its rows in memory (issue #18). Any other file is read by core.spreadsheet."""
    plain = _plain_usage(data)
    if plain is not None:
        header, _lines = plain
        checks = _UsageChecks.of(closing)
        try:
            _check_plain(checks, header, plain[1])
            return checks.result(lambda second: _check_plain(second, header, _plain_usage(data)[1]))  # type: ignore[index]
        except _NotPlain:
            pass
    return parse_usage(closing, USAGE.read_csv(io.BytesIO(data)))


def _check_plain(checks: _UsageChecks, header: list[str], lines: Iterator[tuple[int, list[str]]]) -> None:
    i_ags, i_product, i_period, i_quantity = (header.index(column) for column in USAGE.columns)
    clean, check = checks.clean, checks.check
    for line, cells in lines:
        if not clean(line, cells[i_ags], cells[i_product], cells[i_period], cells[i_quantity]) and any(
            cell.strip()
            for cell in cells  # a line of empty cells is skipped
        ):
            check(line, dict(zip(header, cells, strict=True)))


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
