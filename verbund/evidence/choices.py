from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    STAFF = "staff", _("Staff")
    ASSETS = "assets", _("Hardware assets")
    CONTROLS = "controls", _("Security controls")
    INCIDENTS = "incidents", _("Security incidents")


class EcoLabel(models.TextChoices):
    BLAUER_ENGEL = "blauer_engel", _("Blauer Engel DE-UZ 78")
    TCO = "tco", _("TCO Certified")
    EPEAT = "epeat", _("EPEAT")
    REFURBISHED = "refurbished", _("Refurbished")
    NONE = "none", _("None")


class ControlState(models.TextChoices):
    IMPLEMENTED = "implemented", _("Implemented")
    PARTLY = "partly", _("Partly implemented")
    NOT = "not", _("Not implemented")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class IncidentExtent(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class IncidentCause(models.TextChoices):
    ATTACK = "attack", _("Attack")
    MALWARE = "malware", _("Malware")
    HUMAN_ERROR = "human_error", _("Human error")
    TECHNICAL = "technical", _("Technical failure")
    FORCE_MAJEURE = "force_majeure", _("Force majeure")
    OTHER = "other", _("Other")
