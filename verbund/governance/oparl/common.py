"""Shared pieces of the OParl endpoint: type URLs, the fixed German vocabulary, the request context, the object
skeleton (id, type, created, modified, deleted) and the JSON responses with their caching and CORS headers.

The vocabulary is fixed German text on purpose (not gettext): OParl values are data, and a stateless, cacheable
API must answer the same whatever language the client's browser asks for.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone

from verbund.governance.choices import DecisionResult, MembershipRole, PaperType
from verbund.registry.choices import OrganizationKind

JSON = dict[str, Any]

OPARL_VERSION = "https://schema.oparl.org/1.1/"
CACHE_CONTROL = "public, max-age=300"
PAGE_SIZE = 100
# Datenlizenz Deutschland – Namensnennung 2.0; the operator can set OPARL_LICENSE to another licence URL.
DEFAULT_LICENSE = "https://www.govdata.de/dl-de/by-2-0"

RESULT_LABELS: Mapping[str, str] = {
    DecisionResult.ADOPTED: "beschlossen",
    DecisionResult.REJECTED: "abgelehnt",
    DecisionResult.NO_QUORUM: "nicht beschlussfähig",
}
ROLE_LABELS: Mapping[str, str] = {
    MembershipRole.CHAIR: "Vorsitz",
    MembershipRole.VICE_CHAIR: "stellvertretender Vorsitz",
    MembershipRole.MEMBER: "Mitglied",
    MembershipRole.DEPUTY: "stellvertretendes Mitglied",
    MembershipRole.ADVISORY: "beratendes Mitglied",
}
PAPER_TYPE_LABELS: Mapping[str, str] = {
    PaperType.RESOLUTION: "Beschlussvorlage",
    PaperType.REPORT: "Berichtsvorlage",
    PaperType.NOTICE: "Mitteilungsvorlage",
}
BODY_CLASSIFICATION: Mapping[str, str] = {
    OrganizationKind.PROVIDER: "Kommunaler IT-Dienstleister",
    OrganizationKind.ASSOCIATION: "IT-Zweckverband",
}
ORGANIZATION_TYPE = "Gremium"
CLASSIFICATION_DECIDING = "Ausschuss"
CLASSIFICATION_ADVISORY = "Beirat"
CONSULTATION_DECIDING = "Entscheidung"
CONSULTATION_NOTING = "Kenntnisnahme"
CONSULTATION_PREPARING = "Vorberatung"


def oparl_type(name: str) -> str:
    return f"{OPARL_VERSION}{name}"


def timestamp(value: dt.datetime) -> str:
    """OParl date-time: local time with offset, whole seconds (2026-11-19T11:00:00+01:00)."""
    return timezone.localtime(value).isoformat(timespec="seconds")


def date_or_none(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def license_url() -> str:
    return str(getattr(settings, "OPARL_LICENSE", DEFAULT_LICENSE))


def compact(fields: JSON, keep: frozenset[str] = frozenset()) -> JSON:
    """Drops null, "" and [] (OParl: omit empty optional properties); keeps False, 0 and the `keep` keys
    (mandatory lists are output as [])."""
    return {
        key: value
        for key, value in fields.items()
        if key in keep or (value is not None and value != "" and value != [])
    }


@dataclass(frozen=True)
class Context:
    """What a serializer needs from the request: the endpoint's absolute URL and the omit_internal flag."""

    base: str  # absolute URL of the System object, ends with "/"
    omit_internal: bool = False

    def url(self, *parts: object) -> str:
        return self.base + "/".join(str(part) for part in parts)


def context_for(request: HttpRequest, *, omit_internal: bool = False) -> Context:
    return Context(base=request.build_absolute_uri(reverse("oparl:system")), omit_internal=omit_internal)


def modified_of(obj: Any) -> dt.datetime:
    """The effective modification time (annotated where embedded objects count), else the row's own."""
    return getattr(obj, "oparl_modified", None) or obj.modified


def is_gone(obj: Any) -> bool:
    """Soft-deleted, or depublished through its parent (annotated by the published querysets)."""
    gone = getattr(obj, "oparl_gone", None)
    return bool(getattr(obj, "deleted", False) if gone is None else gone)


def build(
    ctx: Context,
    type_name: str,
    path: tuple[object, ...],
    obj: Any,
    fields: JSON,
    *,
    keep: frozenset[str] = frozenset(),
    modified: dt.datetime | None = None,
) -> JSON:
    """The object skeleton around `fields`; a deleted object keeps only id, type, created, modified, deleted."""
    data: JSON = {"id": ctx.url(*path), "type": oparl_type(type_name)}
    times = {"created": timestamp(obj.created), "modified": timestamp(modified or modified_of(obj))}
    if is_gone(obj):
        return {**data, **times, "deleted": True}
    return {**data, **compact(fields, keep), **times}


def with_headers(response: HttpResponse) -> HttpResponse:
    """Cacheable by anyone, readable from any origin (OParl data is public; no cookies are involved)."""
    response["Cache-Control"] = CACHE_CONTROL
    response["Access-Control-Allow-Origin"] = "*"
    return response


def oparl_response(data: JSON, status: int = 200) -> HttpResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/json; charset=utf-8"
    return with_headers(response)


def error_response(status: int, message: str) -> HttpResponse:
    return oparl_response({"type": oparl_type("Error"), "message": message}, status=status)
