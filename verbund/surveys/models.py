"""Satisfaction surveys: questionnaires (versioned once used), yearly waves with their target population,
anonymous single-use invitations, responses and their answers, reminder runs.

Anonymity (ADR 0036): an invitation holds only the SHA-256 hash of its token (the token itself is in the link
sent once and never stored). When it is answered, the invitation is marked used and its e-mail address and draft
are erased; the response keeps the member and office (Amt) and the day, no reference to the invitation, no time
of day and no person. No row, audit event or timestamp links a response to an invitation after submission.
"""

import hashlib
import json

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from verbund.core.access import RestrictedQuerySet
from verbund.core.models import TimeStampedModel
from verbund.surveys.choices import DEFAULT_LIKERT_LABELS, QuestionKind, ResponseSource, WaveStatus

series_key_validator = RegexValidator(
    r"^[a-z][a-z0-9_]{0,39}$", _("Lower-case letters, digits and _; it starts with a letter.")
)


def _english() -> bool:
    return (get_language() or "de").startswith("en")


class Questionnaire(TimeStampedModel):
    provider = models.ForeignKey(
        "registry.Organization", verbose_name=_("provider"), on_delete=models.PROTECT, related_name="questionnaires"
    )
    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.ForeignKey(
        "self", verbose_name=_("previous version"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    demo = models.BooleanField(_("demo data"), default=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["name", "-version"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        constraints = [
            models.UniqueConstraint(fields=["provider", "name", "version"], name="surveys_questionnaire_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    def get_absolute_url(self) -> str:
        return reverse("surveys:questionnaire_detail", args=[self.pk])

    @property
    def used(self) -> bool:
        """A version that a wave uses is never edited; editing it makes a new version."""
        return self.waves.exists()


class Section(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title (German)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return self.title_en if _english() and self.title_en else self.title


class Question(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    series_key = models.CharField(
        _("series key"),
        max_length=40,
        validators=[series_key_validator],
        help_text=_("Stays the same across versions; also the question code of a LimeSurvey export."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("question (German)"), max_length=500)
    text_en = models.CharField(_("question (English)"), max_length=500, blank=True)
    # Likert: five labels; choices: the options. Each {"code": "A1", "de": "...", "en": "..."}.
    options = models.JSONField(_("options"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("product category"), max_length=30, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["section__position", "position", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "series_key"], name="surveys_question_key_once")
        ]

    def __str__(self) -> str:
        return f"{self.series_key}: {self.text}"

    @property
    def display_text(self) -> str:
        return self.text_en if _english() and self.text_en else self.text

    def option_list(self) -> list[dict[str, str]]:
        if self.kind == QuestionKind.LIKERT and not self.options:
            return [{"code": str(i + 1), "de": de, "en": en} for i, (de, en) in enumerate(DEFAULT_LIKERT_LABELS)]
        if self.kind == QuestionKind.NPS:
            return [{"code": str(i), "de": str(i), "en": str(i)} for i in range(11)]
        return list(self.options)

    def display_options(self) -> list[tuple[str, str]]:
        english = _english()
        return [(o["code"], (o.get("en") or o["de"]) if english else o["de"]) for o in self.option_list()]

    @property
    def wording(self) -> str:
        """A fingerprint of what the respondent read (kind, German text, scale labels): a change breaks the
        year-over-year series."""
        data = json.dumps([self.kind, self.text.strip(), [o.get("de", "") for o in self.option_list()]])
        return hashlib.sha256(data.encode()).hexdigest()[:16]


class Wave(TimeStampedModel):
    provider = models.ForeignKey(
        "registry.Organization", verbose_name=_("provider"), on_delete=models.PROTECT, related_name="survey_waves"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    name = models.CharField(_("name"), max_length=200)
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.PROTECT, related_name="waves"
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    status = models.CharField(
        _("status"), max_length=10, choices=WaveStatus.choices, default=WaveStatus.DRAFT, db_index=True
    )
    demo = models.BooleanField(_("demo data"), default=False)
    analysis = models.JSONField(null=True, blank=True, editable=False)
    analysed_at = models.DateTimeField(_("analysed at"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("survey wave")
        verbose_name_plural = _("survey waves")
        constraints = [models.UniqueConstraint(fields=["provider", "year"], name="surveys_one_wave_per_year")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("surveys:wave_detail", args=[self.pk])

    @classmethod
    def access_member_filter(cls, organization_id: int) -> Q:
        """Members see the closed waves they were asked in (their own results and the overall result)."""
        return Q(status=WaveStatus.CLOSED, pk__in=Target.objects.filter(member_id=organization_id).values("wave_id"))

    @property
    def accepts_answers(self) -> bool:
        today = timezone.localdate()
        return self.status == WaveStatus.OPEN and self.opens_on <= today <= self.closes_on


class Target(models.Model):
    """The target population of a wave: per member and office (Amt), the number of staff."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="targets")
    member = models.ForeignKey(
        "registry.Organization", verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    office = models.CharField(_("office"), max_length=120)
    staff = models.PositiveIntegerField(_("staff"), validators=[MinValueValidator(1)])

    objects = RestrictedQuerySet.as_manager()
    access_owner_paths = ("member",)

    class Meta:
        ordering = ["member__name", "office"]
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        constraints = [models.UniqueConstraint(fields=["wave", "member", "office"], name="surveys_target_once")]

    def __str__(self) -> str:
        return f"{self.member} – {self.office}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """A single-use anonymous link. No `modified` timestamp: the time of answering is recorded nowhere."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="invitations")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField(_("e-mail"), blank=True)  # erased when answered
    used = models.BooleanField(_("answered"), default=False, db_index=True)
    draft = models.JSONField(default=dict, blank=True)  # erased when answered
    reminders = models.PositiveSmallIntegerField(_("reminders"), default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.wave} #{self.pk}"


class Response(models.Model):
    """One submitted questionnaire: member, office and day, nothing that leads to a person or an invitation."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="responses")
    member = models.ForeignKey(
        "registry.Organization", verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    office = models.CharField(_("office"), max_length=120)
    submitted_on = models.DateField(_("submitted on"))
    source = models.CharField(_("source"), max_length=12, choices=ResponseSource.choices)
    external_id = models.CharField(_("LimeSurvey response id"), max_length=40, blank=True)
    demo = models.BooleanField(_("demo data"), default=False)

    objects = RestrictedQuerySet.as_manager()
    access_owner_paths = ("member",)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "external_id"], condition=~Q(external_id=""), name="surveys_external_id_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.wave} – {self.member_id}/{self.office}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.SmallIntegerField(null=True, blank=True)  # Likert 1–5, NPS 0–10
    choices = models.JSONField(default=list, blank=True)  # codes of the chosen options
    text = models.TextField(blank=True, max_length=4000)

    objects = RestrictedQuerySet.as_manager()
    access_owner_paths = ("response__member",)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="surveys_answer_once")]

    def __str__(self) -> str:
        return f"{self.question.series_key}"


class ReminderRun(models.Model):
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="reminder_runs")
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("reminder run")
        verbose_name_plural = _("reminder runs")

    def __str__(self) -> str:
        return f"{self.wave}: {self.sent_at:%Y-%m-%d}"
