"""Committees, their members and weights, meetings with agendas, papers, votes and decisions.

Modelled on OParl 1.1 (Organization, Person, Membership, Meeting, AgendaItem, Paper, Consultation, File,
LegislativeTerm). Every published object has `created`, `modified` and a soft-delete flag `deleted`.
Decisions are append-only.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from verbund.core.access import RestrictedQuerySet
from verbund.core.models import AppendOnlyError, TimeStampedModel
from verbund.governance.choices import (
    Choice,
    CommitteeKind,
    DecisionEffect,
    DecisionResult,
    MajorityRule,
    MeetingState,
    MembershipRole,
    PaperType,
    SubjectKind,
)
from verbund.governance.querysets import PublishedQuerySet, SeatScoped


class Published(SeatScoped, TimeStampedModel):
    """Common to all OParl objects: soft delete (kept, shown as deleted: true)."""

    deleted = models.BooleanField(_("deleted"), default=False)

    class Meta:
        abstract = True

    @classmethod
    def access_member_filter(cls, organization_id: int) -> Q:
        """Committee business is public record (OParl); non-public parts are filtered by the selectors."""
        return Q(deleted=False)


class LegislativeTerm(Published):
    body = models.ForeignKey("registry.Organization", on_delete=models.PROTECT, related_name="legislative_terms")
    name = models.CharField(_("name"), max_length=120)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("term of office")
        verbose_name_plural = _("terms of office")

    def __str__(self) -> str:
        return self.name


class Committee(Published):
    """A body of the association: Zentralausschuss, Arbeitsausschuss, Betriebsausschuss."""

    body = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("body"),
        on_delete=models.PROTECT,
        related_name="committees",
        help_text=_("The provider or association whose body this committee is."),
    )
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=20)
    kind = models.CharField(_("kind"), max_length=10, choices=CommitteeKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sub_committees",
    )
    advisory = models.BooleanField(
        _("advisory only"), default=False, help_text=_("An advisory committee prepares but does not decide.")
    )
    weighted_votes = models.BooleanField(_("weighted votes"), default=True)
    majority_rule = models.CharField(
        _("default majority"), max_length=12, choices=MajorityRule.choices, default=MajorityRule.SIMPLE
    )
    quorum_share = models.DecimalField(
        _("quorum (share of weights present)"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.500"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    start_date = models.DateField(_("established on"), null=True, blank=True)

    objects = PublishedQuerySet.as_manager()
    seat_committee_path = "pk"

    class Meta:
        ordering = ["name"]
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        constraints = [models.UniqueConstraint(fields=["body", "short_name"], name="governance_committee_short")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("governance:committee_detail", args=[self.pk])


class Person(Published):
    """A person in a committee: usually the chief administrative officer of a member, or a deputy."""

    name = models.CharField(_("name"), max_length=200)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    form_of_address = models.CharField(_("form of address"), max_length=50, blank=True)
    title = models.CharField(_("title / office"), max_length=120, blank=True)
    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="committee_persons",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="committee_person",
    )

    objects = PublishedQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "name"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        return self.name


class Membership(Published):
    """A person's seat in a committee, with role, voting right and weight; on behalf of a member."""

    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.PROTECT, related_name="memberships"
    )
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=12, choices=MembershipRole.choices, default=MembershipRole.MEMBER)
    voting_right = models.BooleanField(_("voting right"), default=True)
    voting_weight = models.DecimalField(
        _("voting weight"),
        max_digits=8,
        decimal_places=3,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal(0))],
    )
    on_behalf_of = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="committee_seats",
    )
    deputy_for = models.ForeignKey(
        "self", verbose_name=_("deputy for"), null=True, blank=True, on_delete=models.PROTECT, related_name="deputies"
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)

    objects = PublishedQuerySet.as_manager()
    seat_committee_path = "committee"

    class Meta:
        ordering = ["committee", "role", "person__family_name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(condition=Q(voting_weight__gte=0), name="governance_weight_non_negative"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="governance_membership_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.committee.short_name})"

    def is_active_on(self, day: Any) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


