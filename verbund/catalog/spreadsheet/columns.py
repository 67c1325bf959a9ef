"""The fixed column set of the catalogue spreadsheet, and the error and result types of the import."""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

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
