from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class StakeForm(forms.Form):
    owner: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Owner"), queryset=None)  # type: ignore[arg-type,type-arg]
    share = forms.DecimalField(
        label=_("Share (fraction)"), min_value=0.000001, max_value=1, max_digits=7, decimal_places=6,
        help_text=_("0.25 is a quarter of the capital."),
    )  # fmt: skip
    board_seats = forms.IntegerField(label=_("Board seats"), min_value=0, max_value=99, initial=0)
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(label=_("Valid to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class StakeEndForm(forms.Form):
    valid_to = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
