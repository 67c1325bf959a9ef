"""The catalogue as a spreadsheet: export to CSV/Excel, and an import that checks every row before it writes.

One fixed set of columns (`COLUMNS`, the header row) serves both directions, so an exported file can be edited in
Excel and imported again. The import is all or nothing: every row is validated first and *all* errors are reported
as (line, column, message); only a file without errors is written, in one transaction, through the catalogue
services (so every change is audited). Unchanged rows write nothing, which makes a re-import of the same file a
no-op. Prices are never deleted and approved prices never edited: a different price becomes a draft revision
(a correction of the approved one with the same start date), and a draft with the same start date is updated.

Line numbers are spreadsheet row numbers: the header is line 1, the first product line 2.
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from verbund.catalog.choices import Category, ChargeUnit, ProductStatus, RevisionStatus, VatTreatment
from verbund.catalog.models import PriceRevision, Product, ProductFamily
from verbund.catalog.services import (
    price_revision_create,
    price_revision_update,
    product_create,
    product_family_create,
    product_update,
)
from verbund.core.money import MoneyError, to_decimal
from verbund.registry.models import Organization

COLUMNS: tuple[str, ...] = (
    "number",
    "family_code",
    "family_name",
    "name",
    "name_en",
    "description",
    "description_en",
    "category",
    "unit",
    "in_standard_package",
    "origin_provider",
    "notice_period_months",
    "sla_service_hours",
    "sla_target_availability",
    "sla_support_hours",
    "price_valid_from",
    "unit_price",
    "vat_treatment",
    "vat_rate",
    "vat_exemption_reason",
)
PRICE_COLUMNS = ("price_valid_from", "unit_price", "vat_treatment", "vat_rate", "vat_exemption_reason")
TEXT_COLUMNS = frozenset(
    {
        "number",
        "family_code",
        "family_name",
        "name",
        "name_en",
        "description",
        "description_en",
        "origin_provider",
        "sla_service_hours",
        "sla_support_hours",
        "vat_exemption_reason",
    }
)
# Frozen once a product is approved (see services.PRODUCT_DEFINING_FIELDS), with the column that holds each.
FROZEN_COLUMNS = {"family": "family_code", "category": "category", "unit": "unit"}
# Where a service's ValidationError field shows up in the spreadsheet.
FIELD_COLUMNS = {
    "family": "family_code",
    "valid_from": "price_valid_from",
    "supersedes": "price_valid_from",
    "product": "unit_price",
    "status": "number",
    "variant_of": "number",
    "product_manager": "number",
    "__all__": "number",
}
FAMILY_FIELD_COLUMNS = {"code": "family_code", "name": "family_name", "__all__": "family_code"}
PROVIDER_KINDS = ("provider", "association", "operating_company")
TRUE_WORDS = frozenset({"ja", "j", "true", "wahr", "1", "yes", "y", "x"})
FALSE_WORDS = frozenset({"nein", "n", "false", "falsch", "0", "no", ""})
CSV_DELIMITER = ";"
# Text starting with one of these is a formula to Excel; the CSV export guards it with an apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_ILLEGAL_XLSX_CHARS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


# ---------------------------------------------------------------- errors and results


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        if not self.column:
            return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}
        return _("Line %(line)s, column %(column)s: %(message)s") % {
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


class CatalogueImportError(ValueError):
    """The file was refused; `errors` lists every problem found, sorted by line. Nothing was written."""

    def __init__(self, errors: Sequence[RowError]):
        self.errors = sorted(errors, key=lambda e: (e.line, _column_order(e.column)))
        first = str(self.errors[0]) if self.errors else ""
        super().__init__(f"{len(self.errors)} error(s); first: {first}")


def _column_order(column: str) -> int:
    return COLUMNS.index(column) if column in COLUMNS else -1


@dataclass
class ImportResult:
    """Counts per product line: created, updated (product fields or price) or unchanged."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    families_created: int = 0
    prices_created: int = 0
    prices_updated: int = 0
    dry_run: bool = False
    changes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


# ---------------------------------------------------------------- export


