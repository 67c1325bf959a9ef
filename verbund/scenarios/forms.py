from django import forms
from django.utils.translation import gettext_lazy as _

from verbund.scenarios.choices import ASSUMPTIONS, LegalForm, ScenarioKind


class ScenarioCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ScenarioKind.choices)
    legal_form = forms.ChoiceField(
        label=_("Legal form of the new entity"), choices=LegalForm.choices, initial=LegalForm.GMBH
    )
    first_year = forms.IntegerField(label=_("Year of the first move"), min_value=2000, max_value=2100, initial=2028)
    stages = forms.IntegerField(label=_("Stages"), min_value=1, max_value=10, initial=3)


class AssumptionsForm(forms.Form):
    """low / likely / high for every assumption, and the worse-off limit."""

    worse_off_limit = forms.DecimalField(
        label=_("No member worse off than (share, 0.05 = 5 %)"), min_value=0, max_value=1, decimal_places=4
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name, (label, _low, _likely, _high) in ASSUMPTIONS.items():
            for part, part_label in (("low", _("low")), ("likely", _("likely")), ("high", _("high"))):
                self.fields[f"{name}__{part}"] = forms.DecimalField(
                    label=f"{label} ({part_label})", decimal_places=4, max_digits=10
                )

    def assumptions(self) -> dict[str, dict[str, str]]:
        return {
            name: {part: str(self.cleaned_data[f"{name}__{part}"]) for part in ("low", "likely", "high")}
            for name in ASSUMPTIONS
        }


class StagesForm(forms.Form):
    capacity = forms.DecimalField(
        label=_("Migration staff per year (FTE-years)"), min_value=0, max_digits=8, decimal_places=2, initial=20
    )
    budget = forms.DecimalField(
        label=_("One-off budget per year (EUR, optional)"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    deadline = forms.IntegerField(label=_("Every move by"), min_value=2000, max_value=2100, initial=2030)


class RiskForm(forms.Form):
    draws = forms.IntegerField(label=_("Draws"), min_value=100, max_value=20000, initial=2000)
    seed = forms.IntegerField(label=_("Seed"), min_value=0, max_value=2**32 - 1, initial=1)


class StaffUploadForm(forms.Form):
    file = forms.FileField(label=_("Staff file (CSV or Excel)"))
