"""Django validators around the pure key functions (field-level messages for forms and the API)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from verbund.registry import keys


def validate_leitweg_id(value: str) -> None:
    if not value:
        return
    try:
        keys.validate_leitweg_id(value)
    except keys.KeyError_ as exc:
        raise ValidationError(_("Invalid Leitweg-ID: %(reason)s") % {"reason": exc}, code="leitweg_id") from exc


def validate_ars(value: str) -> None:
    if not value:
        return
    try:
        keys.validate_ars(value)
    except keys.KeyError_ as exc:
        raise ValidationError(_("Invalid ARS: %(reason)s") % {"reason": exc}, code="ars") from exc


def validate_digits(value: str) -> None:
    if value and not value.isdigit():
        raise ValidationError(_("Only digits are allowed."), code="digits")
