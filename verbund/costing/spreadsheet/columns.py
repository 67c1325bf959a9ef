"""The columns of the plan spreadsheet, which record uses which, and the error and result types of the import."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from verbund.catalog.spreadsheet import RowError

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
TEXT_COLUMNS = frozenset({"record", "code", "name", "centre", "cost_type", "provider", "receiver", "product", "key"})
CSV_DELIMITER = ";"
FORMULA_STARTS = ("=", "+", "-", "@")
# Separators between the parts of a key cell ("inhabitants=0.5;workstations=0.5"); not the comma, which is the
# German decimal separator ("inhabitants=0,5").
KEY_SEPARATORS = (";", "|", "\n")


class PlanImportError(ValueError):
    """The file was refused; `errors` lists every problem found, sorted by line. Nothing was written."""

    def __init__(self, errors: Sequence[RowError]):
        self.errors = sorted(errors, key=lambda e: (e.line, column_order(e.column), e.message))
        first = str(self.errors[0]) if self.errors else ""
        super().__init__(f"{len(self.errors)} error(s); first: {first}")


def column_order(column: str) -> int:
    return COLUMNS.index(column) if column in COLUMNS else -1


@dataclass
class ImportResult:
    """What the import found (counts per record type) and whether it changed the plan."""

    counts: dict[str, int] = field(default_factory=dict)
    changed: bool = False
    dry_run: bool = False
