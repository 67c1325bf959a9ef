"""Providers' portfolios, consolidation scenarios and their stored results.

Portfolios and drafts are staff data (invisible to member contacts). A member contact sees published and
decided scenarios and, of their results, only its own fees (`ScenarioMemberFee`).
"""

import re
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from verbund.core.access import RestrictedQuerySet
from verbund.core.models import TimeStampedModel
from verbund.costing.choices import Charging
from verbund.scenarios.choices import (
    Direction,
    Disposition,
    ItemCategory,
    LegalForm,
    ScenarioKind,
    ScenarioStatus,
    StaffStatus,
    TaskScheme,
)

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class ProviderProfile(TimeStampedModel):
    """The legal form of a participating provider in the status quo (its entity in every scenario)."""

    provider = models.OneToOneField(
        "registry.Organization", verbose_name=_("provider"), on_delete=models.PROTECT, related_name="scenario_profile"
    )
    legal_form = models.CharField(_("legal form"), max_length=12, choices=LegalForm.choices)
    host = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("host authority"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("For an eigenbetriebsähnliche Einrichtung: the city it belongs to."),
    )
    owners = models.JSONField(_("owners"), default=list, blank=True)
    overhead = models.DecimalField(_("overhead per year (EUR)"), max_digits=14, decimal_places=2, default=Decimal(0))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["provider__name"]
        verbose_name = _("participating provider")
        verbose_name_plural = _("participating providers")

    def __str__(self) -> str:
        return str(self.provider)