def _revision_for_year(revisions: Sequence[PriceRevision], year: int) -> PriceRevision | None:
    """The newest revision (draft or approved) in force on 1 January of `year`, else the first starting in it."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    in_force = [r for r in revisions if r.valid_from <= start]
    if in_force:
        return max(in_force, key=lambda r: (r.valid_from, r.pk))
    starting = [r for r in revisions if start < r.valid_from <= end]
    if starting:
        return min(starting, key=lambda r: (r.valid_from, -r.pk))
    return None


def _provider_key(organization: Organization | None) -> str:
    if organization is None:
        return ""
    return organization.short_name or organization.ags or organization.name


def export_rows(products_queryset: "models.QuerySet[Product]", year: int) -> list[dict[str, Any]]:
    """One row per product with the price of `year`; values are str, bool, int, Decimal, date or None."""
    products = products_queryset.select_related("family", "origin_provider").prefetch_related("price_revisions")
    rows = []
    for product in products:
        revision = _revision_for_year(list(product.price_revisions.all()), year)
        rows.append(
            {
                "number": product.number,
                "family_code": product.family.code,
                "family_name": product.family.name,
                "name": product.name,
                "name_en": product.name_en,
                "description": product.description,
                "description_en": product.description_en,
                "category": product.category,
                "unit": product.unit,
                "in_standard_package": product.in_standard_package,
                "origin_provider": _provider_key(product.origin_provider),
                "notice_period_months": product.notice_period_months,
                "sla_service_hours": product.sla_service_hours,
                "sla_target_availability": product.sla_target_availability,
                "sla_support_hours": product.sla_support_hours,
                "price_valid_from": revision.valid_from if revision else None,
                "unit_price": revision.unit_price if revision else None,
                "vat_treatment": revision.vat_treatment if revision else "",
                "vat_rate": revision.vat_rate if revision else None,
                "vat_exemption_reason": revision.vat_exemption_reason if revision else "",
            }
        )
    return rows


def _decimal_text(value: Decimal, separator: str = ",") -> str:
    """At least two decimal places, more only where needed: 1200.0000 → 1200,00; 0.1234 → 0,1234."""
    exponent = value.normalize().as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    return format(value.quantize(Decimal(1).scaleb(-places)), "f").replace(".", separator)


def _csv_text(column: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, Decimal):
        return _decimal_text(value)  # German Excel reads 1200,00 as a number
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if column in TEXT_COLUMNS and text.startswith(FORMULA_STARTS):
        return "'" + text  # no formula injection; the import removes the apostrophe again
    return text


def write_csv(rows: Sequence[Mapping[str, Any]], stream: IO[Any]) -> None:
    """CSV as German Excel opens it by double click: UTF-8 with BOM, `;` between cells, decimal comma.

    `stream` is a text stream (opened with newline="") or a binary one."""
    text_stream: IO[str]
    wrapper = None
    if isinstance(stream, io.TextIOBase):
        text_stream = stream  # type: ignore[assignment]
        if (getattr(stream, "encoding", None) or "").lower().replace("_", "-") != "utf-8-sig":
            text_stream.write("\ufeff")
    else:
        wrapper = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="", write_through=True)
        text_stream = wrapper
    writer = csv.writer(text_stream, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_csv_text(column, row.get(column)) for column in COLUMNS])
    if wrapper is not None:
        wrapper.flush()
        wrapper.detach()  # leave the caller's stream open


NUMBER_FORMATS = {
    "unit_price": "#,##0.00##",
    "vat_rate": "0.00",
    "sla_target_availability": "0.00",
    "price_valid_from": "DD.MM.YYYY",
    "notice_period_months": "0",
}
MAX_COLUMN_WIDTH = 60


def write_xlsx(rows: Sequence[Mapping[str, Any]], path_or_stream: str | Path | IO[bytes]) -> None:
    """An Excel workbook with one sheet: bold, frozen header row; numbers and dates as real cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Produktkatalog"
    widths = [len(column) for column in COLUMNS]
    bold = Font(bold=True)
    for index, column in enumerate(COLUMNS, start=1):
        sheet.cell(row=1, column=index, value=column).font = bold
    for row_number, row in enumerate(rows, start=2):
        for index, column in enumerate(COLUMNS, start=1):
            value = row.get(column)
            if isinstance(value, bool):
                value = "ja" if value else "nein"
            elif isinstance(value, str):
                value = _ILLEGAL_XLSX_CHARS.sub("", value)
            cell = sheet.cell(row=row_number, column=index, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text, never a formula
            if column in NUMBER_FORMATS and value is not None and value != "":
                cell.number_format = NUMBER_FORMATS[column]
            shown = 10 if isinstance(value, dt.date) else max(len(part) for part in str(value or "").split("\n"))
            widths[index - 1] = max(widths[index - 1], shown)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, MAX_COLUMN_WIDTH)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    workbook.save(path_or_stream)


