"""Forms for ordering. They parse and validate input; the services decide."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from verbund.catalog.engine.pricing import PricingError, resolve_quantity
from verbund.orders.services import pricing_error_text


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(format="%Y-%m-%d", **kwargs)


class OrderForm(forms.Form):
    member = forms.TypedChoiceField(label=_("Member"), coerce=int, required=True)
    # No min_value here: the pricing engine checks the quantity (greater than zero, whole for whole units) for
    # every way an order comes in, with a translated message (Django's min_value message shows "0.01" unlocalised).
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=14, decimal_places=2, required=False, localize=True)
    start_date = forms.DateField(label=_("Desired start"), widget=DateInput())
    member_reference = forms.CharField(label=_("Your reference / cost centre"), max_length=100, required=False)
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    accede = forms.BooleanField(
        label=_("We apply for the accession; it and this order take effect together once the committee approves it."),
        required=False,
    )

    def __init__(self, *args, members, quantity_required: bool, unit: str | None = None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.unit = unit
        member_field: forms.TypedChoiceField = self.fields["member"]  # type: ignore[assignment]
        member_field.choices = [(m.pk, m.name) for m in members]
        self.fields["quantity"].required = quantity_required
        if not quantity_required:
            self.fields["quantity"].widget = forms.HiddenInput()

    def clean_quantity(self) -> Decimal | None:
        """The pricing engine's quantity rules (greater than zero, whole for whole units), so that a bad quantity
        is reported next to the other field errors; the service checks again with the same function."""
        quantity: Decimal | None = self.cleaned_data.get("quantity")
        if quantity is not None and self.unit is not None and self.fields["quantity"].required:
            try:
                resolve_quantity(self.unit, quantity, None)
            except PricingError as exc:
                raise forms.ValidationError(pricing_error_text(exc)) from exc
        return quantity


class ChangeForm(forms.Form):
    quantity = forms.DecimalField(label=_("New quantity"), max_digits=14, decimal_places=2, localize=True)
    effective_date = forms.DateField(label=_("Effective from"), widget=DateInput())
    version = forms.IntegerField(widget=forms.HiddenInput())


class CancelForm(forms.Form):
    end_date = forms.DateField(label=_("Last day"), widget=DateInput())
    version = forms.IntegerField(widget=forms.HiddenInput())
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for rejection"), max_length=500)
