"""The management contract (Managementkontrakt) between a city and its IT provider, its goals with budgets and
measures, the KPIs per goal with effective-dated targets, the measured values, and the yearly report to the
council (issue #15).

A KPI's definition may change; the change starts a new *series* (`Kpi.series` counts up, `DefinitionChange`
keeps before and after) and every value carries the series it belongs to, so that a trend never compares values
of two definitions. Values (`Measurement`) are appended, never updated: the newest row per KPI, year and
breakdown is the current one, and each row keeps the target version it was judged against. A report once
submitted is a frozen snapshot (`Report.snapshot`), rendered to PDF and CSV from that snapshot only.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from verbund.controlling.choices import ContractStatus, Direction, ReportStatus, SourceKind, Status, Unit
from verbund.core.access import RestrictedQuerySet
from verbund.core.models import AppendOnlyError, TimeStampedModel


class Contract(TimeStampedModel):
    provider = models.ForeignKey(
        "registry.Organization", verbose_name=_("provider"), on_delete=models.PROTECT, related_name="+"
    )
    city = models.ForeignKey(
        "registry.Organization", verbose_name=_("city"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    status = models.CharField(_("status"), max_length=10, choices=ContractStatus.choices, default=ContractStatus.DRAFT)
    decision_reference = models.CharField(_("decision"), max_length=120, blank=True)
    effective_on = models.DateField(_("effective on"), null=True, blank=True)
    demo = models.BooleanField(_("demo figures"), default=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-start_year", "name"]
        verbose_name = _("management contract")
        verbose_name_plural = _("management contracts")

    def __str__(self) -> str:
        return f"{self.name} ({self.start_year}–{self.end_year})"

    def get_absolute_url(self) -> str:
        return reverse("controlling:contract_detail", args=[self.pk])

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)


class Goal(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="goals")
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("goal"), max_length=200)
    text = models.TextField(_("text of the contract"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["contract", "position"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [models.UniqueConstraint(fields=["contract", "position"], name="controlling_goal_position")]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class GoalBudget(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="budgets")
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("budget (EUR)"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["goal", "year"]
        constraints = [models.UniqueConstraint(fields=["goal", "year"], name="controlling_budget_once")]

    def __str__(self) -> str:
        return f"{self.goal_id} {self.year}: {self.amount}"


class Measure(models.Model):
    """A measure the provider takes towards a goal, with its due date."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="measures")
    text = models.CharField(_("measure"), max_length=300)
    due_on = models.DateField(_("due on"))
    done = models.BooleanField(_("done"), default=False)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["goal", "due_on", "id"]

    def __str__(self) -> str:
        return self.text