# ---------------------------------------------------------------- reading files


def _cell_text(value: Any) -> str:
    """Any cell value (from CSV, Excel or `export_rows`) as the text the import parses."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, float):
        return format(value, ".15g")  # what Excel shows, without binary noise (0.30000000000000004 → 0.3)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _rows_from_table(
    table: Sequence[tuple[int, Sequence[Any]]], *, strip_guard: bool
) -> list[tuple[int, dict[str, str]]]:
    """Map (line, cells) to (line, {column: text}) by the header in the first line; blank lines are skipped."""
    errors: list[RowError] = []
    if not table:
        raise CatalogueImportError([RowError(1, "", _("The file is empty; the first line must name the columns."))])
    header_line, header_cells = table[0]
    header: list[str | None] = []
    seen: set[str] = set()
    for cell in header_cells:
        name = _cell_text(cell).replace("\ufeff", "").strip().lower()
        if not name:
            header.append(None)
            continue
        if name not in COLUMNS:
            errors.append(
                RowError(
                    header_line,
                    name,
                    _("Unknown column; the columns are: %(columns)s") % {"columns": ", ".join(COLUMNS)},
                )
            )
        elif name in seen:
            errors.append(RowError(header_line, name, _("The column appears twice.")))
        seen.add(name)
        header.append(name if name in COLUMNS else None)
    errors.extend(
        RowError(header_line, column, _("The column is missing.")) for column in COLUMNS if column not in seen
    )
    rows = []
    for line, cells in table[1:]:
        texts = [_cell_text(cell) for cell in cells]
        if not any(text.strip() for text in texts):
            continue
        row = dict.fromkeys(COLUMNS, "")
        for index, text in enumerate(texts):
            column = header[index] if index < len(header) else None
            if column is None:
                if text.strip():
                    errors.append(
                        RowError(line, "", _("Cell %(n)s has a value but no column name.") % {"n": index + 1})
                    )
                continue
            if strip_guard and column in TEXT_COLUMNS and text[:1] == "'" and text[1:].startswith(FORMULA_STARTS):
                text = text[1:]
            row[column] = text
        rows.append((line, row))
    if errors:
        raise CatalogueImportError(errors)
    return rows


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):  # German Excel's "CSV (Trennzeichen-getrennt)" is Windows-1252
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CatalogueImportError([RowError(1, "", _("The file is neither UTF-8 nor Windows-1252 text."))])


def read_csv(stream: IO[Any]) -> list[tuple[int, dict[str, str]]]:
    """Read a CSV (`;`, `,` or tab between cells, UTF-8 or Windows-1252) into (line, {column: text})."""
    content = stream.read()
    text = _decode(content) if isinstance(content, bytes) else content.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count) if first_line else CSV_DELIMITER
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    table = [(line, cells) for line, cells in enumerate(reader, start=1)]
    return _rows_from_table(table, strip_guard=True)


def read_xlsx(path_or_stream: str | Path | IO[bytes]) -> list[tuple[int, dict[str, str]]]:
    """Read the first sheet of an Excel workbook into (line, {column: text}); dates and numbers become text."""
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path_or_stream, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise CatalogueImportError(
            [RowError(1, "", _("The file is not an Excel workbook (.xlsx): %(error)s") % {"error": exc})]
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        table = [(line, list(cells)) for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        workbook.close()
    return _rows_from_table(table, strip_guard=False)


# ---------------------------------------------------------------- validation


@dataclass(frozen=True, slots=True)
class PriceValues:
    valid_from: dt.date
    unit_price: Decimal
    vat_treatment: str
    vat_rate: Decimal
    vat_exemption_reason: str

    def matches(self, revision: PriceRevision) -> bool:
        return (
            revision.valid_from == self.valid_from
            and revision.unit_price == self.unit_price
            and revision.vat_treatment == self.vat_treatment
            and revision.vat_rate == self.vat_rate
            and revision.vat_exemption_reason == self.vat_exemption_reason
        )


@dataclass
class ParsedRow:
    line: int
    number: str
    family_code: str
    family_name: str
    values: dict[str, Any]  # product fields except number and family
    price: PriceValues | None


class _Cells:
    """One row's cells with parsers that record an error and return None for a bad value."""

    def __init__(self, line: int, raw: Mapping[str, Any], errors: list[RowError]):
        self.line = line
        self.raw = raw
        self.errors = errors

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.line, column, message))

    def get(self, column: str) -> str:
        return _cell_text(self.raw.get(column)).strip()

    def text(self, column: str, *, max_length: int, required: bool = False) -> str:
        value = self.get(column)
        if required and not value:
            self.error(column, _("Required; the cell is empty."))
        elif len(value) > max_length:
            self.error(
                column,
                _("At most %(max)s characters (this value has %(length)s).")
                % {"max": max_length, "length": len(value)},
            )
        return value

    def choice(self, column: str, choices: type[models.TextChoices], *, default: str | None = None) -> str | None:
        value = self.get(column).lower()
        if not value:
            if default is not None:
                return default
            self.error(column, _("Required; the cell is empty. Allowed values: %(allowed)s") % _allowed(choices))
            return None
        if value not in choices.values:
            self.error(
                column,
                _('Unknown value "%(value)s"; allowed values: %(allowed)s')
                % {"value": self.get(column), **_allowed(choices)},
            )
            return None
        return value

    def boolean(self, column: str) -> bool | None:
        value = self.get(column).lower()
        if value in TRUE_WORDS:
            return True
        if value in FALSE_WORDS:
            return False
        self.error(column, _('Write ja or nein (also true/false, 1/0), not "%(value)s".') % {"value": self.get(column)})
        return None

    def decimal(
        self, column: str, *, minimum: Decimal, maximum: Decimal | None, places: int, max_digits: int
    ) -> Decimal | None:
        text = self.get(column).replace("€", "").replace("%", "").strip()
        if not text:
            return None
        if "," in text and "." in text and text.rfind(".") > text.rfind(","):
            self.error(column, _('Write the number as 1234.56 or 1.234,56, not "%(value)s".') % {"value": text})
            return None
        try:
            value = to_decimal(text)
        except MoneyError:
            self.error(column, _('Not a number: "%(value)s"') % {"value": self.get(column)})
            return None
        if abs(value) >= Decimal(10) ** (max_digits - places):
            self.error(
                column,
                _("Too large: at most %(digits)s digits before the decimal point.") % {"digits": max_digits - places},
            )
            return None
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -places and value != value.quantize(Decimal(1).scaleb(-places)):
            self.error(column, _("At most %(places)s decimal places.") % {"places": places})
            return None
        if value < minimum or (maximum is not None and value > maximum):
            if maximum is None:
                self.error(column, _("Must not be less than %(min)s.") % {"min": minimum})
            else:
                self.error(column, _("Must be between %(min)s and %(max)s.") % {"min": minimum, "max": maximum})
            return None
        return value

    def integer(self, column: str, *, minimum: int, maximum: int, default: int) -> int | None:
        text = self.get(column)
        if not text:
            return default
        try:
            value = to_decimal(text)
        except MoneyError:
            value = None
        if value is None or value != value.to_integral_value():
            self.error(column, _('Not a whole number: "%(value)s"') % {"value": text})
            return None
        if not minimum <= value <= maximum:
            self.error(column, _("Must be between %(min)s and %(max)s.") % {"min": minimum, "max": maximum})
            return None
        return int(value)

    def date(self, column: str) -> dt.date | None:
        text = self.get(column)
        if not text:
            return None
        text = text.split(" ")[0].split("T")[0]  # a date-time from a spreadsheet
        match = _ISO_DATE.fullmatch(text)
        parts = (match.group(1), match.group(2), match.group(3)) if match else None
        if parts is None and (german := _GERMAN_DATE.fullmatch(text)):
            parts = (german.group(3), german.group(2), german.group(1))
        try:
            if parts is None:
                raise ValueError(text)
            return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
        except ValueError:
            self.error(
                column,
                _('Not a date: "%(value)s"; write YYYY-MM-DD or DD.MM.YYYY.') % {"value": self.get(column)},
            )
            return None


