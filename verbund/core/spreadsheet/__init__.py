"""The one reader of imported spreadsheets (CSV and Excel), for every importer of the platform.

An importer describes its file with a `Sheet` (the column names, which of them the header must have, the error
type it raises) and gets the data rows as `(line, {column: text})`, line numbers as the spreadsheet shows them
(the header is line 1). It then checks each row with `Cells`, whose parsers record a `RowError` (line, column,
message) and return None for a bad value, so that *every* error of a file is reported at once; only a file without
errors is written (all or nothing)::

    PRODUCTS = Sheet(columns=("number", "name", "price"), error=ProductImportError)

    rows = read_file(path, PRODUCTS)               # or read_csv(stream, ...) / read_xlsx(upload, ...)
    errors: list[RowError] = []
    for line, raw in rows:
        cells = Cells(line, raw, errors)
        number = cells.text("number", max_length=20, required=True)
        price = cells.decimal("price", places=2, max_digits=14)
    if errors:
        raise ProductImportError(errors)

Bounds: a file is refused *before* its cells are read when it has more than `Sheet.max_rows` data rows or more
than `Sheet.max_columns` cells in a row (an Excel sheet's declared size is checked first, then reading stops at
the bound), or when an Excel file unpacks to more than `MAX_XLSX_BYTES`. A 5 KB workbook with one cell at
XFD1048576 would otherwise be padded to 16,384 columns in every row and exhaust the memory.

Text cells that `verbund.core.csvexport` protected against formula injection (`'=...`) are read back without the
apostrophe. CSV files may be UTF-8 (with or without BOM) or Windows-1252 (German Excel's "CSV"), with `;`, `,` or
tab between cells.

A package: `reading` (bounds, errors, `Sheet`, the CSV and Excel readers), `cells` (the cell parsers), `writing`
(files the importers read back).
"""

from .cells import (
    Cells,
)
from .reading import (
    FALSE_WORDS,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_XLSX_BYTES,
    TRUE_WORDS,
    Row,
    RowError,
    Sheet,
    SpreadsheetError,
    cell_text,
    read_csv,
    read_file,
    read_xlsx,
    rows_from_table,
)
from .writing import (
    ILLEGAL_XLSX_CHARS,
    MAX_COLUMN_WIDTH,
    decimal_text,
    write_csv,
    write_xlsx,
)

__all__ = [
    "FALSE_WORDS",
    "ILLEGAL_XLSX_CHARS",
    "MAX_COLUMNS",
    "MAX_COLUMN_WIDTH",
    "MAX_ROWS",
    "MAX_XLSX_BYTES",
    "TRUE_WORDS",
    "Cells",
    "Row",
    "RowError",
    "Sheet",
    "SpreadsheetError",
    "cell_text",
    "decimal_text",
    "read_csv",
    "read_file",
    "read_xlsx",
    "rows_from_table",
    "write_csv",
    "write_xlsx",
]
