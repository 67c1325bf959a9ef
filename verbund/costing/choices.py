from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted to the committee")
    APPROVED = "approved", _("approved")
    FROZEN = "frozen", _("frozen (year closed)")


class CentreKind(models.TextChoices):
    SUPPORT = "support", _("support cost centre")
    END = "end", _("end cost centre")


class Method(models.TextChoices):
    DIRECT = "direct", _("direct method")
    STEP_DOWN = "step_down", _("step-down method")
    RECIPROCAL = "reciprocal", _("reciprocal method")


class Charging(models.TextChoices):
    METERED = "metered", _("quantity × rate")
    SHARED = "shared", _("share by allocation key")


class KeyBasis(models.TextChoices):
    INHABITANTS = "inhabitants", _("inhabitants")
    WORKSTATIONS = "workstations", _("workstations")
    CASES = "cases", _("cases")
    METERED_USAGE = "metered_usage", _("metered usage of the product")
    FIXED_SHARES = "fixed_shares", _("fixed shares")
