from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    name = "verbund.evidence"
    label = "evidence"
    verbose_name = _("Evidence")

    def ready(self) -> None:
        from verbund.evidence import kpis, tasks  # noqa: F401  (KPI figures and job kinds register themselves)
