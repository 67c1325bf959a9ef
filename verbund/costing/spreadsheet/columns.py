"""The columns of the plan spreadsheet, which record uses which, and the error and result types of the import."""

from dataclasses import dataclass, field

from verbund.core.spreadsheet import RowError as RowError  # re-exported: the error type of the import
from verbund.core.spreadsheet import SpreadsheetError

COLUMNS: tuple[str, ...] = (
    "record",
    "code",
    "name",
    "kind",
    "variable_share",
    "centre",
    "cost_type",
    "amount",
    "provider",
    "receiver",
    "product",
    "quantity",
    "charging",
    "planned_quantity",
    "key",
    "carry_forward",
    "carry_forward_from_year",
    "carry_forward_years",
)

# The columns each record type reads. A product line may carry the product's name in `name` for the reader; the
# import ignores it (the catalogue is the source of product names).
RECORD_COLUMNS: dict[str, tuple[str, ...]] = {
    "centre": ("code", "name", "kind"),
    "cost_type": ("code", "name", "variable_share"),
    "cost": ("centre", "cost_type", "amount"),
    "flow": ("provider", "receiver", "quantity"),
    "product": (
        "product",
        "name",
        "charging",
        "planned_quantity",
        "key",
        "carry_forward",
        "carry_forward_from_year",
        "carry_forward_years",
    ),
    "mapping": ("centre", "product", "quantity"),
}
RECORD_ORDER = tuple(RECORD_COLUMNS)
# Separators between the parts of a key cell ("inhabitants=0.5;workstations=0.5"); not the comma, which is the
# German decimal separator ("inhabitants=0,5").
KEY_SEPARATORS = (";", "|", "\n")


class PlanImportError(SpreadsheetError):
    """The file was refused; `errors` lists every problem found, sorted by line. Nothing was written."""

    columns = COLUMNS

    @classmethod
    def sort_key(cls, error: RowError) -> tuple[object, ...]:
        return (*super().sort_key(error), error.message)


def column_order(column: str) -> int:
    return COLUMNS.index(column) if column in COLUMNS else -1


@dataclass
class ImportResult:
    """What the import found (counts per record type) and whether it changed the plan."""

    counts: dict[str, int] = field(default_factory=dict)
    changed: bool = False
    dry_run: bool = False
