from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from verbund.evidence.choices import ImportKind

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Records"), choices=ImportKind.choices)
    file = forms.FileField(label=_("File (CSV or Excel)"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 50 MB)."))
        if not upload.name.lower().endswith((".csv", ".txt", ".xlsx")):
            raise forms.ValidationError(_("Upload a CSV file or an Excel workbook (.xlsx)."))
        return upload
