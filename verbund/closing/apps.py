from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClosingConfig(AppConfig):
    name = "verbund.closing"
    label = "closing"
    verbose_name = _("Year-end closing")