class Meeting(Published):
    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.PROTECT, related_name="meetings"
    )
    name = models.CharField(_("name"), max_length=200)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"), null=True, blank=True)
    location = models.CharField(_("place"), max_length=255, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=MeetingState.choices, default=MeetingState.SCHEDULED, db_index=True
    )

    objects = PublishedQuerySet.as_manager()
    seat_committee_path = "committee"

    class Meta:
        ordering = ["-start"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.name} ({self.start:%d.%m.%Y})"

    def get_absolute_url(self) -> str:
        return reverse("governance:meeting_detail", args=[self.pk])


class Paper(Published):
    """A motion (Beschlussvorlage) or report; may ask for approval of a subject in another app."""

    body = models.ForeignKey(
        "registry.Organization", verbose_name=_("body"), on_delete=models.PROTECT, related_name="papers"
    )
    reference = models.CharField(_("reference"), max_length=40)
    name = models.CharField(_("title"), max_length=255)
    paper_type = models.CharField(_("type"), max_length=12, choices=PaperType.choices, default=PaperType.RESOLUTION)
    date = models.DateField(_("date"))
    text = models.TextField(_("text"), blank=True)
    proposed_resolution = models.TextField(_("proposed resolution"), blank=True)
    subject_kind = models.CharField(
        _("subject"), max_length=20, choices=SubjectKind.choices, blank=True, default=SubjectKind.NONE
    )
    subject_id = models.PositiveBigIntegerField(_("subject id"), null=True, blank=True)
    majority_rule = models.CharField(
        _("majority needed"),
        max_length=12,
        choices=MajorityRule.choices,
        blank=True,
        help_text=_("Empty: the committee's default rule."),
    )
    public = models.BooleanField(_("public"), default=True)

    objects = PublishedQuerySet.as_manager()
    seat_paper_path = "pk"

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("paper")
        verbose_name_plural = _("papers")
        constraints = [
            models.UniqueConstraint(fields=["body", "reference"], name="governance_paper_reference"),
            models.CheckConstraint(
                condition=Q(subject_kind="") | Q(subject_id__isnull=False), name="governance_paper_subject_has_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("governance:paper_detail", args=[self.pk])


class Attachment(Published):
    """A file attached to a paper (OParl File)."""

    paper = models.ForeignKey(Paper, on_delete=models.PROTECT, related_name="attachments")
    name = models.CharField(_("name"), max_length=200)
    file_name = models.CharField(_("file name"), max_length=200)
    mime_type = models.CharField(max_length=100)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    sha512 = models.CharField(max_length=128)

    objects = PublishedQuerySet.as_manager()
    seat_paper_path = "paper"

    class Meta:
        ordering = ["paper", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class AgendaItem(Published):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="agenda_items"
    )
    number = models.CharField(_("number"), max_length=20)
    position = models.PositiveIntegerField(_("order"))
    name = models.CharField(_("title"), max_length=255)
    public = models.BooleanField(_("public"), default=True)
    paper = models.ForeignKey(
        Paper, verbose_name=_("paper"), null=True, blank=True, on_delete=models.PROTECT, related_name="agenda_items"
    )
    decides = models.BooleanField(
        _("decision on this item"),
        default=True,
        help_text=_("Off for items taken note of or only prepared (Vorberatung)."),
    )

    objects = PublishedQuerySet.as_manager()
    seat_committee_path = "meeting__committee"

    class Meta:
        ordering = ["meeting", "position", "id"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [models.UniqueConstraint(fields=["meeting", "position"], name="governance_agenda_position")]

    def __str__(self) -> str:
        return f"TOP {self.number} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("governance:agenda_item_detail", args=[self.pk])


class Attendance(SeatScoped, models.Model):
    """Who was present at a meeting, in person or represented by a proxy (Vertretung / Stimmrechtsübertragung)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendances")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="attendances")
    present = models.BooleanField(_("present in person"), default=True)
    proxy = models.ForeignKey(
        Person,
        verbose_name=_("represented by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proxy_attendances",
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    seat_committee_path = "meeting__committee"

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [models.UniqueConstraint(fields=["meeting", "membership"], name="governance_attendance_once")]

    def __str__(self) -> str:
        return f"{self.membership} @ {self.meeting}"

    @classmethod
    def access_member_filter(cls, organization_id: int) -> Q:
        return Q()

    @property
    def represented(self) -> bool:
        return self.present or self.proxy_id is not None


class Vote(SeatScoped, models.Model):
    """One member's vote on an agenda item, cast by the member or its recorded proxy. Changeable until the
    decision is recorded; the audit trail keeps every change."""

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="votes")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="votes")
    cast_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cast_votes")
    choice = models.CharField(_("vote"), max_length=8, choices=Choice.choices)
    weight = models.DecimalField(_("weight"), max_digits=8, decimal_places=3)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()
    seat_committee_path = "agenda_item__meeting__committee"

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["agenda_item", "membership"], name="governance_vote_once")]

    def __str__(self) -> str:
        return f"{self.membership}: {self.choice}"

    @classmethod
    def access_member_filter(cls, organization_id: int) -> Q:
        return Q(membership__on_behalf_of_id=organization_id)


class DecisionQuerySet(RestrictedQuerySet["Decision"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("decisions are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("decisions are append-only")


class Decision(SeatScoped, models.Model):
    """The recorded outcome of a vote on an agenda item. Append-only: an amendment or repeal is a new decision
    that references this one."""

    agenda_item = models.OneToOneField(AgendaItem, on_delete=models.PROTECT, related_name="decision")
    number = models.CharField(_("decision number"), max_length=40, unique=True)
    result = models.CharField(_("result"), max_length=10, choices=DecisionResult.choices)
    majority_rule = models.CharField(_("majority rule"), max_length=12, choices=MajorityRule.choices)
    weighted = models.BooleanField(_("weighted"))
    quorum_share = models.DecimalField(max_digits=4, decimal_places=3)
    total_weight = models.DecimalField(max_digits=12, decimal_places=3)
    present_weight = models.DecimalField(max_digits=12, decimal_places=3)
    yes_weight = models.DecimalField(max_digits=12, decimal_places=3)
    no_weight = models.DecimalField(max_digits=12, decimal_places=3)
    abstain_weight = models.DecimalField(max_digits=12, decimal_places=3)
    tally = models.JSONField(_("tally"), help_text=_("Each ballot and the rule's trace, as recorded."))
    resolution_text = models.TextField(_("resolution"), blank=True)
    subject_kind = models.CharField(max_length=20, choices=SubjectKind.choices, blank=True)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject_effect = models.CharField(_("effect"), max_length=255, blank=True)
    amends = models.ForeignKey(
        "self", verbose_name=_("amends"), null=True, blank=True, on_delete=models.PROTECT, related_name="amendments"
    )
    repeals = models.ForeignKey(
        "self", verbose_name=_("repeals"), null=True, blank=True, on_delete=models.PROTECT, related_name="repealed_by"
    )
    decided_on = models.DateField(_("decided on"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = DecisionQuerySet.as_manager()
    seat_committee_path = "agenda_item__meeting__committee"

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"{self.number}: {self.get_result_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("decisions are append-only")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("governance:agenda_item_detail", args=[self.agenda_item_id])

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("decisions are append-only")

    @property
    def effect_display(self) -> str:
        """The effect in the reader's language, naming the kind of subject (lists: no query per row)."""
        return self.effect_text()

    def effect_text(self, subject: str = "") -> str:
        """The effect in the reader's language, naming `subject` when given (pages of one decision). Since
        issue #10 the service stores a code (DecisionEffect) and this puts it into words; decisions recorded
        before keep the text they were recorded with."""
        if self.subject_effect == DecisionEffect.APPROVED:
            kind = SubjectKind(self.subject_kind).label if self.subject_kind in SubjectKind.values else ""
            return gettext("%(subject)s approved by decision %(number)s") % {
                "subject": subject or capfirst(str(kind)),
                "number": self.number,
            }
        if self.subject_effect == DecisionEffect.RECOMMENDED:
            return gettext("Recommendation of an advisory committee; no effect on its own.")
        return self.subject_effect

    @classmethod
    def access_member_filter(cls, organization_id: int) -> Q:
        return Q(agenda_item__public=True)
