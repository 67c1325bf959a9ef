"""What every plan service needs: the row lock, the draft check, and forgetting stale results."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from verbund.costing.choices import PlanStatus
from verbund.costing.models import (
    PlanVersion,
)


def _locked(plan: PlanVersion) -> PlanVersion:
    return PlanVersion.objects.select_for_update().get(pk=plan.pk)


def _require_draft(plan: PlanVersion) -> None:
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError({"status": _("Only a draft plan can be changed; create a new version instead.")})


def _invalidate(plan: PlanVersion) -> None:
    """Figures changed: the stored results no longer explain them."""
    if plan.calculated_at is not None:
        PlanVersion.objects.filter(pk=plan.pk).update(calculated_at=None, result_total=None)