def _allowed(choices: type[models.TextChoices]) -> dict[str, str]:
    return {"allowed": ", ".join(str(value) for value in choices.values)}


class _Providers:
    """Looks up an origin provider by short name, AGS or name, once per distinct value."""

    def __init__(self) -> None:
        self.cache: dict[str, Organization | str] = {}

    def find(self, value: str) -> Organization | str:
        """The organisation, or the error message."""
        if value not in self.cache:
            self.cache[value] = self._find(value)
        return self.cache[value]

    def _find(self, value: str) -> Organization | str:
        matches = list(Organization.objects.filter(Q(short_name__iexact=value) | Q(ags=value) | Q(name=value)))
        providers = [org for org in matches if org.kind in PROVIDER_KINDS]
        if len(providers) == 1:
            return providers[0]
        if len(providers) > 1:
            return _('"%(value)s" matches several providers (%(names)s); use a unique short name or the AGS.') % {
                "value": value,
                "names": ", ".join(org.name for org in providers),
            }
        if matches:
            return _('"%(value)s" is not an IT service provider.') % {"value": value}
        return _('No organisation has the short name or AGS "%(value)s".') % {"value": value}


def _parse_row(line: int, raw: Mapping[str, Any], providers: _Providers, errors: list[RowError]) -> ParsedRow:
    cells = _Cells(line, raw, errors)
    number = cells.text("number", max_length=20, required=True)
    family_code = cells.text("family_code", max_length=20, required=True)
    family_name = cells.text("family_name", max_length=200)
    values: dict[str, Any] = {
        "name": cells.text("name", max_length=200, required=True),
        "name_en": cells.text("name_en", max_length=200),
        "description": cells.get("description"),
        "description_en": cells.get("description_en"),
        "category": cells.choice("category", Category),
        "unit": cells.choice("unit", ChargeUnit),
        "in_standard_package": cells.boolean("in_standard_package"),
        "origin_provider": None,
        "notice_period_months": cells.integer("notice_period_months", minimum=0, maximum=36, default=3),
        "sla_service_hours": cells.text("sla_service_hours", max_length=120),
        "sla_target_availability": cells.decimal(
            "sla_target_availability", minimum=Decimal(0), maximum=Decimal(100), places=2, max_digits=5
        ),
        "sla_support_hours": cells.text("sla_support_hours", max_length=120),
    }
    provider_key = cells.get("origin_provider")
    if provider_key:
        found = providers.find(provider_key)
        if isinstance(found, str):
            cells.error("origin_provider", found)
        else:
            values["origin_provider"] = found
    return ParsedRow(line, number, family_code, family_name, values, _parse_price(cells))


