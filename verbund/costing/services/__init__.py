"""Writes for plan costing (a package: `plans` for versions, calculation and the workflow; `figures` for the plan's
figures as a whole, which the spreadsheet import replaces; `common` for the row lock and the draft check).

An approved (or frozen) version is never edited; corrections are a new version that references it. Approval
happens through a committee decision (governance calls `plan_version_approve`) and generates the catalogue's
price revisions for the plan year from the calculated rates, so catalogue prices and plan agree.
"""

from .figures import (
    CentreFigure,
    CostFigure,
    CostTypeFigure,
    FlowFigure,
    MappingFigure,
    PlanFigures,
    ProductFigure,
    plan_figures_of,
    plan_figures_replace,
)
from .plans import (
    engine_money,
    plan_version_approve,
    plan_version_calculate,
    plan_version_copy,
    plan_version_create,
    plan_version_freeze,
    plan_version_submit,
    plan_version_withdraw,
    planned_cost_set,
)

__all__ = [
    "CentreFigure",
    "CostFigure",
    "CostTypeFigure",
    "FlowFigure",
    "MappingFigure",
    "PlanFigures",
    "ProductFigure",
    "engine_money",
    "plan_figures_of",
    "plan_figures_replace",
    "plan_version_approve",
    "plan_version_calculate",
    "plan_version_copy",
    "plan_version_create",
    "plan_version_freeze",
    "plan_version_submit",
    "plan_version_withdraw",
    "planned_cost_set",
]
