from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskScheme(models.TextChoices):
    LEIKA = "leika", _("LeiKa key")
    OZG = "ozg", _("OZG id")
    CAPABILITY = "capability", _("internal capability code")


class ItemCategory(models.TextChoices):
    INFRASTRUCTURE = "infrastructure", _("infrastructure")
    WORKPLACE = "workplace", _("workplace")
    PROCEDURE = "procedure", _("specialised procedure")
    PLATFORM = "platform", _("platform")


class Disposition(models.TextChoices):
    NONE = "", _("not decided")
    TOLERATE = "tolerate", _("tolerate")
    INVEST = "invest", _("invest")
    MIGRATE = "migrate", _("migrate")
    ELIMINATE = "eliminate", _("eliminate")


class LegalForm(models.TextChoices):
    OWN_UNIT = "own_unit", _("eigenbetriebsähnliche Einrichtung")
    ASSOCIATION = "association", _("Zweckverband")
    AOR = "aor", _("AöR")
    GMBH = "gmbh", _("GmbH")


class ScenarioKind(models.TextChoices):
    STATUS_QUO = "status_quo", _("status quo")
    COOPERATION = "cooperation", _("cooperation")
    HOLDING = "holding", _("holding with operating company in stages")
    MERGER = "merger", _("full merger")
    VARIANT = "variant", _("variant")


class ScenarioStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    DECIDED = "decided", _("decided")


class Direction(models.TextChoices):
    BENEFIT = "benefit", _("more is better")
    COST = "cost", _("less is better")


# The assumptions of a scenario: name → (label, default low, likely, high).
ASSUMPTIONS: dict[str, tuple[object, str, str, str]] = {
    "synergy": (_("synergy share once ramped up"), "0.05", "0.10", "0.15"),
    "migration": (_("one-off migration cost (share of annual cost)"), "0.20", "0.30", "0.50"),
    "double_running_months": (_("double running (months)"), "3", "6", "12"),
    "attrition": (_("staff attrition per year"), "0.02", "0.03", "0.04"),
    "price_index": (_("price index per year"), "0.015", "0.02", "0.03"),
    "discount_rate": (_("discount rate"), "0.02", "0.03", "0.04"),
}


class StaffStatus(models.TextChoices):
    CIVIL_SERVANT = "civil_servant", _("civil servant")
    EMPLOYEE = "employee", _("employee")
