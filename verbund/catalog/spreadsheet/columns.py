"""The fixed column set of the catalogue spreadsheet, and the error and result types of the import."""

from dataclasses import dataclass, field

from verbund.core.spreadsheet import RowError as RowError  # re-exported: the error type of the import
from verbund.core.spreadsheet import SpreadsheetError

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


# ---------------------------------------------------------------- errors and results


class CatalogueImportError(SpreadsheetError):
    """The file was refused; `errors` lists every problem found, sorted by line. Nothing was written."""

    columns = COLUMNS


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
