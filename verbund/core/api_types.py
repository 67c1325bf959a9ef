"""Shared types of the REST API: bounded ids, years and pages, and the one error schema.

Every endpoint uses these instead of bare `int`/`str`, so that no parameter can carry a value the database
cannot hold (see `core/params.py`); a test walks the published OpenAPI schema and fails for any integer
parameter without bounds. The error schema is what every 4xx answer of the API looks like (ADR 0023).
"""

import datetime as dt
import re
from typing import Annotated, Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import BeforeValidator

from verbund.core.params import ID_MAX, ID_MIN, OFFSET_MAX, YEAR_MAX, YEAR_MIN

Id = Annotated[int, Field(ge=ID_MIN, le=ID_MAX, description="object id")]
Year = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX, description=f"year, {YEAR_MIN}–{YEAR_MAX}")]


def _iso_only(pattern: str, example: str) -> Any:
    """Refuse anything but an ISO 8601 string: pydantic would otherwise read `0` as 1970-01-01 (a Unix time)."""
    compiled = re.compile(pattern)

    def check(value: Any) -> Any:
        if isinstance(value, str) and compiled.match(value):
            return value
        if isinstance(value, dt.date):  # already parsed (internal callers)
            return value
        raise ValueError(f"expected an ISO 8601 date like {example}")

    return BeforeValidator(check)


Day = Annotated[dt.date, _iso_only(r"^\d{4}-\d{2}-\d{2}$", "2026-12-31")]
Moment = Annotated[dt.datetime, _iso_only(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", "2026-12-31T10:00:00+01:00")]
Filter = Annotated[str, Field(max_length=100, description="filter value")]


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """ninja's limit/offset pagination with an upper bound on the offset (an unbounded offset reached SQLite as
    a number larger than 64 bits and answered 500)."""

    class Input(LimitOffsetPagination.Input):
        offset: int = Field(0, ge=0, le=OFFSET_MAX)


class ErrorItem(Schema):
    loc: list[str | int] = Field(..., description='where: ["body", "reason"], ["query", "year"], ["path", "id"]')
    msg: str
    type: str | None = None


class Error(Schema):
    """Every error answer of the API: a message, or one entry per refused field; `rules` lists the e-invoice
    rules that refused a document where that applies."""

    detail: str | list[ErrorItem]
    rules: list[str] | None = Field(None, description="XRechnung/EN 16931 rules that refused the document")


def error_items(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Reduce ninja's/pydantic's error entries to the declared fields (no echoed input, no context objects)."""
    return [
        {
            "loc": [part for part in entry.get("loc", []) if isinstance(part, str | int)],
            "msg": str(entry.get("msg", "")),
            "type": entry.get("type"),
        }
        for entry in errors
    ]


Count = Annotated[int, Field(ge=0, le=2**31 - 1)]

# The 200 answers of endpoints that return a document instead of JSON (openapi_extra of the route).
XML_DOCUMENT: dict[str, Any] = {
    "responses": {200: {"description": "The document", "content": {"application/xml": {"schema": {"type": "string"}}}}}
}
PDF_DOCUMENT: dict[str, Any] = {
    "responses": {
        200: {
            "description": "The document",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}
