from django import forms
from django.utils.translation import gettext_lazy as _

from verbund.catalog.models import Product, ProductFamily
from verbund.core.params import refuse_control_characters
from verbund.governance.models import Committee
from verbund.registry.models import Organization
from verbund.transfers.choices import TransferScope


class TransferProposeForm(forms.Form):
    """Parses only; the service decides (which products belong to the provider, prices, bodies)."""

    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    from_provider = forms.ModelChoiceField(label=_("Transferring provider"), queryset=Organization.objects.none())
    to_provider = forms.ModelChoiceField(label=_("Receiving provider"), queryset=Organization.objects.none())
    effective_date = forms.DateField(label=_("Effective date"), widget=forms.DateInput(attrs={"type": "date"}))
    scope = forms.ChoiceField(label=_("Scope"), choices=TransferScope.choices, initial=TransferScope.PRODUCTS)
    products = forms.ModelMultipleChoiceField(label=_("Products"), queryset=Product.objects.none(), required=False)
    family = forms.ModelChoiceField(label=_("Family"), queryset=ProductFamily.objects.none(), required=False)
    unit_price = forms.DecimalField(
        label=_("New unit price (net EUR, single product only; empty: the previous price)"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=4,
    )
    bodies = forms.ModelMultipleChoiceField(
        label=_("Committees whose resolutions are needed"), queryset=Committee.objects.none()
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )

    def __init__(
        self, *args: object, providers: object, products: object, families: object, committees: object, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["from_provider"].queryset = providers  # type: ignore[attr-defined]
        self.fields["to_provider"].queryset = providers  # type: ignore[attr-defined]
        self.fields["products"].queryset = products  # type: ignore[attr-defined]
        self.fields["family"].queryset = families  # type: ignore[attr-defined]
        self.fields["bodies"].queryset = committees  # type: ignore[attr-defined]


class TransferExecuteForm(forms.Form):
    pass


class TransferRejectForm(forms.Form):
    """The reason is required; the service checks it again (and the status and who may reject)."""

    rejection_reason = forms.CharField(
        label=_("Reason for the rejection"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        validators=[refuse_control_characters],
    )