def _parse_price(cells: _Cells) -> PriceValues | None:
    if not any(cells.get(column) for column in PRICE_COLUMNS):
        return None  # no price in this line: the product's prices stay as they are
    valid_from = cells.date("price_valid_from")
    unit_price = cells.decimal("unit_price", minimum=Decimal(0), maximum=None, places=4, max_digits=14)
    for column, value in (("price_valid_from", valid_from), ("unit_price", unit_price)):
        if value is None and not cells.get(column):
            cells.error(column, _("Required for a price; give both price_valid_from and unit_price."))
    treatment = cells.choice("vat_treatment", VatTreatment, default=VatTreatment.TAXABLE)
    rate = cells.decimal("vat_rate", minimum=Decimal(0), maximum=Decimal(100), places=2, max_digits=5)
    reason = cells.text("vat_exemption_reason", max_length=200)
    if treatment is not None and not cells.get("vat_rate"):
        rate = Decimal("19.00") if treatment == VatTreatment.TAXABLE else Decimal("0.00")
    if treatment is not None and rate is not None:
        if treatment == VatTreatment.TAXABLE and rate <= 0:
            cells.error("vat_rate", _("A taxable price needs a VAT rate above 0 %."))
        if treatment != VatTreatment.TAXABLE:
            if rate != 0:
                cells.error("vat_rate", _("A price without VAT must have the rate 0 %."))
            if not reason:
                cells.error("vat_exemption_reason", _("Give the legal reason why no VAT is charged."))
    if valid_from is None or unit_price is None or treatment is None or rate is None:
        return None
    return PriceValues(valid_from, unit_price, treatment, rate, reason)


