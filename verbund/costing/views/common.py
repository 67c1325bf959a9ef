"""What the plan pages share: fetching a plan through the access layer, sums, messages."""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.formats import number_format

from verbund.core.access import Action
from verbund.costing import selectors
from verbund.costing.choices import CentreKind
from verbund.costing.models import (
    CostCentre,
    PlanVersion,
)
from verbund.registry.choices import PROVIDER_KINDS
from verbund.registry.models import Organization

HUNDRED = Decimal(100)


def _money_text(value: Decimal) -> str:
    return number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)


def _errors_to_messages(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    """The sum of the values present, or None when none is."""
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


def _provider_of(user: Any) -> Organization | None:
    organization_id: int | None = getattr(user, "organization_id", None)
    if organization_id is None:
        return None
    return Organization.objects.filter(pk=organization_id, kind__in=PROVIDER_KINDS).first()


def _plan(request: HttpRequest, plan_id: int, action: str = Action.VIEW) -> PlanVersion:
    return selectors.plan_get_for_user(user=request.user, plan_id=plan_id, action=action)


def _results_state(plan: PlanVersion, has_results: bool) -> str:
    """ "current", "stale" (figures changed since the last calculation) or "missing"."""
    if not has_results:
        return "missing"
    return "current" if plan.calculated_at is not None else "stale"


def _centres(plan: PlanVersion) -> list[CostCentre]:
    """Support cost centres first (they are settled into the end cost centres), each group by code."""
    centres = list(CostCentre.objects.filter(plan=plan))
    return sorted(centres, key=lambda c: (c.kind != CentreKind.SUPPORT, c.code))
