from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _


class CatalogueImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or Excel)"), validators=[FileExtensionValidator(allowed_extensions=["csv", "xlsx"])]
    )
    dry_run = forms.BooleanField(label=_("Only check, write nothing"), required=False, initial=True)

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload
