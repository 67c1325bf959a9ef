from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from verbund.catalog.choices import Category
from verbund.catalog.models import Product
from verbund.registry.choices import PROVIDER_KINDS
from verbund.registry.models import Organization
from verbund.surveys.choices import QuestionKind
from verbund.surveys.models import Questionnaire, Section, Target, series_key_validator


class QuestionnaireCreateForm(forms.Form):
    provider = forms.ModelChoiceField(
        label=_("Provider"), queryset=Organization.objects.filter(kind__in=PROVIDER_KINDS)
    )
    name = forms.CharField(label=_("Name"), max_length=200)


class QuestionAddForm(forms.Form):
    section = forms.ModelChoiceField(label=_("Section"), queryset=Section.objects.none(), required=False)
    new_section = forms.CharField(label=_("or a new section (German)"), max_length=200, required=False)
    new_section_en = forms.CharField(label=_("New section (English)"), max_length=200, required=False)
    series_key = forms.CharField(
        label=_("Series key"),
        max_length=40,
        validators=[series_key_validator],
        help_text=_("Stays the same across versions; also the question code of a LimeSurvey export."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("Question (German)"), max_length=500)
    text_en = forms.CharField(label=_("Question (English)"), max_length=500, required=False)
    options = forms.CharField(
        label=_("Options or labels"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: code|German|English (choices; five lines for 1–5 labels, empty for the default)."),
    )
    required = forms.BooleanField(label=_("Required"), required=False)
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.all(), required=False)
    category = forms.ChoiceField(label=_("Product category"), choices=[("", "–"), *Category.choices], required=False)

    def __init__(self, *args: Any, questionnaire: Questionnaire, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = questionnaire.sections.all()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("section") and not data.get("new_section"):
            self.add_error("section", _("Choose a section or name a new one."))
        options = []
        for number, line in enumerate((data.get("options") or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) < 2:
                self.add_error("options", _("Line %(n)s: code|German|English.") % {"n": number})
                continue
            options.append({"code": parts[0], "de": parts[1], "en": parts[2] if len(parts) > 2 else ""})
        data["option_list"] = options
        return data


class WaveCreateForm(forms.Form):
    questionnaire = forms.ModelChoiceField(label=_("Questionnaire"), queryset=Questionnaire.objects.all())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    opens_on = forms.DateField(label=_("Opens on"))
    closes_on = forms.DateField(label=_("Closes on"))


class TargetsForm(forms.Form):
    rows = forms.CharField(
        label=_("Target population"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One office per line: AGS of the member;office;staff"),
    )

    def __init__(self, *args: Any, members: "list[Organization]", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = {m.ags: m for m in members if m.ags}

    def clean_rows(self) -> list[tuple[Organization, str, int]]:
        parsed = []
        for number, line in enumerate(self.cleaned_data["rows"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(";")]
            member = self.members.get(parts[0]) if parts else None
            if len(parts) != 3 or member is None or not parts[1] or not parts[2].isdigit() or int(parts[2]) < 1:
                raise ValidationError(
                    _("Line %(n)s: AGS of a member of the provider;office;staff ≥ 1.") % {"n": number}
                )
            parsed.append((member, parts[1], int(parts[2])))
        if not parsed:
            raise ValidationError(_("At least one office."))
        return parsed


class InviteForm(forms.Form):
    target = forms.ModelChoiceField(label=_("Office"), queryset=Target.objects.none())
    count = forms.IntegerField(label=_("Links without address"), min_value=0, max_value=10_000, initial=0)
    emails = forms.CharField(
        label=_("E-mail addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line; each gets its own link by e-mail."),
    )

    def __init__(self, *args: Any, wave: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = Target.objects.filter(wave=wave).select_related("member")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["email_list"] = [e.strip() for e in (data.get("emails") or "").splitlines() if e.strip()]
        if not data.get("count") and not data["email_list"]:
            self.add_error("count", _("Ask for at least one link or give an address."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("LimeSurvey response export (CSV)"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise ValidationError(_("Upload the CSV export of LimeSurvey's responses."))
        if upload.size > 50 * 1024 * 1024:
            raise ValidationError(_("The file is larger than 50 MB."))
        return upload