def _product_changes(product: Product, values: Mapping[str, Any]) -> dict[str, Any]:
    """The fields whose value in the row differs from the product's (foreign keys compared by id)."""
    changes = {}
    for name, value in values.items():
        if name in ("family", "origin_provider"):
            current = getattr(product, f"{name}_id")
            differs = current != (value.pk if value is not None else None)
        elif isinstance(value, str):
            differs = (getattr(product, name) or "").strip() != value  # the row's text is stripped too
        else:
            differs = getattr(product, name) != value
        if differs:
            changes[name] = value
    return changes


def _price_plan(product: Product, price: PriceValues) -> tuple[str, PriceRevision | None]:
    """What the row's price means for the product: "unchanged", "create", "update" (a draft) or "correct"."""
    newest = PriceRevision.objects.filter(product=product, valid_from=price.valid_from).order_by("-id").first()
    if newest is None:
        return "create", None
    if price.matches(newest):
        return "unchanged", newest
    if newest.status == RevisionStatus.DRAFT:
        return "update", newest
    return "correct", newest


def _validate(rows: Sequence[tuple[int, Mapping[str, Any]]]) -> tuple[list[ParsedRow], list[RowError]]:
    errors: list[RowError] = []
    providers = _Providers()
    parsed = [_parse_row(line, raw, providers, errors) for line, raw in rows]

    first_line: dict[str, int] = {}
    for row in parsed:
        if row.number and row.number in first_line:
            errors.append(
                RowError(
                    row.line,
                    "number",
                    _("Product number %(number)s already appears in line %(line)s.")
                    % {"number": row.number, "line": first_line[row.number]},
                )
            )
        first_line.setdefault(row.number, row.line)

    families = {f.code: f for f in ProductFamily.objects.filter(code__in={row.family_code for row in parsed})}
    new_family_names: dict[str, tuple[str, int]] = {}
    for row in parsed:
        if not row.family_code:
            continue
        family = families.get(row.family_code)
        if family is not None:
            if row.family_name and row.family_name != family.name:
                errors.append(
                    RowError(
                        row.line,
                        "family_name",
                        _('The family %(code)s is named "%(name)s"; the import does not rename families.')
                        % {"code": family.code, "name": family.name},
                    )
                )
        elif not row.family_name:
            errors.append(
                RowError(
                    row.line,
                    "family_name",
                    _("The family %(code)s does not exist yet; give its name to create it.")
                    % {"code": row.family_code},
                )
            )
        elif row.family_code in new_family_names and new_family_names[row.family_code][0] != row.family_name:
            name, line = new_family_names[row.family_code]
            errors.append(
                RowError(
                    row.line,
                    "family_name",
                    _('The new family %(code)s is named "%(name)s" in line %(line)s.')
                    % {"code": row.family_code, "name": name, "line": line},
                )
            )
        else:
            new_family_names.setdefault(row.family_code, (row.family_name, row.line))

    existing = {p.number: p for p in Product.objects.filter(number__in=set(first_line)).select_related("family")}
    for row in parsed:
        product = existing.get(row.number)
        if product is None or first_line.get(row.number) != row.line:
            continue
        if product.status not in (ProductStatus.DRAFT, ProductStatus.PROPOSED):
            frozen = {"category": row.values["category"], "unit": row.values["unit"]}
            changed = [name for name in _product_changes(product, frozen) if frozen[name] is not None]
            if row.family_code and row.family_code != product.family.code:
                changed.append("family")
            for name in sorted(changed, key=lambda n: _column_order(FROZEN_COLUMNS[n])):
                current = product.family.code if name == "family" else getattr(product, name)
                errors.append(
                    RowError(
                        row.line,
                        FROZEN_COLUMNS[name],
                        _(
                            'Cannot be changed once the product is approved (it is "%(current)s"); '
                            "create a new product instead."
                        )
                        % {"current": current},
                    )
                )
        if row.price is not None and product.status == ProductStatus.RETIRED:
            plan, _revision = _price_plan(product, row.price)
            if plan in ("create", "correct"):
                errors.append(RowError(row.line, "unit_price", _("A retired product gets no new prices.")))
    return parsed, errors


