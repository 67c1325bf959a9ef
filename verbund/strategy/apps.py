from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    name = "verbund.strategy"
    label = "strategy"
    verbose_name = _("Digitalisation strategy")

    def ready(self) -> None:
        from verbund.strategy import kpis  # noqa: F401  (registers the KPI figures)
