from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AvailabilityConfig(AppConfig):
    name = "verbund.availability"
    label = "availability"
    verbose_name = _("Availability against the SLA")

    def ready(self) -> None:
        from verbund.availability import kpis  # noqa: F401  (registers the KPI figures)
