import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from verbund.availability.choices import OutageKind
from verbund.catalog.models import Product
from verbund.registry.models import Organization

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class OutageForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=OutageKind.choices)
    start = forms.DateTimeField(label=_("Start"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    end = forms.DateTimeField(
        label=_("End"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    announced_at = forms.DateTimeField(
        label=_("Announced at"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    products = forms.ModelMultipleChoiceField(label=_("Products"), queryset=Product.objects.none())
    members = forms.ModelMultipleChoiceField(
        label=_("Members affected"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("None selected: every member subscribed to the products."),
    )
    impact = forms.DecimalField(
        label=_("Impact"), initial=1, min_value=0.001, max_value=1, max_digits=4, decimal_places=3,
        help_text=_("Share of the service lost: 1 = fully down, 0.5 = half of it."),
    )  # fmt: skip
    reference = forms.CharField(label=_("Reference"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, products: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["products"].queryset = products  # type: ignore[attr-defined]
        self.fields["members"].queryset = members  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("The end must be after the start."))
        return data


class ImportForm(forms.Form):
    FORMATS = [
        ("csv", _("CSV (product, member_ags, start, end, kind, announced_at, impact, reference)")),
        ("uptime_kuma", _("Uptime Kuma heartbeat history (JSON)")),
        ("alertmanager", _("Alertmanager webhook body (JSON)")),
    ]
    format = forms.ChoiceField(label=_("Format"), choices=FORMATS)
    file = forms.FileField(label=_("File"))
    monitor_products = forms.CharField(
        label=_("Monitors and products (Uptime Kuma)"),
        required=False,
        max_length=10_000,
        help_text=_('Monitor id = product number, e.g. "1=AP-100, 2=OZ-200".'),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None and data.get("format") in {"uptime_kuma", "alertmanager"}:
            try:
                data["payload"] = json.loads(upload.read().decode("utf-8-sig"))
            except (UnicodeDecodeError, ValueError):
                self.add_error("file", _("The file is not valid JSON."))
            if data.get("format") == "uptime_kuma" and not data.get("monitor_products"):
                self.add_error("monitor_products", _("Name the product of at least one monitor."))
        return data


class CommitmentForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.none())
    member = forms.ModelChoiceField(
        label=_("Member"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("Empty: the commitment for every member."),
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    service_hours = forms.CharField(
        label=_("Service time"),
        max_length=200,
        help_text=_('Weekly windows, e.g. "Mon-Fri 07:00-18:00" or "24x7".'),
    )
    exclude_holidays = forms.BooleanField(label=_("Public holidays (NRW) excluded"), required=False)
    target_month = forms.DecimalField(
        label=_("Target per month"), min_value=0, max_value=100, max_digits=6, decimal_places=3
    )
    target_year = forms.DecimalField(
        label=_("Target per year"), min_value=0, max_value=100, max_digits=6, decimal_places=3
    )
    notice_days = forms.IntegerField(label=_("Notice (days)"), min_value=0, max_value=365, initial=5)

    def __init__(self, *args: Any, products: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products  # type: ignore[attr-defined]
        self.fields["member"].queryset = members  # type: ignore[attr-defined]
