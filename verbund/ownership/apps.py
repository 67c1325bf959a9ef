from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OwnershipConfig(AppConfig):
    name = "verbund.ownership"
    label = "ownership"
    verbose_name = _("Entities and owners")
