from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "verbund.billing"
    label = "billing"
    verbose_name = _("Billing")

    def ready(self) -> None:
        from verbund.billing import kpis  # noqa: F401  (registers its figures for controlling, issue #15)
