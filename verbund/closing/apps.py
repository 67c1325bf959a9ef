from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClosingConfig(AppConfig):
    name = "verbund.closing"
    label = "closing"
    verbose_name = _("Year-end closing")

    def ready(self) -> None:
        from verbund.closing import kpis  # noqa: F401  (registers its figures for controlling, issue #15)
