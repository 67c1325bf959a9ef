from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from verbund.controlling.choices import Direction, SourceKind, Unit


class ContractForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    provider: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Provider"), queryset=None)  # type: ignore[arg-type]
    city: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("City"), queryset=None)  # type: ignore[arg-type]
    start_year = forms.IntegerField(label=_("First year"), min_value=2000, max_value=2100)
    end_year = forms.IntegerField(label=_("Last year"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, providers: Any, cities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers  # type: ignore[attr-defined]
        self.fields["city"].queryset = cities  # type: ignore[attr-defined]


class GoalForm(forms.Form):
    title = forms.CharField(label=_("Goal"), max_length=200)
    text = forms.CharField(label=_("Text of the contract"), widget=forms.Textarea(attrs={"rows": 3}))


class KpiForm(forms.Form):
    goal: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Goal"), queryset=None)  # type: ignore[arg-type]
    code = forms.CharField(label=_("Code"), max_length=30)
    name = forms.CharField(label=_("Name"), max_length=200)
    definition = forms.CharField(label=_("Formula in words"), widget=forms.Textarea(attrs={"rows": 2}))
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    source_kind = forms.ChoiceField(label=_("Source"), choices=SourceKind.choices)
    source_key = forms.CharField(label=_("Source key"), max_length=100, required=False)
    formula = forms.CharField(label=_("Formula"), max_length=500, required=False)
    breakdowns = forms.MultipleChoiceField(
        label=_("Breakdowns"),
        choices=[("member", _("Per member")), ("product", _("Per product")), ("office", _("Per office"))],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, goals: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = goals  # type: ignore[attr-defined]


class ValueForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    value = forms.CharField(label=_("Value (shares in %)"), max_length=30)
    evidence_text = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    evidence_url = forms.URLField(label=_("Evidence URL"), required=False, assume_scheme="https")
    evidence_file = forms.FileField(label=_("Evidence file"), required=False)
    comment = forms.CharField(label=_("Commentary"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class TargetForm(forms.Form):
    valid_from = forms.IntegerField(label=_("Valid from (year)"), min_value=2000, max_value=2100)
    value = forms.CharField(label=_("Target (shares in %)"), max_length=30)
    tolerance = forms.CharField(label=_("Tolerance (shares in percentage points)"), max_length=30, initial="0")
    review_on = forms.DateField(label=_("Review on"), required=False)


class DefinitionForm(forms.Form):
    from_year = forms.IntegerField(label=_("From year"), min_value=2000, max_value=2100)
    definition = forms.CharField(label=_("Formula in words"), widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class ReportSubmitForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    meeting: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Meeting"), queryset=None)  # type: ignore[arg-type]
    reference = forms.CharField(label=_("Reference of the paper"), max_length=40)

    def __init__(self, *args: Any, meetings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings  # type: ignore[attr-defined]


class BudgetForm(forms.Form):
    goal: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Goal"), queryset=None)  # type: ignore[arg-type]
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    amount = forms.DecimalField(label=_("Budget (EUR)"), max_digits=14, decimal_places=2, min_value=0, localize=True)

    def __init__(self, *args: Any, goals: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = goals  # type: ignore[attr-defined]


class MeasureForm(forms.Form):
    goal: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Goal"), queryset=None)  # type: ignore[arg-type]
    text = forms.CharField(label=_("Measure"), max_length=300)
    due_on = forms.DateField(label=_("Due on"))

    def __init__(self, *args: Any, goals: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = goals  # type: ignore[attr-defined]


class MeasureDoneForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"))
