"""Plan versions of the yearly plan costing (Plankostenrechnung) and their persisted results.

A plan version holds cost centres, cost types, planned primary costs, service quantities between cost centres,
the products with planned quantities and how they are charged, and the results of the last calculation.
An approved version is never edited: a new version references its predecessor.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from verbund.core.access import RestrictedQuerySet
from verbund.core.models import TimeStampedModel
from verbund.costing.choices import CentreKind, Charging, KeyBasis, Method, PlanStatus


class PlanVersion(TimeStampedModel):
    provider = models.ForeignKey(
        "registry.Organization", verbose_name=_("provider"), on_delete=models.PROTECT, related_name="plan_versions"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT, db_index=True
    )
    predecessor = models.ForeignKey(
        "self",
        verbose_name=_("predecessor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="successors",
    )
    method = models.CharField(_("allocation method"), max_length=12, choices=Method.choices, default=Method.RECIPROCAL)
    step_down_order = models.JSONField(
        _("step-down order"),
        default=list,
        blank=True,
        help_text=_("Codes of the support cost centres, first settled first."),
    )
    return_window_years = models.PositiveSmallIntegerField(_("years to return an over-recovery"), default=3)
    decision_reference = models.CharField(_("decision"), max_length=120, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    calculated_at = models.DateTimeField(_("calculated at"), null=True, blank=True)
    result_total = models.DecimalField(_("total plan cost"), max_digits=16, decimal_places=2, null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "year"],
                condition=Q(status__in=["approved", "frozen"]),
                name="costing_one_approved_plan_per_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("costing:plan_detail", args=[self.pk])

    @property
    def editable(self) -> bool:
        return self.status == PlanStatus.DRAFT

    @classmethod
    def access_member_filter(cls, organization_id: int) -> Q:
        """Members see approved plans (their fees are explained by them)."""
        return Q(status__in=[PlanStatus.APPROVED, PlanStatus.FROZEN])


class CostCentre(models.Model):
    plan = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="cost_centres")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=CentreKind.choices)

    class Meta:
        ordering = ["plan", "kind", "code"]
        verbose_name = _("cost centre")
        verbose_name_plural = _("cost centres")
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="costing_centre_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CostType(models.Model):
    plan = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="cost_types")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    variable_share = models.DecimalField(
        _("variable share"),
        max_digits=5,
        decimal_places=4,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )

    class Meta:
        ordering = ["plan", "code"]
        verbose_name = _("cost type")
        verbose_name_plural = _("cost types")
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="costing_type_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PlannedCost(models.Model):
    plan = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="planned_costs")
    centre = models.ForeignKey(CostCentre, on_delete=models.CASCADE, related_name="planned_costs")
    cost_type = models.ForeignKey(CostType, on_delete=models.CASCADE, related_name="planned_costs")
    amount = models.DecimalField(_("amount (EUR)"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["centre__code", "cost_type__code"]
        verbose_name = _("planned cost")
        verbose_name_plural = _("planned costs")
        constraints = [models.UniqueConstraint(fields=["centre", "cost_type"], name="costing_cost_once")]

    def __str__(self) -> str:
        return f"{self.centre.code}/{self.cost_type.code}: {self.amount}"


class ServiceFlow(models.Model):
    """How much of support centre `provider`'s output `receiver` consumes (hours, GB, tickets…)."""

    plan = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="service_flows")
    provider = models.ForeignKey(CostCentre, on_delete=models.CASCADE, related_name="flows_out")
    receiver = models.ForeignKey(CostCentre, on_delete=models.CASCADE, related_name="flows_in")
    quantity = models.DecimalField(
        _("quantity"), max_digits=16, decimal_places=4, validators=[MinValueValidator(Decimal(0))]
    )

    class Meta:
        ordering = ["provider__code", "receiver__code"]
        verbose_name = _("service quantity")
        verbose_name_plural = _("service quantities")
        constraints = [models.UniqueConstraint(fields=["provider", "receiver"], name="costing_flow_once")]

    def __str__(self) -> str:
        return f"{self.provider.code} → {self.receiver.code}: {self.quantity}"


