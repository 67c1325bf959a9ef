"""Writes of the controlling app: the contract with goals, budgets, measures and KPIs, targets, values (manual
with evidence, collected from the source apps through `verbund.core.kpi`, or by formula), definition changes,
and the yearly report submitted to the committee.

Every service is keyword-only, atomic, validates first and writes an audit event. KPI values are appended, never
updated; a submitted report is a frozen snapshot. One module per part (`contract`, `values`, `report`); the
public names are re-exported here.
"""

from verbund.controlling.services.common import BREAKDOWNS, MAX_EVIDENCE_BYTES, VALUE_LIMIT, _number
from verbund.controlling.services.contract import (
    budget_set,
    contract_approve,
    contract_create,
    goal_add,
    kpi_change_definition,
    kpi_create,
    measure_add,
    measure_complete,
    target_set,
)
from verbund.controlling.services.report import report_note, report_render, report_submit
from verbund.controlling.services.values import (
    Collection,
    Evidence,
    collect_computed,
    formulas_evaluate,
    measurement_enter,
)

__all__ = [
    "BREAKDOWNS",
    "MAX_EVIDENCE_BYTES",
    "VALUE_LIMIT",
    "Collection",
    "Evidence",
    "_number",
    "budget_set",
    "collect_computed",
    "contract_approve",
    "contract_create",
    "formulas_evaluate",
    "goal_add",
    "kpi_change_definition",
    "kpi_create",
    "measure_add",
    "measure_complete",
    "measurement_enter",
    "report_note",
    "report_render",
    "report_submit",
    "target_set",
]
