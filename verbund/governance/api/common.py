"""Helpers shared by the governance API modules."""

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError


def operation_id(name: str) -> str:
    """The operation id the endpoint had when the API was one module (the published schema stays the same)."""
    return f"verbund_governance_api_{name}"


def require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise HttpError(403, "You are not allowed to do this.")


def aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value
