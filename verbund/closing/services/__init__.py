"""Writes of closing a year: post-calculation versions, the actual figures (replaced as a whole, with a diff),
the calculation (costing engine → stored outcomes), approval, carry-forwards into a later plan, the business
plan and its report to the committee.

Every service is keyword-only, atomic, validates first and writes an audit event. An approved closing is never
changed; a correction is a new closing of the same plan.

The package: `common` (lock, draft check), `actuals` (actual figures replaced as a whole), `calculation`
(create, calculate, approve), `carry` (carry-forward into a later plan), `reports` (business plan and its
report).
"""

from .actuals import (
    MAX_DIFF_LINES,
    actual_costs_replace,
    actual_flows_replace,
    actual_usage_replace,
    figures_diff,
    price_indices_replace,
)
from .calculation import closing_approve, closing_calculate, closing_create
from .carry import carry_forward_apply, carry_refusal_text
from .reports import business_plan_replace, committee_report_create

__all__ = [
    "MAX_DIFF_LINES",
    "actual_costs_replace",
    "actual_flows_replace",
    "actual_usage_replace",
    "business_plan_replace",
    "carry_forward_apply",
    "carry_refusal_text",
    "closing_approve",
    "closing_calculate",
    "closing_create",
    "committee_report_create",
    "figures_diff",
    "price_indices_replace",
]
