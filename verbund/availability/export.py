"""The SLA report as JSON-ready data (API, CLI, background job)."""

import json
from dataclasses import fields
from decimal import Decimal
from typing import Any

from verbund.availability.engine import PeriodResult
from verbund.availability.selectors import Report

TRACE_FIELDS = {"counted", "excluded", "late"}


def period_data(period: PeriodResult) -> dict[str, Any]:
    return {f.name: getattr(period, f.name) for f in fields(period) if f.name not in TRACE_FIELDS}


def member_data(report: Report, member_id: int) -> dict[str, Any]:
    member = report.members.get(member_id)
    return {
        "member_id": member_id,
        "member_ags": member.ags if member is not None else "",
        "member_name": member.name if member is not None else "",
        "year": report.year,
        "as_of": report.as_of,
        "products": [
            {
                "product_id": product.pk,
                "product_number": product.number,
                "commitment_id": commitment.pk,
                "year": period_data(result.total),
                "months": [period_data(m) for m in result.months],
            }
            for product, result, commitment in report.member_rows(member_id)
        ],
        "outage_ids": report.touched.get(member_id, []),
    }


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(type(value))


def dumps(data: Any) -> str:
    return json.dumps(data, default=_default, ensure_ascii=False, indent=1)
