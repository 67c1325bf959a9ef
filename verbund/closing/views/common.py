"""Shared pieces of the closing pages: the object through the access layer, messages, the entry grid."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from verbund.closing import selectors
from verbund.closing.forms import (
    parse_amount,
)
from verbund.closing.models import Closing
from verbund.core.access import Action


def _closing(request: HttpRequest, closing_id: int, action: str = Action.VIEW) -> Closing:
    return selectors.closing_get_for_user(user=request.user, closing_id=closing_id, action=action)


def _form_errors(request: HttpRequest, form: Any) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def grid_cells(request: HttpRequest, prefix: str) -> tuple[dict[str, Decimal], list[str]]:
    """The cells of an entry grid: every POST field named `prefix` + key, parsed as a German or English number.
    Returns (key → value, keys that are not numbers); an empty cell is left out (no figure there)."""
    cells: dict[str, Decimal] = {}
    bad: list[str] = []
    for name, value in request.POST.items():
        if not name.startswith(prefix):
            continue
        key = name[len(prefix) :]
        try:
            number = parse_amount(str(value))
        except ValueError:
            bad.append(key)
            continue
        if number is not None:
            cells[key] = number
    return cells, bad


def save_figures(request: HttpRequest, save: Callable[[], Any], success: str) -> None:
    """Run a replace service and say what happened: its refusal, "nothing changed" or `success`."""
    try:
        record = save()
    except ValidationError as exc:
        _errors(request, exc)
    else:
        if record is None:
            messages.info(request, _("Nothing changed."))
        else:
            messages.success(request, success)