class PortfolioItem(TimeStampedModel):
    """A product of a provider's portfolio, keyed to a task. Its annual cost comes from the provider's plan
    (when linked to a planned catalogue product) or is an assumption entered here."""

    provider = models.ForeignKey(
        "registry.Organization", verbose_name=_("provider"), on_delete=models.PROTECT, related_name="portfolio_items"
    )
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    task_scheme = models.CharField(_("task scheme"), max_length=12, choices=TaskScheme.choices)
    task_key = models.CharField(_("task key"), max_length=40)
    task_name = models.CharField(_("task"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=ItemCategory.choices)
    vendor = models.CharField(_("vendor / procedure"), max_length=120, blank=True)
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("catalogue product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="portfolio_items",
    )
    annual_cost = models.DecimalField(
        _("annual cost (EUR, assumption)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    charging = models.CharField(_("charging"), max_length=10, choices=Charging.choices, default=Charging.SHARED)
    planned_quantity = models.DecimalField(
        _("planned quantity"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    fte = models.DecimalField(_("staff (FTE)"), max_digits=8, decimal_places=2, default=Decimal(0))
    civil_servant_fte = models.DecimalField(
        _("of which civil servants (FTE)"), max_digits=8, decimal_places=2, default=Decimal(0)
    )
    disposition = models.CharField(
        _("disposition"), max_length=10, choices=Disposition.choices, default=Disposition.NONE, blank=True
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["task_key", "provider__name", "code"]
        verbose_name = _("portfolio item")
        verbose_name_plural = _("portfolio items")
        constraints = [models.UniqueConstraint(fields=["provider", "code"], name="scenarios_item_code_once")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PortfolioUsage(models.Model):
    """A member uses a portfolio item (only for items whose usage does not come from the provider's plan)."""

    item = models.ForeignKey(PortfolioItem, on_delete=models.CASCADE, related_name="usages")
    member = models.ForeignKey("registry.Organization", on_delete=models.PROTECT, related_name="portfolio_usages")
    quantity = models.DecimalField(_("quantity"), max_digits=16, decimal_places=4, null=True, blank=True)
    key_value = models.DecimalField(_("key value"), max_digits=16, decimal_places=4, default=Decimal(1))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["item", "member__name"]
        constraints = [models.UniqueConstraint(fields=["item", "member"], name="scenarios_usage_once")]

    def __str__(self) -> str:
        return f"{self.member} – {self.item}"


# A pay group of the German public service: A (civil servants' ordinary grades), B (senior officials), W (professors),
# R (judges and prosecutors) or E (employees' grades of TVöD/TV-L), then the grade number and, for E, the sub-grade
# letter (E 9a/b/c): "A 11", "A 13", "E 9b", "E 12". Stored as letter, one space, grade (`normalise_pay_group`).
PAY_GROUP = re.compile(r"^(?P<letter>[ABEWR]) ?(?P<grade>[1-9]\d?)(?P<sub>[a-c]?)$", re.IGNORECASE)
# An anonymous personnel number (never a name): letters, digits and . _ / -, at least one digit.
STAFF_REFERENCE = re.compile(r"^(?=.*\d)[A-Za-z0-9._/-]{1,20}$")


def normalise_pay_group(text: str) -> str | None:
    """ "a11" → "A 11", "E9B" → "E 9b"; None when the text is not a pay group."""
    match = PAY_GROUP.match(text.strip())
    if match is None:
        return None
    return f"{match['letter'].upper()} {match['grade']}{match['sub'].lower()}"


class StaffPosition(TimeStampedModel):
    """One person's position in a provider's service (portfolio item), anonymous: a personnel number, no name.

    Imported per provider as a whole (`services.staff_import`); the item's FTE and civil servant FTE are the sums
    of its positions. The retirement years give the natural attrition, the basis for the scenario assumption
    "staff attrition"."""

    provider = models.ForeignKey(
        "registry.Organization", verbose_name=_("provider"), on_delete=models.PROTECT, related_name="staff_positions"
    )
    item = models.ForeignKey(
        PortfolioItem, verbose_name=_("service"), on_delete=models.CASCADE, related_name="staff_positions"
    )
    reference = models.CharField(
        _("personnel number"),
        max_length=20,
        validators=[RegexValidator(STAFF_REFERENCE, _("An anonymous personnel number (with a digit), not a name."))],
    )
    status = models.CharField(_("status"), max_length=14, choices=StaffStatus.choices)
    pay_group = models.CharField(
        _("pay group"),
        max_length=6,
        validators=[RegexValidator(PAY_GROUP, _("A pay group such as A 11, A 13, E 9b or E 12."))],
    )
    fte = models.DecimalField(
        _("FTE"),
        max_digits=3,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(1))],
    )
    retirement_year = models.PositiveSmallIntegerField(_("retirement year"), validators=YEAR_VALIDATORS)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["provider__name", "item__code", "reference"]
        verbose_name = _("staff position")
        verbose_name_plural = _("staff positions")
        constraints = [
            models.UniqueConstraint(fields=["provider", "reference"], name="scenarios_staff_reference_once"),
            models.CheckConstraint(condition=Q(fte__gt=0) & Q(fte__lte=1), name="scenarios_staff_fte_share"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.pay_group})"


class Scenario(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=ScenarioKind.choices)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ScenarioStatus.choices, default=ScenarioStatus.DRAFT, db_index=True
    )
    base_year = models.PositiveSmallIntegerField(_("base year"), default=2026, validators=YEAR_VALIDATORS)
    start_year = models.PositiveSmallIntegerField(_("first year"), default=2026, validators=YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(_("last year"), default=2040, validators=YEAR_VALIDATORS)
    assumptions = models.JSONField(_("assumptions"), default=dict)
    synergy_by_category = models.JSONField(_("synergy by category"), default=dict, blank=True)
    ramp_years = models.PositiveSmallIntegerField(_("years to full synergy"), default=3)
    amortisation_years = models.PositiveSmallIntegerField(_("years to recover one-off costs"), default=5)
    worse_off_limit = models.DecimalField(
        _("no member worse off than (share)"), max_digits=5, decimal_places=4, default=Decimal("0.05")
    )
    calculated_at = models.DateTimeField(_("calculated at"), null=True, blank=True)
    npv = models.DecimalField(_("net present value of cost"), max_digits=16, decimal_places=2, null=True, blank=True)
    savings = models.DecimalField(_("savings (NPV)"), max_digits=16, decimal_places=2, null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    risk = models.JSONField(_("risk"), default=dict, blank=True)
    staged_plan = models.JSONField(_("optimised staged plan"), default=dict, blank=True)
    decision_reference = models.CharField(_("decision"), max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("scenarios:scenario_detail", args=[self.pk])

    @property
    def editable(self) -> bool:
        return self.status == ScenarioStatus.DRAFT

    @property
    def end_year_key(self) -> str:
        """The last year as the key of the stored per-year figures (JSON keys are strings)."""
        return str(self.end_year)

    @classmethod
    def access_member_filter(cls, organization_id: int) -> Q:
        """Members see published and decided scenarios, never drafts."""
        return Q(status__in=[ScenarioStatus.PUBLISHED, ScenarioStatus.DECIDED])


class ScenarioEntity(models.Model):
    """A new entity of a scenario (holding, operating company, merged provider, ...)."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="entities")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    legal_form = models.CharField(_("legal form"), max_length=12, choices=LegalForm.choices)
    owners = models.JSONField(_("owners"), default=list, blank=True)
    private_capital = models.BooleanField(_("private capital"), default=False)
    overhead = models.DecimalField(_("overhead per year (EUR)"), max_digits=14, decimal_places=2, default=Decimal(0))
    third_party_turnover = models.DecimalField(
        _("third-party turnover per year (EUR)"), max_digits=14, decimal_places=2, default=Decimal(0)
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["scenario", "code"]
        constraints = [models.UniqueConstraint(fields=["scenario", "code"], name="scenarios_entity_code_once")]

    def __str__(self) -> str:
        return self.name


class ScenarioMove(models.Model):
    """From `year` on, `entity` provides `item` (a stage of the transfer)."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="moves")
    item = models.ForeignKey(PortfolioItem, on_delete=models.CASCADE, related_name="moves")
    entity = models.ForeignKey(ScenarioEntity, on_delete=models.CASCADE, related_name="moves")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["year", "item__code"]
        constraints = [models.UniqueConstraint(fields=["scenario", "item", "year"], name="scenarios_move_once")]

    def __str__(self) -> str:
        return f"{self.item} → {self.entity} ({self.year})"


class ScenarioMemberFee(models.Model):
    """A member's projected fees (VAT included) per year in a scenario and in the status quo."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="member_fees")
    member = models.ForeignKey("registry.Organization", on_delete=models.PROTECT, related_name="scenario_fees")
    fees = models.JSONField(default=dict)
    status_quo = models.JSONField(default=dict)
    final_change = models.DecimalField(max_digits=10, decimal_places=4, null=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["member__name"]
        constraints = [models.UniqueConstraint(fields=["scenario", "member"], name="scenarios_member_fee_once")]

    def __str__(self) -> str:
        return f"{self.member}: {self.scenario}"

    @classmethod
    def access_member_filter(cls, organization_id: int) -> Q:
        """A member sees only its own fees, and only of published or decided scenarios."""
        return Q(member_id=organization_id, scenario__status__in=[ScenarioStatus.PUBLISHED, ScenarioStatus.DECIDED])


class Criterion(models.Model):
    """A criterion of the multi-criteria analysis (Nutzwertanalyse) with its default weight."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=Decimal(1))
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices, default=Direction.BENEFIT)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return self.name


class CriterionScore(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.DecimalField(_("score (0–10)"), max_digits=5, decimal_places=2)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scenario", "criterion"], name="scenarios_score_once")]

    def __str__(self) -> str:
        return f"{self.scenario_id}/{self.criterion_id}: {self.value}"


class WeightSet(models.Model):
    """One committee member's (or analyst's) own weights; the group result is their mean."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scenario_weights")
    weights = models.JSONField(default=dict)

    objects = RestrictedQuerySet.as_manager()

    def __str__(self) -> str:
        return str(self.user_id)