# ---------------------------------------------------------------- import


def _errors_from(exc: ValidationError, line: int, columns: Mapping[str, str] = FIELD_COLUMNS) -> list[RowError]:
    """A service's ValidationError as row errors, each in the column that holds the field."""
    if hasattr(exc, "error_dict"):
        return [
            RowError(line, columns.get(name, name if name in COLUMNS else columns["__all__"]), message)
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return [RowError(line, columns["__all__"], message) for message in exc.messages]


def _write_row(*, actor: Any, row: ParsedRow, family: ProductFamily, result: ImportResult) -> None:
    values = {**row.values, "family": family}
    product = Product.objects.filter(number=row.number).first()
    created = product is None
    notes: list[str] = []
    if product is None:
        product = product_create(actor=actor, number=row.number, **values)
    else:
        changes = _product_changes(product, values)
        if changes:
            product = product_update(actor=actor, product=product, **changes)
            columns = sorted((FIELD_COLUMNS.get(name, name) for name in changes), key=_column_order)
            notes.append(", ".join(columns))
    if row.price is not None:
        price = row.price
        plan, revision = _price_plan(product, price)
        if plan in ("create", "correct"):
            price_revision_create(
                actor=actor,
                product=product,
                valid_from=price.valid_from,
                unit_price=price.unit_price,
                vat_treatment=price.vat_treatment,
                vat_rate=price.vat_rate,
                vat_exemption_reason=price.vat_exemption_reason,
                supersedes=revision,  # the approved price it corrects, if any
            )
            result.prices_created += 1
            notes.append(_("new draft price from %(date)s") % {"date": price.valid_from.isoformat()})
        elif plan == "update" and revision is not None:
            price_revision_update(
                actor=actor,
                revision=revision,
                unit_price=price.unit_price,
                vat_treatment=price.vat_treatment,
                vat_rate=price.vat_rate,
                vat_exemption_reason=price.vat_exemption_reason,
            )
            result.prices_updated += 1
            notes.append(_("draft price from %(date)s changed") % {"date": price.valid_from.isoformat()})
    if created:
        result.created += 1
        result.changes.append(_("Line %(line)s: %(number)s created") % {"line": row.line, "number": row.number})
    elif notes:
        result.updated += 1
        result.changes.append(
            _("Line %(line)s: %(number)s changed (%(what)s)")
            % {"line": row.line, "number": row.number, "what": "; ".join(notes)}
        )
    else:
        result.unchanged += 1


def import_rows(*, actor: Any, rows: Sequence[tuple[int, Mapping[str, Any]]], dry_run: bool = False) -> ImportResult:
    """Validate every (line, {column: value}) row, then write them all in one transaction, or nothing.

    Raises CatalogueImportError with every error found; with `dry_run` everything is checked (the services'
    own validation included) and rolled back."""
    parsed, errors = _validate(rows)
    if errors:
        raise CatalogueImportError(errors)
    result = ImportResult(dry_run=dry_run)
    with transaction.atomic():
        families = {f.code: f for f in ProductFamily.objects.filter(code__in={row.family_code for row in parsed})}
        refused: set[str] = set()
        for row in parsed:
            if row.family_code in families or row.family_code in refused:
                continue
            try:
                families[row.family_code] = product_family_create(
                    actor=actor, code=row.family_code, name=row.family_name
                )
                result.families_created += 1
            except ValidationError as exc:
                refused.add(row.family_code)
                errors.extend(_errors_from(exc, row.line, FAMILY_FIELD_COLUMNS))
        for row in parsed:
            family = families.get(row.family_code)
            if family is None:
                continue
            try:
                _write_row(actor=actor, row=row, family=family, result=result)
            except ValidationError as exc:
                errors.extend(_errors_from(exc, row.line))
        if errors:
            raise CatalogueImportError(errors)  # leaves the atomic block: everything is rolled back
        if dry_run:
            transaction.set_rollback(True)
    return result
