"""Form building blocks every app shares (the upload of a spreadsheet to import)."""

from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class SpreadsheetUploadForm(forms.Form):
    """A CSV or Excel file to import, and whether only to check it. The importer reads it with
    `verbund.core.spreadsheet`; a page shows its line errors with `web/_import_errors.html`."""

    file = forms.FileField(
        label=_("File (CSV or Excel)"), validators=[FileExtensionValidator(allowed_extensions=["csv", "xlsx"])]
    )
    dry_run = forms.BooleanField(label=_("Only check, write nothing"), required=False, initial=True)

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload
