"""What every governance page shares: the page gate, form-error helpers, paging, PDFs.

Access (ADR 0029): a page opens for a logged-in user whose role grants its governance.view_* permission or who
holds a seat in a committee (`selectors.may_view`); the rows it shows come through the access layer
(`selectors.*(seats=True)`, i.e. `restrict(user, relations=True)`): everything for the roles, the committees of
their seats for seat holders. Voting needs a seat in any case (the services check it); staff actions need their own
permission (governance.change_meeting, add_agendaitem, add_attendance, add_paper, add_decision).
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from verbund.governance import selectors

PAGE_SIZE = 25
POLL_SECONDS = 3


def allow(request: HttpRequest, permission: str) -> None:
    """Open the page for the role's view permission or a seat; else 403 (objects of other committees are then
    not found: the selectors' business)."""
    if not selectors.may_view(request.user, permission):
        raise PermissionDenied


def require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def show_errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def add_errors(form: Any, exc: ValidationError, aliases: dict[str, str] | None = None) -> None:
    """Put a service's errors next to the form's fields (`aliases`: service field name → form field name)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.message_dict.items():
        field = (aliases or {}).get(name, name)
        target = field if field in form.fields else None
        for error in errors:
            form.add_error(target, error)


def int_or_none(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


def querystring(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def pdf_response(request: HttpRequest, template: str, context: dict[str, Any], filename: str) -> HttpResponse:
    from weasyprint import HTML

    html = render_to_string(template, {**context, "now": timezone.now()}, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
