"""Closing a plan year: actual figures, the post-calculation (Nachkalkulation) and its results, carry-forwards
of over- and under-recovery into later plans, and the provider's business plan and annual accounts.

A `Closing` is a version of the post-calculation of one approved (or frozen) plan version, like the plan itself:
its actual figures are entered or imported, it is calculated with the plan's allocation method, and once approved
it is never changed. Codes of cost centres, cost types and products are those of the plan.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from verbund.closing.choices import BusinessPlanPart, ClosingStatus, ImportKind
from verbund.core.access import RestrictedQuerySet
from verbund.core.models import TimeStampedModel


class Closing(TimeStampedModel):
    plan = models.ForeignKey(
        "costing.PlanVersion", verbose_name=_("plan version"), on_delete=models.PROTECT, related_name="closings"
    )
    provider = models.ForeignKey(
        "registry.Organization", verbose_name=_("provider"), on_delete=models.PROTECT, related_name="closings"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=ClosingStatus.choices, default=ClosingStatus.DRAFT, db_index=True
    )
    demo = models.BooleanField(_("demo figures"), default=False)
    calculated_at = models.DateTimeField(_("calculated at"), null=True, blank=True)
    actual_total = models.DecimalField(_("total actual cost"), max_digits=16, decimal_places=2, null=True, blank=True)
    result_total = models.DecimalField(
        _("over-/under-recovery"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    summary_trace = models.JSONField(default=list, blank=True)
    decision_reference = models.CharField(_("decision"), max_length=120, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("post-calculation")
        verbose_name_plural = _("post-calculations")
        constraints = [
            models.UniqueConstraint(
                fields=["plan"], condition=Q(status="approved"), name="closing_one_approved_per_plan"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("closing:closing_detail", args=[self.pk])

    @property
    def editable(self) -> bool:
        return self.status == ClosingStatus.DRAFT

    @classmethod
    def access_member_filter(cls, organization_id: int) -> Q:
        """Members see approved post-calculations (their own over-/under-recovery is explained by them)."""
        return Q(status=ClosingStatus.APPROVED)


class ActualCost(models.Model):
    """Actual primary cost of a cost type on a cost centre of the plan (from the finance system)."""

    closing = models.ForeignKey(Closing, on_delete=models.CASCADE, related_name="costs")
    centre = models.ForeignKey("costing.CostCentre", on_delete=models.CASCADE, related_name="+")
    cost_type = models.ForeignKey("costing.CostType", on_delete=models.CASCADE, related_name="+")
    amount = models.DecimalField(_("amount (EUR)"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["centre__code", "cost_type__code"]
        verbose_name = _("actual cost")
        verbose_name_plural = _("actual costs")
        constraints = [models.UniqueConstraint(fields=["closing", "centre", "cost_type"], name="closing_cost_once")]

    def __str__(self) -> str:
        return f"{self.centre.code}/{self.cost_type.code}: {self.amount}"


class ActualFlow(models.Model):
    """Actual service quantity from support centre `provider` to `receiver`."""

    closing = models.ForeignKey(Closing, on_delete=models.CASCADE, related_name="flows")
    provider = models.ForeignKey("costing.CostCentre", on_delete=models.CASCADE, related_name="+")
    receiver = models.ForeignKey("costing.CostCentre", on_delete=models.CASCADE, related_name="+")
    quantity = models.DecimalField(
        _("quantity"), max_digits=16, decimal_places=4, validators=[MinValueValidator(Decimal(0))]
    )

    class Meta:
        ordering = ["provider__code", "receiver__code"]
        verbose_name = _("actual service quantity")
        verbose_name_plural = _("actual service quantities")
        constraints = [models.UniqueConstraint(fields=["closing", "provider", "receiver"], name="closing_flow_once")]

    def __str__(self) -> str:
        return f"{self.provider.code} → {self.receiver.code}: {self.quantity}"


class ActualPriceIndex(models.Model):
    """Actual price level of a cost type against the plan (1.0300 = 3 % dearer), for the price variance."""

    closing = models.ForeignKey(Closing, on_delete=models.CASCADE, related_name="price_indices")
    cost_type = models.ForeignKey("costing.CostType", on_delete=models.CASCADE, related_name="+")
    index = models.DecimalField(
        _("price index"), max_digits=8, decimal_places=4, validators=[MinValueValidator(Decimal("0.0001"))]
    )

    class Meta:
        ordering = ["cost_type__code"]
        verbose_name = _("price index")
        verbose_name_plural = _("price indices")
        constraints = [models.UniqueConstraint(fields=["closing", "cost_type"], name="closing_index_once")]

    def __str__(self) -> str:
        return f"{self.cost_type.code}: {self.index}"


class ActualUsage(models.Model):
    """Actual quantity of a metered product that a member used in a period of the year (YYYY, YYYY-MM, YYYY-Qn)."""

    # No index of its own: the unique (closing, member, product plan, period) index serves lookups by closing, and
    # a national import (2 million rows, issue #18) maintains one index less.
    closing = models.ForeignKey(Closing, on_delete=models.CASCADE, related_name="usage", db_index=False)
    member = models.ForeignKey("registry.Organization", on_delete=models.PROTECT, related_name="actual_usage")
    product_plan = models.ForeignKey("costing.ProductPlan", on_delete=models.CASCADE, related_name="+")
    period = models.CharField(_("period"), max_length=7)
    quantity = models.DecimalField(
        _("quantity"), max_digits=16, decimal_places=4, validators=[MinValueValidator(Decimal(0))]
    )

    objects = RestrictedQuerySet.as_manager()
    access_owner_paths = ("member_id",)

    class Meta:
        ordering = ["member__ags", "product_plan__product__number", "period"]
        verbose_name = _("actual usage")
        verbose_name_plural = _("actual usage")
        constraints = [
            models.UniqueConstraint(fields=["closing", "member", "product_plan", "period"], name="closing_usage_once")
        ]

    def __str__(self) -> str:
        return f"{self.member_id}/{self.product_plan_id}/{self.period}: {self.quantity}"


class ActualImport(models.Model):
    """One import of a file of actual figures: what it replaced (the diff), by whom, from which file."""

    closing = models.ForeignKey(Closing, on_delete=models.CASCADE, related_name="imports")
    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    added = models.PositiveIntegerField(_("added"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    removed = models.PositiveIntegerField(_("removed"), default=0)
    diff = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("import of actual figures")
        verbose_name_plural = _("imports of actual figures")

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"


class ProductOutcome(models.Model):
    """Result of the post-calculation per product: plan vs actual, variances and over-/under-recovery."""

    closing = models.ForeignKey(Closing, on_delete=models.CASCADE, related_name="products")
    product_plan = models.ForeignKey("costing.ProductPlan", on_delete=models.CASCADE, related_name="+")
    planned_quantity = models.DecimalField(max_digits=16, decimal_places=4, null=True)
    actual_quantity = models.DecimalField(max_digits=16, decimal_places=4, null=True)
    plan_cost = models.DecimalField(max_digits=16, decimal_places=2)
    credited = models.DecimalField(max_digits=16, decimal_places=2)
    target = models.DecimalField(max_digits=16, decimal_places=2)
    actual_cost = models.DecimalField(max_digits=16, decimal_places=2)
    price_variance = models.DecimalField(max_digits=16, decimal_places=2)
    efficiency_variance = models.DecimalField(max_digits=16, decimal_places=2)
    volume_variance = models.DecimalField(max_digits=16, decimal_places=2)
    total_variance = models.DecimalField(max_digits=16, decimal_places=2)
    plan_rate = models.DecimalField(max_digits=16, decimal_places=4, null=True)
    actual_rate = models.DecimalField(max_digits=16, decimal_places=4, null=True)
    revenue = models.DecimalField(max_digits=16, decimal_places=2)
    carry_forward = models.DecimalField(max_digits=16, decimal_places=2)
    over_under = models.DecimalField(max_digits=16, decimal_places=2)
    trace = models.JSONField(default=list)

    class Meta:
        ordering = ["product_plan__product__number"]
        constraints = [models.UniqueConstraint(fields=["closing", "product_plan"], name="closing_product_once")]

    def __str__(self) -> str:
        return f"{self.product_plan_id}: {self.over_under}"


class MemberOutcome(models.Model):
    """A member's over- (+) or under-recovery (−) of a product in the closed year, with its trace (showback)."""

    closing = models.ForeignKey(Closing, on_delete=models.CASCADE, related_name="member_outcomes")
    member = models.ForeignKey("registry.Organization", on_delete=models.PROTECT, related_name="recoveries")
    product_plan = models.ForeignKey("costing.ProductPlan", on_delete=models.CASCADE, related_name="+")
    quantity = models.DecimalField(max_digits=16, decimal_places=4, null=True)
    revenue = models.DecimalField(max_digits=16, decimal_places=2)
    cost = models.DecimalField(max_digits=16, decimal_places=2)
    over_under = models.DecimalField(max_digits=16, decimal_places=2)
    trace = models.JSONField(default=list)

    objects = RestrictedQuerySet.as_manager()
    access_owner_paths = ("member_id",)

    class Meta:
        ordering = ["member__name", "product_plan__product__number"]
        verbose_name = _("over-/under-recovery of a member")
        verbose_name_plural = _("over-/under-recovery of members")
        constraints = [
            models.UniqueConstraint(fields=["closing", "member", "product_plan"], name="closing_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.member_id}/{self.product_plan_id}: {self.over_under}"


class CarryForward(models.Model):
    """Over-/under-recovery of a product in `from_year` carried into a later plan version (once per product and
    year of origin: the unique constraint makes a second carry impossible)."""

    closing = models.ForeignKey(Closing, on_delete=models.PROTECT, related_name="carry_forwards")
    provider = models.ForeignKey("registry.Organization", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT)
    from_year = models.PositiveSmallIntegerField(_("from year"))
    amount = models.DecimalField(_("amount (EUR)"), max_digits=16, decimal_places=2)
    target_plan = models.ForeignKey(
        "costing.PlanVersion", verbose_name=_("into plan"), on_delete=models.PROTECT, related_name="carried_in"
    )
    first_year = models.PositiveSmallIntegerField(_("first year"))
    years = models.PositiveSmallIntegerField(_("spread over years"), default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["from_year", "product__number"]
        verbose_name = _("carry-forward")
        verbose_name_plural = _("carry-forwards")
        constraints = [
            models.UniqueConstraint(fields=["provider", "product", "from_year"], name="closing_carry_once"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} {self.from_year}: {self.amount}"


class BusinessPlanLine(models.Model):
    """One line of the provider's business plan (Wirtschaftsplan) with its planned and actual figure (annual
    accounts, Jahresabschluss). Money in EUR; posts in full-time equivalents."""

    provider = models.ForeignKey("registry.Organization", on_delete=models.PROTECT, related_name="business_plan")
    year = models.PositiveSmallIntegerField(_("year"))
    part = models.CharField(_("part"), max_length=12, choices=BusinessPlanPart.choices)
    code = models.CharField(_("code"), max_length=20)
    label = models.CharField(_("label"), max_length=200)
    planned = models.DecimalField(_("plan"), max_digits=16, decimal_places=2)
    actual = models.DecimalField(_("actual"), max_digits=16, decimal_places=2, null=True, blank=True)
    demo = models.BooleanField(_("demo figures"), default=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["year", "part", "code"]
        verbose_name = _("business plan line")
        verbose_name_plural = _("business plan lines")
        constraints = [
            models.UniqueConstraint(fields=["provider", "year", "part", "code"], name="closing_business_line_once")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.part} {self.code}"

    @property
    def difference(self) -> Decimal | None:
        return None if self.actual is None else self.actual - self.planned


class CommitteeReport(models.Model):
    """The business plan and annual accounts of a year as a report paper to the committee (Berichtsvorlage),
    linked to the plan costing and the post-calculation of that year."""

    provider = models.ForeignKey("registry.Organization", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    plan = models.ForeignKey("costing.PlanVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    closing = models.ForeignKey(Closing, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    paper = models.ForeignKey("governance.Paper", on_delete=models.PROTECT, related_name="+")
    agenda_item = models.ForeignKey(
        "governance.AgendaItem", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-id"]
        constraints = [models.UniqueConstraint(fields=["provider", "year"], name="closing_one_report_per_year")]

    def __str__(self) -> str:
        return f"{self.provider_id} {self.year}"
