"""Checks of the seller's bank and tax identifiers (pure functions plus Django field validators)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_IBAN = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$")
_BIC = re.compile(r"^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$")
_VAT_DE = re.compile(r"^DE\d{9}$")
_VAT_ANY = re.compile(r"^[A-Z]{2}[A-Z0-9]{2,13}$")


def normalise_iban(value: str) -> str:
    return re.sub(r"\s+", "", value).upper()


def iban_is_valid(value: str) -> bool:
    """Format and ISO 13616 check digits (mod 97 = 1)."""
    iban = normalise_iban(value)
    if not _IBAN.match(iban) or (iban.startswith("DE") and len(iban) != 22):
        return False
    digits = "".join(str(int(ch, 36)) for ch in iban[4:] + iban[:4])
    return int(digits) % 97 == 1


def german_vat_id_check_digit(first_eight: str) -> int:
    """Check digit of a German USt-IdNr. (ISO 7064 MOD 11,10 over the 8 digits after DE)."""
    product = 10
    for ch in first_eight:
        total = (int(ch) + product) % 10 or 10
        product = (2 * total) % 11
    return (11 - product) % 10


def vat_id_is_valid(value: str) -> bool:
    text = value.replace(" ", "").upper()
    if text.startswith("DE"):
        return bool(_VAT_DE.match(text)) and german_vat_id_check_digit(text[2:10]) == int(text[10])
    return bool(_VAT_ANY.match(text))


def validate_iban(value: str) -> None:
    if value and not iban_is_valid(value):
        raise ValidationError(_("This is not a valid IBAN (format or check digits)."), code="iban")


def validate_bic(value: str) -> None:
    if value and not _BIC.match(value.replace(" ", "").upper()):
        raise ValidationError(_("A BIC has 8 or 11 letters and digits."), code="bic")


def validate_vat_id(value: str) -> None:
    if value and not vat_id_is_valid(value):
        raise ValidationError(
            _("This is not a valid VAT identification number (DE and 9 digits with check digit)."), code="vat_id"
        )
