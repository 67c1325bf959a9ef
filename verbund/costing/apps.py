from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CostingConfig(AppConfig):
    name = "verbund.costing"
    label = "costing"
    verbose_name = _("Plan costing and fees")
