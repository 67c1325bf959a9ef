"""The catalogue as a spreadsheet: export to CSV/Excel, and an import that checks every row before it writes.

One fixed set of columns (`COLUMNS`, the header row) serves both directions, so an exported file can be edited in
Excel and imported again. The import is all or nothing: every row is validated first and *all* errors are reported
as (line, column, message); only a file without errors is written, in one transaction, through the catalogue
services (so every change is audited). Unchanged rows write nothing, which makes a re-import of the same file a
no-op. Prices are never deleted and approved prices never edited: a different price becomes a draft revision
(a correction of the approved one with the same start date), and a draft with the same start date is updated.

Line numbers are spreadsheet row numbers: the header is line 1, the first product line 2.
"""

from verbund.catalog.spreadsheet.columns import COLUMNS, CatalogueImportError, ImportResult, RowError
from verbund.catalog.spreadsheet.files import export_rows, read_csv, read_xlsx, write_csv, write_xlsx
from verbund.catalog.spreadsheet.importer import import_rows

__all__ = [
    "COLUMNS",
    "CatalogueImportError",
    "ImportResult",
    "RowError",
    "export_rows",
    "import_rows",
    "read_csv",
    "read_xlsx",
    "write_csv",
    "write_xlsx",
]
