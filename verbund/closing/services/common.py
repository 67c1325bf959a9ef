"""Shared pieces of the closing services: the row lock, the draft check, the column fit and the invalidation."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from verbund.closing.choices import ClosingStatus
from verbund.closing.models import (
    Closing,
    MemberOutcome,
    ProductOutcome,
)
from verbund.core.money import has_places


def _fits(value: Decimal, *, places: int, digits: int) -> bool:
    """A finite, non-negative number that the database column holds (at most `digits` digits, `places` decimals)."""
    if not value.is_finite() or value < 0 or value >= Decimal(10) ** (digits - places):
        return False
    return has_places(value, Decimal(1).scaleb(-places))


def _locked(closing: Closing) -> Closing:
    return Closing.objects.select_for_update().select_related("plan").get(pk=closing.pk)


def _require_draft(closing: Closing) -> None:
    if closing.status != ClosingStatus.DRAFT:
        raise ValidationError(
            {"status": _("An approved post-calculation cannot be changed; create a new one for the plan instead.")}
        )


def _invalidate(closing: Closing) -> None:
    """The actual figures changed: the stored outcomes no longer explain them."""
    ProductOutcome.objects.filter(closing=closing).delete()
    MemberOutcome.objects.filter(closing=closing).delete()
    if closing.calculated_at is not None:
        Closing.objects.filter(pk=closing.pk).update(calculated_at=None, actual_total=None, result_total=None)
