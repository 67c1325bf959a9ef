"""A plan version's figures as one "long" spreadsheet (CSV with `;` and UTF-8 BOM, or Excel): export and import.

Every line is one record; the column `record` says which: `centre`, `cost_type`, `cost`, `flow`, `product` or
`mapping` (see `RECORD_COLUMNS` for the columns each uses; the others stay empty). Line numbers are spreadsheet
row numbers: the header is line 1.

The import is all or nothing, like the catalogue's: every line is checked first (record type, required and
well-formed values, references to codes and catalogue products, duplicates, negative amounts, and that the plan is
still a draft), *all* errors are reported as (line, column, message), and only a file without errors is written:
through `services.plan_figures_replace`, which replaces every figure of the plan in one transaction and drops
the results of the last calculation. A file equal to the plan's figures writes nothing, so export → import is a
no-op and a re-import changes nothing.
"""

from verbund.costing.spreadsheet.columns import (
    COLUMNS,
    RECORD_COLUMNS,
    ImportResult,
    PlanImportError,
    RowError,
)
from verbund.costing.spreadsheet.files import export_rows, read_csv, read_file, read_xlsx, write_csv, write_xlsx
from verbund.costing.spreadsheet.importer import import_rows, parse_rows

__all__ = [
    "COLUMNS",
    "RECORD_COLUMNS",
    "ImportResult",
    "PlanImportError",
    "RowError",
    "export_rows",
    "import_rows",
    "parse_rows",
    "read_csv",
    "read_file",
    "read_xlsx",
    "write_csv",
    "write_xlsx",
]
