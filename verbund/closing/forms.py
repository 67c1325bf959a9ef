from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from verbund.closing.choices import ImportKind
from verbund.costing.models import PlanVersion
from verbund.governance.models import Meeting

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class ClosingCreateForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("Approved plan"), queryset=PlanVersion.objects.none())
    name = forms.CharField(label=_("Name"), max_length=200, required=False)

    def __init__(self, *args: Any, plans: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans  # type: ignore[attr-defined]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Figures"), choices=[(k, label) for k, label in ImportKind.choices if k != ImportKind.BUSINESS_PLAN]
    )
    file = forms.FileField(label=_("File (CSV or Excel)"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 200 MB)."))
        if not upload.name.lower().endswith((".csv", ".txt", ".xlsx")):
            raise forms.ValidationError(_("Upload a CSV file or an Excel workbook (.xlsx)."))
        return upload


class BusinessPlanImportForm(forms.Form):
    file = forms.FileField(label=_("File (CSV or Excel)"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("The file is too large (at most 10 MB)."))
        if not upload.name.lower().endswith((".csv", ".txt", ".xlsx")):
            raise forms.ValidationError(_("Upload a CSV file or an Excel workbook (.xlsx)."))
        return upload


class ApproveForm(forms.Form):
    decision_reference = forms.CharField(label=_("Decision or annual accounts"), max_length=120)
    approved_on = forms.DateField(label=_("Approved on"))


class CarryForwardForm(forms.Form):
    target_plan = forms.ModelChoiceField(label=_("Into the plan"), queryset=PlanVersion.objects.none())
    years = forms.IntegerField(label=_("Spread over years"), min_value=1, max_value=10, initial=1)

    def __init__(self, *args: Any, plans: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target_plan"].queryset = plans  # type: ignore[attr-defined]


class CommitteeReportForm(forms.Form):
    meeting = forms.ModelChoiceField(label=_("Meeting"), queryset=Meeting.objects.none())
    reference = forms.CharField(label=_("Paper reference"), max_length=40)

    def __init__(self, *args: Any, meetings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings  # type: ignore[attr-defined]


def parse_amount(text: str) -> Decimal | None:
    """A grid cell: 1.234,56 or 1234.56; empty = no figure. Raises ValueError on anything else."""
    from verbund.core.money import MoneyError, to_decimal

    text = text.strip()
    if not text:
        return None
    try:
        return to_decimal(text)
    except MoneyError as exc:
        raise ValueError(text) from exc
