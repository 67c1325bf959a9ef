"""The form of a provider's seller data: the model's fields with their labels, help texts and checks, in groups.

The form only reads the input (types, formats); the service decides (the prefix across providers, the prefix
lock, the version) and its errors are put next to the fields (`add_service_errors`)."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from verbund.billing.models import SellerProfile
from verbund.billing.services import SELLER_PROFILE_FIELDS
from verbund.billing.validators import validate_iban

# (legend, fields) in the order of the form and of the detail page.
GROUPS: tuple[tuple[Any, tuple[str, ...]], ...] = (
    (_("Seller"), ("legal_name", "street", "postcode", "city", "country")),
    (_("Tax identifiers"), ("vat_id", "tax_number", "legal_registration_id")),
    (_("Contact and electronic address"), ("contact_name", "contact_phone", "contact_email", "electronic_address")),
    (_("Bank account"), ("iban", "bic", "bank_name")),
    (_("Invoicing"), ("number_prefix", "payment_terms_days", "invoice_frequency", "host_settlement_internal")),
)


def model_field_of(name: str) -> models.Field[Any, Any]:
    field = SellerProfile._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


def _upper(to_python: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        result = to_python(value)
        return result.upper() if isinstance(result, str) else result

    return convert


class SellerProfileForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args: Any, prefix_locked: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(SellerProfile, fields=SELLER_PROFILE_FIELDS))
        for name in SELLER_PROFILE_FIELDS:  # the model's checks too (a model form runs them only after the form's)
            field, model_field = self.fields[name], model_field_of(name)
            field.validators = [*field.validators, *(v for v in model_field.validators if v not in field.validators)]
        # An IBAN is often written in groups of four: room for the spaces (the service removes them).
        iban = model_field_of("iban")
        self.fields["iban"] = forms.CharField(
            label=iban.verbose_name, max_length=42, validators=[validate_iban], help_text=_("e.g. DE89 3704 0044 …")
        )
        self.fields["country"].help_text = _("Two letters (ISO 3166), e.g. DE.")
        for name in ("number_prefix", "country"):  # "ka" means KA: capitals before the checks
            self.fields[name].to_python = _upper(self.fields[name].to_python)  # type: ignore[method-assign,assignment]
        if prefix_locked:
            prefix = self.fields["number_prefix"]
            prefix.disabled = True
            prefix.help_text = _("The provider has issued invoices in this series: the prefix stays (gap-free).")

    def groups(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in GROUPS]

    def values(self) -> dict[str, Any]:
        """The cleaned values for the service (a disabled prefix is not sent: it stays)."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name in SELLER_PROFILE_FIELDS and not self.fields[name].disabled
        }

    def add_service_errors(self, exc: ValidationError) -> None:
        """The service's errors next to their fields (the version and the provider above the form)."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for name, messages in exc.message_dict.items():
            for message in messages:
                self.add_error(name if name in self.fields and name != "version" else None, message)

    def full_clean(self) -> None:
        super().full_clean()
        self._describe_errors()

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        self._describe_errors()

    def _describe_errors(self) -> None:
        """Screen readers read a field's error with the field (aria-describedby on the input)."""
        for name in getattr(self, "_errors", None) or {}:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                ids = [f"id_{name}_error"] + ([f"id_{name}_helptext"] if self.fields[name].help_text else [])
                attrs["aria-describedby"] = " ".join(ids)