class ProductPlan(models.Model):
    """A catalogue product in the plan: planned quantity, how it is charged, its key and carry-forward."""

    plan = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="products")
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="plan_entries"
    )
    charging = models.CharField(_("charging"), max_length=10, choices=Charging.choices, default=Charging.METERED)
    planned_quantity = models.DecimalField(
        _("planned quantity"),
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    key_weights = models.JSONField(
        _("allocation key"),
        default=dict,
        blank=True,
        help_text=_(
            'Shared products: weight per basis, e.g. {"inhabitants": "0.5", "workstations": "0.5"}; weights sum to 1.'
        ),
    )
    carry_forward = models.DecimalField(
        _("carry-forward (EUR)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal(0),
        help_text=_("Over-recovery (+) to return or under-recovery (−) to recover."),
    )
    carry_forward_from_year = models.PositiveSmallIntegerField(_("carry-forward from year"), null=True, blank=True)
    carry_forward_years = models.PositiveSmallIntegerField(_("spread over years"), default=1)

    class Meta:
        ordering = ["plan", "product__number"]
        verbose_name = _("product in the plan")
        verbose_name_plural = _("products in the plan")
        constraints = [models.UniqueConstraint(fields=["plan", "product"], name="costing_product_once")]

    def __str__(self) -> str:
        return f"{self.plan}: {self.product.number}"

    @property
    def key_bases(self) -> list[str]:
        return [basis for basis in self.key_weights if basis in KeyBasis.values]


class ProductMapping(models.Model):
    """An end cost centre passes its cost to products in proportion to `quantity`."""

    plan = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="mappings")
    centre = models.ForeignKey(CostCentre, on_delete=models.CASCADE, related_name="mappings")
    product_plan = models.ForeignKey(ProductPlan, on_delete=models.CASCADE, related_name="mappings")
    quantity = models.DecimalField(
        _("share quantity"),
        max_digits=16,
        decimal_places=4,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal(0))],
    )

    class Meta:
        ordering = ["centre__code", "product_plan__product__number"]
        verbose_name = _("cost centre → product")
        verbose_name_plural = _("cost centres → products")
        constraints = [models.UniqueConstraint(fields=["centre", "product_plan"], name="costing_mapping_once")]

    def __str__(self) -> str:
        return f"{self.centre.code} → {self.product_plan.product.number}"


class ProductRate(models.Model):
    """Result of the last calculation: full cost and unit rate of a product (with the engine's trace)."""

    plan = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="rates")
    product_plan = models.OneToOneField(ProductPlan, on_delete=models.CASCADE, related_name="rate")
    cost = models.DecimalField(max_digits=16, decimal_places=2)
    carry_forward = models.DecimalField(max_digits=16, decimal_places=2)
    net_cost = models.DecimalField(max_digits=16, decimal_places=2)
    planned_quantity = models.DecimalField(max_digits=16, decimal_places=4, null=True)
    rate = models.DecimalField(max_digits=16, decimal_places=4, null=True)
    trace = models.JSONField(default=list)

    class Meta:
        ordering = ["product_plan__product__number"]

    def __str__(self) -> str:
        return f"{self.product_plan.product.number}: {self.rate}"


class CentreResult(models.Model):
    """Result of the last calculation per cost centre (Betriebsabrechnungsbogen)."""

    plan = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="centre_results")
    centre = models.OneToOneField(CostCentre, on_delete=models.CASCADE, related_name="result")
    primary = models.DecimalField(max_digits=16, decimal_places=2)
    received = models.DecimalField(max_digits=16, decimal_places=2)
    passed_on = models.DecimalField(max_digits=16, decimal_places=2)
    total = models.DecimalField(max_digits=16, decimal_places=2)

    class Meta:
        ordering = ["centre__kind", "centre__code"]

    def __str__(self) -> str:
        return f"{self.centre.code}: {self.total}"


class MemberFee(models.Model):
    """Result of the last calculation: the planned fee of a member for a product, explainable line by line."""

    plan = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="fees")
    member = models.ForeignKey("registry.Organization", on_delete=models.PROTECT, related_name="planned_fees")
    product_plan = models.ForeignKey(ProductPlan, on_delete=models.CASCADE, related_name="fees")
    quantity = models.DecimalField(max_digits=16, decimal_places=4, null=True)
    share = models.DecimalField(max_digits=12, decimal_places=10, null=True)
    fee = models.DecimalField(max_digits=16, decimal_places=2)
    trace = models.JSONField(default=list)

    objects = RestrictedQuerySet.as_manager()
    access_owner_paths = ("member_id",)

    class Meta:
        ordering = ["member__name", "product_plan__product__number"]
        verbose_name = _("planned fee")
        verbose_name_plural = _("planned fees")
        constraints = [models.UniqueConstraint(fields=["plan", "member", "product_plan"], name="costing_fee_once")]
        indexes = [models.Index(fields=["plan", "member"], name="costing_fee_member_idx")]

    def __str__(self) -> str:
        return f"{self.member}: {self.fee}"