class Kpi(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="kpis")
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=200)
    definition = models.TextField(_("formula in words"))
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    source_kind = models.CharField(_("source"), max_length=10, choices=SourceKind.choices)
    source_key = models.CharField(_("source key"), max_length=100, blank=True)
    formula = models.CharField(_("formula"), max_length=500, blank=True)
    breakdowns = models.CharField(_("breakdowns"), max_length=40, blank=True)  # "member,product"
    series = models.PositiveSmallIntegerField(_("series"), default=1)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["goal__position", "position", "code"]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        constraints = [models.UniqueConstraint(fields=["goal", "code"], name="controlling_kpi_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("controlling:kpi_detail", args=[self.pk])


class DefinitionChange(models.Model):
    """A changed definition: the KPI's values from `series` on are not comparable with earlier ones."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="changes")
    series = models.PositiveSmallIntegerField(_("new series"))
    from_year = models.PositiveSmallIntegerField(_("from year"))
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    reason = models.TextField(_("reason"))
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kpi", "series"]

    def __str__(self) -> str:
        return f"{self.kpi_id} series {self.series}"


class Target(models.Model):
    """A target valid from a year until the next one, with the width of the amber band (tolerance)."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="targets")
    valid_from = models.PositiveSmallIntegerField(_("valid from (year)"))
    value = models.DecimalField(_("target"), max_digits=16, decimal_places=4)
    tolerance = models.DecimalField(_("tolerance"), max_digits=16, decimal_places=4, default=0)
    review_on = models.DateField(_("review on"), null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["kpi", "valid_from", "id"]

    def __str__(self) -> str:
        return f"{self.kpi_id} from {self.valid_from}: {self.value}"


class Measurement(models.Model):
    """One value of a KPI for a year, appended, never updated: the total (member, product and office empty) or one
    breakdown (one of member, product, office set)."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="measurements")
    year = models.PositiveSmallIntegerField(_("year"))
    member = models.ForeignKey(
        "registry.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    office = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    series = models.PositiveSmallIntegerField(_("series"))
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=6)
    source_kind = models.CharField(_("source"), max_length=10, choices=SourceKind.choices)
    source_key = models.CharField(_("source key"), max_length=100, blank=True)
    target = models.ForeignKey(Target, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=6, choices=Status.choices, default=Status.NONE)
    cut_off = models.DateField(_("cut-off date"), null=True, blank=True)
    records = models.JSONField(default=list, blank=True)  # snapshot of the drill-down records
    record_count = models.PositiveIntegerField(default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)
    comment = models.TextField(_("commentary"), blank=True)
    evidence_text = models.TextField(_("evidence"), blank=True)
    evidence_url = models.URLField(_("evidence URL"), blank=True)
    evidence_name = models.CharField(_("evidence file"), max_length=200, blank=True)
    evidence_data = models.BinaryField(null=True, blank=True, editable=False)
    trace = models.JSONField(default=list, blank=True)
    demo = models.BooleanField(_("demo figures"), default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered at"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["kpi", "year", "id"]
        verbose_name = _("KPI value")
        verbose_name_plural = _("KPI values")
        indexes = [models.Index(fields=["kpi", "year"])]

    def __str__(self) -> str:
        return f"{self.kpi.code} {self.year}: {self.value}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise AppendOnlyError("A KPI value is never changed; enter a new one.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("controlling:measurement_detail", args=[self.pk])


class KpiSummary(models.Model):
    """The current total of a KPI per year, kept up to date whenever a total is stored (`services.values._append`), so
    that the dashboard reads one row per KPI instead of every stored value (ADR 0038, amendment 2).

    `points` maps the year (text) to the newest total of that year: its id, value (text), status, series,
    cut-off date, record count, commentary, target version and demo flag. It is derived data: `summaries.rebuild`
    computes it again from the values (the report to the council always reads the values themselves)."""

    kpi = models.OneToOneField(Kpi, on_delete=models.CASCADE, related_name="summary", primary_key=True)
    points = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("KPI summary")
        verbose_name_plural = _("KPI summaries")

    def __str__(self) -> str:
        return f"{self.kpi_id}: {len(self.points)} years"


class Report(models.Model):
    """The yearly report to the council, frozen when it is submitted as a committee paper."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="reports")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED)
    snapshot = models.JSONField(default=dict)
    paper = models.ForeignKey("governance.Paper", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    agenda_item = models.ForeignKey(
        "governance.AgendaItem", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_reference = models.CharField(_("decision"), max_length=120, blank=True)
    noted_on = models.DateField(_("taken note of on"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    demo = models.BooleanField(_("demo figures"), default=False)
    pdf = models.BinaryField(null=True, blank=True, editable=False)  # rendered once from the snapshot (archive)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("council report")
        verbose_name_plural = _("council reports")
        constraints = [models.UniqueConstraint(fields=["contract", "year"], name="controlling_one_report_per_year")]

    def __str__(self) -> str:
        return f"{self.contract.name} – {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("controlling:report_detail", args=[self.pk])

    @classmethod
    def access_member_filter(cls, organization_id: int) -> Q:
        """Members see a report once it is published (submitted to the committee), never the draft values."""
        return Q(status__in=[ReportStatus.SUBMITTED, ReportStatus.NOTED])
