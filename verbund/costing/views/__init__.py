"""Plan costing UI (a package): plan versions, the entry grid for planned costs and the workflow (`plans`), the
upload of a plan spreadsheet (`imports`), the reports (`reports`: rate sheet, cost-centre sheet, showback per
member) and the comparison of two versions (`compare`).

Every plan and every fee is fetched through the access layer: members see approved plans only and the fees of
their own organisation only. Writes go through `costing.services`; their errors become messages or cell errors.
"""

from .common import (
    HUNDRED,
)
from .compare import (
    ComparisonRow,
    Difference,
    compare,
)
from .imports import plan_import
from .plans import (
    plan_copy,
    plan_costs_save,
    plan_create,
    plan_detail,
    plan_list,
    plan_workflow,
)
from .reports import (
    SheetRow,
    ShowbackLine,
    centre_sheet,
    rate_sheet,
    rate_sheet_pdf,
    showback,
    showback_csv,
    showback_index,
)

__all__ = [
    "HUNDRED",
    "ComparisonRow",
    "Difference",
    "SheetRow",
    "ShowbackLine",
    "centre_sheet",
    "compare",
    "plan_copy",
    "plan_costs_save",
    "plan_create",
    "plan_detail",
    "plan_import",
    "plan_list",
    "plan_workflow",
    "rate_sheet",
    "rate_sheet_pdf",
    "showback",
    "showback_csv",
    "showback_index",
]
