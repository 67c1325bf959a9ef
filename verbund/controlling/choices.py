from django.db import models
from django.utils.translation import gettext_lazy as _


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    EFFECTIVE = "effective", _("effective")


class Direction(models.TextChoices):
    HIGHER = "higher", _("higher is better")
    LOWER = "lower", _("lower is better")


class SourceKind(models.TextChoices):
    COMPUTED = "computed", _("computed from Verbund data")
    IMPORTED = "imported", _("imported evidence")
    MANUAL = "manual", _("manual entry with evidence")
    FORMULA = "formula", _("formula over other KPIs")


class Unit(models.TextChoices):
    SHARE = "share", _("share (%)")
    SCORE = "score", _("score")
    COUNT = "count", _("count")
    DAYS = "days", _("days")
    YEARS = "years", _("years")
    EUR = "eur", _("EUR")
    HOURS = "hours", _("hours")
    NUMBER = "number", _("number")


class Status(models.TextChoices):
    GREEN = "green", _("on target")
    AMBER = "amber", _("within tolerance")
    RED = "red", _("missed")
    NONE = "none", _("not judged")


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted to the committee")
    NOTED = "noted", _("taken note of")
