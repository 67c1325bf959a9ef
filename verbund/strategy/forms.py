from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from verbund.catalog.models import Product
from verbund.strategy.choices import RoadmapStatus, SolutionKind
from verbund.strategy.engine.maturity import RG_2020, RG_2025, MaturityModel
from verbund.strategy.models import LeikaService


class LeikaKeyField(forms.CharField):
    """A LeiKa service of the catalogue, given by its 14-digit key."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("label", _("LeiKa key"))
        kwargs.setdefault("max_length", 14)
        kwargs.setdefault("help_text", _("14 digits, e.g. 99050012104000 (Gewerbe Anmeldung)."))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> LeikaService:  # type: ignore[override]
        text = super().clean(value).strip()
        service = LeikaService.objects.filter(key=text, withdrawn_in__isnull=True).first()
        if service is None:
            raise forms.ValidationError(_("No service of the catalogue has the LeiKa key %(key)s.") % {"key": text})
        return service


CRITERION_LABELS = {
    "information": _("Information"),
    "form": _("Form assistant"),
    "submission": _("Online submission"),
    "application": _("Online application"),
    "evidence": _("Evidence online"),
    "identification": _("Identification"),
    "mailbox": _("Mailbox"),
    "payment": _("Payment"),
    "notice": _("Notice online"),
    "status": _("Status information"),
    "once_only": _("Once-only"),
    "accessibility": _("Accessibility"),
    "process": _("Process orientation"),
    "data": _("Data centricity"),
    "e_file": _("E-file"),
    "end_to_end": _("End-to-end"),
}


def _criterion_field(model: MaturityModel, criterion: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=CRITERION_LABELS.get(criterion, criterion), required=False, min_value=0, max_value=model.max_level
    )


class EntryForm(forms.Form):
    online = forms.BooleanField(label=_("Online"), required=False)
    described = forms.BooleanField(label=_("Described in the portal"), required=False)
    solution_kind = forms.ChoiceField(label=_("Solution"), choices=SolutionKind.choices)
    product = forms.ModelChoiceField(
        label=_("Catalogue product"), queryset=Product.objects.filter(status="active"), required=False
    )
    solution_name = forms.CharField(label=_("Name of the solution"), max_length=200, required=False)
    url = forms.URLField(label=_("Address"), max_length=500, required=False, assume_scheme="https")
    online_since = forms.DateField(
        label=_("Online since"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, with_key: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if with_key:
            self.fields = {"leika": LeikaKeyField(), **self.fields}
        for model in (RG_2020, RG_2025):
            for criterion in model.criteria:
                self.fields[f"rg{model.version}_{criterion}"] = _criterion_field(model, criterion)

    def criteria_fields(self, version: str) -> list[Any]:
        return [self[name] for name in self.fields if name.startswith(f"rg{version}_")]

    @property
    def criteria_fields_2020(self) -> list[Any]:
        return self.criteria_fields("2020")

    @property
    def criteria_fields_2025(self) -> list[Any]:
        return self.criteria_fields("2025")

    def scores(self) -> dict[str, dict[str, int]]:
        """Per model the criteria given; a model with no criterion filled in is left as it is."""
        result: dict[str, dict[str, int]] = {}
        for model in (RG_2020, RG_2025):
            given = {
                c: self.cleaned_data[f"rg{model.version}_{c}"]
                for c in model.criteria
                if self.cleaned_data.get(f"rg{model.version}_{c}") is not None
            }
            if given and len(given) != len(model.criteria):
                self.add_error(
                    None,
                    _("Give a level for every criterion of the %(model)s model, or for none.")
                    % {"model": model.version},
                )
            elif given:
                result[model.version] = given
        return result


class UploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))


class VolumeForm(forms.Form):
    leika = LeikaKeyField()
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    cases = forms.IntegerField(label=_("Cases"), min_value=0, max_value=100_000_000)
    source = forms.CharField(label=_("Source"), max_length=200)
    is_estimate = forms.BooleanField(label=_("Estimate"), required=False)


class WeightsForm(forms.Form):
    demand = forms.DecimalField(label=_("Demand"), min_value=0, max_value=100, decimal_places=2)
    gap = forms.DecimalField(label=_("Maturity gap"), min_value=0, max_value=100, decimal_places=2)
    available = forms.DecimalField(label=_("Solution available"), min_value=0, max_value=100, decimal_places=2)
    mandatory = forms.DecimalField(label=_("Mandatory (SDG)"), min_value=0, max_value=100, decimal_places=2)
    effort = forms.DecimalField(label=_("Effort"), min_value=0, max_value=100, decimal_places=2)

    def weights(self) -> dict[str, Decimal]:
        return {name: self.cleaned_data[name] for name in self.fields}


class RoadmapForm(forms.Form):
    leika = LeikaKeyField()
    milestone = forms.DateField(label=_("Milestone"), widget=forms.DateInput(attrs={"type": "date"}))
    office = forms.CharField(label=_("Responsible office"), max_length=200)
    status = forms.ChoiceField(label=_("Status"), choices=RoadmapStatus.choices)
    done_on = forms.DateField(label=_("Done on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class TagForm(forms.Form):
    service = forms.CharField(
        label=_("LeiKa key or OZG id"),
        max_length=14,
        help_text=_(
            "A 14-digit LeiKa key tags one service; an OZG id (4 to 6 digits) tags the services of that OZG "
            "service that municipalities execute."
        ),
    )

    def clean_service(self) -> list[LeikaService]:
        text = self.cleaned_data["service"].strip()
        live = LeikaService.objects.filter(withdrawn_in__isnull=True)
        if len(text) == 14 and text.isdigit():
            found = list(live.filter(key=text))
        elif 4 <= len(text) <= 6 and text.isdigit():
            of_ozg = live.filter(ozg__ozg_id=text)
            found = list(of_ozg.filter(municipal=True)) or list(of_ozg)
        else:
            raise forms.ValidationError(_("Give a 14-digit LeiKa key or an OZG id of 4 to 6 digits."))
        if not found:
            raise forms.ValidationError(_("No service of the catalogue has the key or OZG id %(key)s.") % {"key": text})
        return found
