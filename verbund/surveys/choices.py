from django.db import models
from django.utils.translation import gettext_lazy as _


class QuestionKind(models.TextChoices):
    LIKERT = "likert", _("satisfaction 1–5")
    NPS = "nps", _("recommendation 0–10 (NPS)")
    SINGLE = "single", _("single choice")
    MULTIPLE = "multiple", _("multiple choice")
    TEXT = "text", _("free text")


class WaveStatus(models.TextChoices):
    DRAFT = "draft", _("in preparation")
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class ResponseSource(models.TextChoices):
    WEB = "web", _("answer page")
    LIMESURVEY = "limesurvey", _("LimeSurvey import")
    DEMO = "demo", _("demo (generated)")


# The labels of the 1–5 scale unless a question names its own (German first, English).
DEFAULT_LIKERT_LABELS = (
    ("sehr unzufrieden", "very dissatisfied"),
    ("unzufrieden", "dissatisfied"),
    ("teils/teils", "neutral"),
    ("zufrieden", "satisfied"),
    ("sehr zufrieden", "very satisfied"),
)
