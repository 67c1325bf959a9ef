"""Forms for the registry. They parse input; the services validate and decide."""

from django import forms
from django.utils.translation import gettext_lazy as _


class OrganizationContactForm(forms.Form):
    """Postal address, e-mail and Leitweg-ID: the buyer data on invoices, not part of the official directory."""

    street = forms.CharField(label=_("Street and number"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=5, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    leitweg_id = forms.CharField(
        label=_("Leitweg-ID"),
        max_length=46,
        required=False,
        help_text=_("Routing ID for e-invoices (XRechnung BT-10), e.g. 05515000-ITDL-56."),
    )


MAX_DIRECTORY_BYTES = 20 * 1024 * 1024  # the national GV100AD file is about 4 MB


class DirectoryImportForm(forms.Form):
    """A GV100AD file of Destatis (fixed width, as published) and whether organisations missing from it are
    deactivated."""

    file = forms.FileField(label=_("GV100AD file"))
    deactivate_missing = forms.BooleanField(
        label=_("Deactivate imported organisations that the file no longer contains"), required=False
    )

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if upload.size > MAX_DIRECTORY_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload
