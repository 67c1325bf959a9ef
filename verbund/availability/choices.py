from django.db import models
from django.utils.translation import gettext_lazy as _


class OutageKind(models.TextChoices):
    OUTAGE = "outage", _("outage")
    MAINTENANCE = "maintenance", _("maintenance")


class OutageSource(models.TextChoices):
    MANUAL = "manual", _("entered")
    CSV = "csv", _("CSV import")
    ALERTMANAGER = "alertmanager", _("Alertmanager")
    UPTIME_KUMA = "uptime_kuma", _("Uptime Kuma")
    DEMO = "demo", _("demo")
