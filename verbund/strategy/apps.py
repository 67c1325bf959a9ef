from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    name = "verbund.strategy"
    label = "strategy"
    verbose_name = _("Digitalisation strategy")
