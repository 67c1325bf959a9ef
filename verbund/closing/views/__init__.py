"""Closing a year in the browser: post-calculations of approved plans, the actual figures (upload as a job, or
the entry grid), the calculation (a job), results with the variance chart and every figure's trace, approval,
carry-forward into a later plan, each member's own over-/under-recovery, and the business plan report.

Every object is fetched through the access layer; writes go through `closing.services` (or a job that calls them).

The package: `closings` (the post-calculation pages), `members` (a member's own result), `business_plan` (the
business plan and its report), `common` (access, messages, the entry grid).
"""

from .business_plan import business_plan, business_plan_import, business_plan_pdf, business_plan_report
from .closings import (
    closing_approve,
    closing_calculate,
    closing_carry,
    closing_costs_save,
    closing_detail,
    closing_import,
    closing_list,
    closing_price_indices,
)
from .members import member_recovery, my_recovery

__all__ = [
    "business_plan",
    "business_plan_import",
    "business_plan_pdf",
    "business_plan_report",
    "closing_approve",
    "closing_calculate",
    "closing_carry",
    "closing_costs_save",
    "closing_detail",
    "closing_import",
    "closing_list",
    "closing_price_indices",
    "member_recovery",
    "my_recovery",
]
