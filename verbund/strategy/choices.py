from django.db import models
from django.utils.translation import gettext_lazy as _


class CatalogueEntity(models.TextChoices):
    THEMENFELD = "themenfeld", _("Themenfeld")
    LEBENSLAGE = "lebenslage", _("Lebenslage")
    OZG = "ozg", _("OZG service")
    LEIKA = "leika", _("LeiKa service")


class ChangeKind(models.TextChoices):
    ADDED = "added", _("added")
    CHANGED = "changed", _("changed")
    WITHDRAWN = "withdrawn", _("withdrawn")


class CommuneMatch(models.TextChoices):
    EXACT = "exact", _("exact name")
    PREFIX = "prefix", _("name with an addition")
    SIMILAR = "similar", _("similar spelling")
    AMBIGUOUS = "ambiguous", _("ambiguous")
    NONE = "none", _("not found")


class SolutionKind(models.TextChoices):
    NONE = "none", _("no solution")
    CATALOGUE = "catalogue", _("catalogue product of the provider")
    EFA = "efa", _("EfA service")
    OWN = "own", _("own solution")


class MaturityModelVersion(models.TextChoices):
    RG_2020 = "2020", _("Maturity model 1.1 (2020, levels 0–4)")
    RG_2025 = "2025", _("Maturity model 2.0 (2025, levels 0–7)")


class EntrySource(models.TextChoices):
    MANUAL = "manual", _("entered by hand")
    DASHBOARD = "dashboard", _("dashboard export")
    DEMO = "demo", _("demo figures")


class RoadmapStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
