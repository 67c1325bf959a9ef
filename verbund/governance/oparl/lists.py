"""External object lists (OParl 1.1, "Objektlisten und Paginierung"): filters, pages and the list envelope.

- A page is `{"data": [...], "pagination": {...}, "links": {...}}` with 100 objects per page, ordered by id
  (stable), the page chosen with `page` (1-based). `links` has first, prev (not on the first page), self, next
  (on every page but the last) and last. A page after the last answers 404 with an Error object.
- Filters `created_since`, `created_until`, `modified_since`, `modified_until` take a full date-time with offset
  (2026-01-01T00:00:00+01:00); the bounds are inclusive. A "+" sent unencoded arrives as a space and is read as
  "+". Anything else (a date only, no offset, garbage) answers 400 with an Error object. `modified` is the
  effective one (an object changes when an object embedded in it changes, see `queries`).
- Deleted objects (`deleted: true`, only id, type, created, modified) are listed only when `modified_since` is
  given, as the spec requires.
- `omit_internal=true` (new in OParl 1.1) leaves out, in the entries of a list, the objects that are otherwise
  embedded and that a client can fetch from their own external list: `agendaItem` and `location` of a Meeting,
  `consultation`, `mainFile` and `auxiliaryFile` of a Paper and `membership` of a Person. It keeps
  `legislativeTerm` of a Body, because Body.json makes it mandatory. Objects fetched alone are always complete.
- The filters and `omit_internal` are repeated in every link. `limit` and `elementsPerPage` are advisory in the
  spec and ignored; the page size is fixed.
"""

import datetime as dt
import math
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from verbund.governance.oparl.common import PAGE_SIZE, context_for, error_response, oparl_response
from verbund.governance.oparl.queries import Kind
from verbund.governance.oparl.serializers import SERIALIZERS

# Filter parameter → (annotated or model field, lookup).
FILTERS: dict[str, tuple[str, str]] = {
    "created_since": ("created", "gte"),
    "created_until": ("created", "lte"),
    "modified_since": ("oparl_modified", "gte"),
    "modified_until": ("oparl_modified", "lte"),
}
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,8}")


class BadRequest(ValueError):
    """A list parameter the server cannot read (answered with 400 and an OParl Error object)."""


@dataclass(frozen=True)
class ListQuery:
    bounds: dict[str, dt.datetime]
    kept: list[tuple[str, str]]  # the parameters every link repeats
    omit_internal: bool
    page: int


def _datetime(name: str, raw: str) -> dt.datetime:
    text = raw.strip().replace(" ", "+")
    try:
        value = parse_datetime(text)
        if value is not None and timezone.is_aware(value):
            value.astimezone(dt.UTC)  # years at the edge of the range cannot be compared in UTC
    except (ValueError, OverflowError):
        value = None
    if value is None or "T" not in text or timezone.is_naive(value):
        raise BadRequest(
            f"{name} must be a full date-time with offset, e.g. 2026-01-01T00:00:00+01:00 (got {raw[:40]!r})"
        )
    return value


def _page(raw: str | None) -> int:
    if raw is None:
        return 1
    if not PAGE_NUMBER.fullmatch(raw):
        raise BadRequest(f"page must be a positive integer (got {raw[:20]!r})")
    return int(raw)


def parse(params: QueryDict) -> ListQuery:
    bounds: dict[str, dt.datetime] = {}
    kept: list[tuple[str, str]] = []
    for name in FILTERS:
        raw = params.get(name)
        if raw is None:
            continue
        bounds[name] = _datetime(name, raw)
        kept.append((name, raw.strip().replace(" ", "+")))
    omit_internal = params.get("omit_internal", "").strip().lower() == "true"
    if omit_internal:
        kept.append(("omit_internal", "true"))
    return ListQuery(bounds=bounds, kept=kept, omit_internal=omit_internal, page=_page(params.get("page")))


def list_response(request: HttpRequest, kind: Kind, scope: Q) -> HttpResponse:
    """One page of the external list of `kind` restricted to `scope`; a fixed number of queries."""
    try:
        query = parse(request.GET)
    except BadRequest as exc:
        return error_response(400, str(exc))
    rows = kind.rows().filter(scope)
    if "modified_since" not in query.bounds:
        rows = kind.live(rows)
    for name, value in query.bounds.items():
        field, lookup = FILTERS[name]
        rows = rows.filter(**{f"{field}__{lookup}": value})
    total = rows.count()
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if query.page > pages:
        return error_response(404, f"page {query.page} does not exist; the list has {pages} page(s)")
    start = (query.page - 1) * PAGE_SIZE
    objects = list(rows.order_by("pk")[start : start + PAGE_SIZE])

    base = request.build_absolute_uri(request.path)

    def link(page: int) -> str:
        params = [*query.kept, *([("page", str(page))] if page > 1 else [])]
        return f"{base}?{urlencode(params)}" if params else base

    links = {"first": link(1)}
    if query.page > 1:
        links["prev"] = link(query.page - 1)
    links["self"] = link(query.page)
    if query.page < pages:
        links["next"] = link(query.page + 1)
    links["last"] = link(pages)
    ctx = context_for(request, omit_internal=query.omit_internal)
    serialize = SERIALIZERS[kind.name]
    return oparl_response(
        {
            "data": [serialize(obj, ctx) for obj in objects],
            "pagination": {
                "totalElements": total,
                "elementsPerPage": PAGE_SIZE,
                "currentPage": query.page,
                "totalPages": pages,
            },
            "links": links,
        }
    )
