"""The digitalisation strategy of a municipality (issue #17).

The OZG/LeiKa catalogue (Themenfeld → Lebenslage → OZG-Leistung → LeiKa-Leistung) is shared reference data,
imported by `services.catalogue_import`; every import is a `CatalogueImport` row with its report, and every
difference to the previous catalogue a `CatalogueChange` row (added, changed, withdrawn). Withdrawn services
stay, marked with the import that withdrew them, so that inventories and history keep their references.

Per municipality: the inventory (`InventoryEntry`, one per LeiKa service, with maturity scores per criterion and
model version), case volumes, priority weights and the roadmap. A member contact sees and edits only the rows of
its own municipality (`access_owner_paths`).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from verbund.core.access import RestrictedQuerySet
from verbund.core.models import TimeStampedModel
from verbund.strategy.choices import (
    CatalogueEntity,
    ChangeKind,
    CommuneMatch,
    EntrySource,
    MaturityModelVersion,
    RoadmapStatus,
    SolutionKind,
)


class _Shared:
    """Reference data every user with the view permission may read."""

    @classmethod
    def access_member_filter(cls, organization_id: int) -> Q:
        return Q()


class CatalogueImport(_Shared, TimeStampedModel):
    """One run of the catalogue import: where the data came from, what it counted and what it skipped."""

    source_name = models.CharField(_("source"), max_length=300)
    attribution = models.CharField(_("attribution"), max_length=300)
    ozg_count = models.PositiveIntegerField(_("OZG services"), default=0)
    leika_count = models.PositiveIntegerField(_("LeiKa services"), default=0)
    leika_keyed_count = models.PositiveIntegerField(_("LeiKa services with a 14-digit key"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped rows"), default=0)
    added_count = models.PositiveIntegerField(_("added"), default=0)
    changed_count = models.PositiveIntegerField(_("changed"), default=0)
    withdrawn_count = models.PositiveIntegerField(_("withdrawn"), default=0)
    skipped = models.JSONField(_("skipped rows"), default=list, blank=True)  # [{file, line, reason}]
    communes_matched = models.PositiveIntegerField(_("municipalities matched"), default=0)
    communes_unmatched = models.JSONField(_("municipalities not matched"), default=list, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        verbose_name = _("catalogue import")
        verbose_name_plural = _("catalogue imports")

    def __str__(self) -> str:
        return f"{self.source_name} ({self.created:%Y-%m-%d %H:%M})"


class _CatalogueRow(_Shared, TimeStampedModel):
    added_in = models.ForeignKey(CatalogueImport, on_delete=models.PROTECT, related_name="+")
    withdrawn_in = models.ForeignKey(CatalogueImport, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_in_id is not None  # type: ignore[attr-defined]


class Themenfeld(_CatalogueRow):
    slug = models.SlugField(_("key"), max_length=60, unique=True)  # the FIM API value, e.g. familie_kind
    name = models.CharField(_("name"), max_length=120)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("Themenfeld")
        verbose_name_plural = _("Themenfelder")

    def __str__(self) -> str:
        return self.name


class Lebenslage(_CatalogueRow):
    name = models.CharField(_("name"), max_length=200, unique=True)
    themenfeld = models.ForeignKey(Themenfeld, on_delete=models.PROTECT, related_name="lebenslagen")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("Lebenslage")
        verbose_name_plural = _("Lebenslagen")

    def __str__(self) -> str:
        return self.name


class OzgService(_CatalogueRow):
    ozg_id = models.CharField(_("OZG id"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=300)
    lebenslage = models.ForeignKey(Lebenslage, on_delete=models.PROTECT, related_name="ozg_services")
    priority = models.PositiveSmallIntegerField(_("priority level"), default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["ozg_id"]
        verbose_name = _("OZG service")
        verbose_name_plural = _("OZG services")

    def __str__(self) -> str:
        return f"{self.ozg_id} {self.name}"


class LeikaService(_CatalogueRow):
    """A LeiKa-Leistung. `ident` is its 14-digit key, or for the rows the catalogue marks "nicht im LeiKa" a
    stable id derived from its OZG service and name (`key` then stays empty)."""

    ident = models.CharField(_("identifier"), max_length=40, unique=True)
    key = models.CharField(_("LeiKa key"), max_length=14, blank=True, db_index=True)
    name = models.CharField(_("name"), max_length=400)
    ozg = models.ForeignKey(OzgService, null=True, blank=True, on_delete=models.PROTECT, related_name="leika_services")
    leika_type = models.CharField(_("LeiKa type"), max_length=30, blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    laws = models.TextField(_("laws"), blank=True)
    sdg_relevant = models.BooleanField(_("SDG/mandatory flag"), default=False)
    municipal = models.BooleanField(_("executed by municipalities"), default=False, db_index=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("LeiKa service")
        verbose_name_plural = _("LeiKa services")

    def __str__(self) -> str:
        return f"{self.key} {self.name}" if self.key else self.name


class CatalogueChange(_Shared, models.Model):
    """One difference an import found to the catalogue before it (the catalogue's history)."""

    catalogue_import = models.ForeignKey(CatalogueImport, on_delete=models.CASCADE, related_name="changes")
    entity = models.CharField(_("entity"), max_length=20, choices=CatalogueEntity.choices)
    ident = models.CharField(_("identifier"), max_length=200)
    label = models.CharField(_("name"), max_length=400)
    kind = models.CharField(_("change"), max_length=10, choices=ChangeKind.choices)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["catalogue_import", "entity", "ident"]
        verbose_name = _("catalogue change")
        verbose_name_plural = _("catalogue changes")

    def __str__(self) -> str:
        return f"{self.kind} {self.entity} {self.ident}"


class NrwCommune(_Shared, TimeStampedModel):
    """A municipality as the catalogue's source names it, matched to the registry's AGS where the name allows."""

    source_id = models.PositiveIntegerField(_("source id"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    url = models.CharField(_("web site"), max_length=300, blank=True)
    organization = models.ForeignKey(
        "registry.Organization", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    match = models.CharField(_("match"), max_length=10, choices=CommuneMatch.choices)
    candidates = models.CharField(_("candidates"), max_length=500, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality of the catalogue")
        verbose_name_plural = _("municipalities of the catalogue")

    def __str__(self) -> str:
        return self.name


class ProductServiceTag(_Shared, TimeStampedModel):
    """A catalogue product implements this LeiKa service (tagged by a product manager)."""

    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="strategy_tags")
    leika = models.ForeignKey(LeikaService, on_delete=models.PROTECT, related_name="product_tags")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["product", "leika"]
        verbose_name = _("product tag")
        verbose_name_plural = _("product tags")
        constraints = [models.UniqueConstraint(fields=["product", "leika"], name="strategy_tag_unique")]

    def __str__(self) -> str:
        return f"{self.product.number} → {self.leika}"


class InventoryEntry(TimeStampedModel):
    """What a municipality has for one LeiKa service: online or not, with which solution, since when, and the
    overall maturity level per model (derived from `MaturityScore`, stored for lists and comparisons)."""

    # No index of its own: the unique (organization, leika) index serves lookups by organization (and bulk loads
    # of millions of rows maintain one index less).
    organization = models.ForeignKey(
        "registry.Organization", on_delete=models.PROTECT, related_name="strategy_inventory", db_index=False
    )
    leika = models.ForeignKey(LeikaService, on_delete=models.PROTECT, related_name="inventory")
    online = models.BooleanField(_("online"), default=False)
    described = models.BooleanField(_("described in the portal"), default=False)
    solution_kind = models.CharField(
        _("solution"), max_length=10, choices=SolutionKind.choices, default=SolutionKind.NONE
    )
    product = models.ForeignKey(
        "catalog.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    solution_name = models.CharField(_("name of the solution"), max_length=200, blank=True)
    url = models.URLField(_("address"), max_length=500, blank=True)
    online_since = models.DateField(_("online since"), null=True, blank=True)
    level_2020 = models.PositiveSmallIntegerField(_("maturity level (2020)"), null=True, blank=True)
    level_2025 = models.PositiveSmallIntegerField(_("maturity level (2025)"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=EntrySource.choices, default=EntrySource.MANUAL)

    objects = RestrictedQuerySet.as_manager()
    access_owner_paths = ("organization",)

    class Meta:
        ordering = ["organization", "leika__name"]
        verbose_name = _("inventory entry")
        verbose_name_plural = _("inventory entries")
        constraints = [
            models.UniqueConstraint(fields=["organization", "leika"], name="strategy_inventory_unique"),
            models.CheckConstraint(condition=Q(level_2020__lte=4), name="strategy_inventory_level_2020"),
            models.CheckConstraint(condition=Q(level_2025__lte=7), name="strategy_inventory_level_2025"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} – {self.leika}"

    def get_absolute_url(self) -> str:
        return reverse("strategy:entry_edit", args=[self.organization_id, self.leika_id])


class MaturityScore(models.Model):
    """The level of one criterion of one maturity model for an inventory entry."""

    entry = models.ForeignKey(InventoryEntry, on_delete=models.CASCADE, related_name="scores")
    model_version = models.CharField(_("model"), max_length=4, choices=MaturityModelVersion.choices)
    criterion = models.CharField(_("criterion"), max_length=40)
    level = models.PositiveSmallIntegerField(_("level"), validators=[MaxValueValidator(7)])

    objects = RestrictedQuerySet.as_manager()
    access_owner_paths = ("entry__organization",)

    class Meta:
        ordering = ["entry", "model_version", "criterion"]
        verbose_name = _("maturity score")
        verbose_name_plural = _("maturity scores")
        constraints = [
            models.UniqueConstraint(fields=["entry", "model_version", "criterion"], name="strategy_score_unique")
        ]

    def __str__(self) -> str:
        return f"{self.model_version} {self.criterion}: {self.level}"


class CaseVolume(TimeStampedModel):
    """How often a service is requested in a municipality in a year, with where the figure comes from."""

    organization = models.ForeignKey("registry.Organization", on_delete=models.PROTECT, related_name="+")
    leika = models.ForeignKey(LeikaService, on_delete=models.PROTECT, related_name="case_volumes")
    year = models.PositiveSmallIntegerField(_("year"))
    cases = models.PositiveIntegerField(_("cases"))
    source = models.CharField(_("source"), max_length=200)
    is_estimate = models.BooleanField(_("estimate"), default=False)
    is_demo = models.BooleanField(_("demo figure"), default=False)

    objects = RestrictedQuerySet.as_manager()
    access_owner_paths = ("organization",)

    class Meta:
        ordering = ["organization", "leika__name", "-year"]
        verbose_name = _("case volume")
        verbose_name_plural = _("case volumes")
        constraints = [models.UniqueConstraint(fields=["organization", "leika", "year"], name="strategy_volume_unique")]

    def __str__(self) -> str:
        return f"{self.leika} {self.year}: {self.cases}"


def _weight() -> models.DecimalField:  # type: ignore[type-arg]
    return models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )


class PriorityWeights(TimeStampedModel):
    """A municipality's weights of the priority score (see `engine.priority`)."""

    organization = models.OneToOneField(
        "registry.Organization", on_delete=models.CASCADE, related_name="strategy_weights"
    )
    demand = _weight()
    gap = _weight()
    available = _weight()
    mandatory = _weight()
    effort = _weight()

    objects = RestrictedQuerySet.as_manager()
    access_owner_paths = ("organization",)

    class Meta:
        verbose_name = _("priority weights")
        verbose_name_plural = _("priority weights")


class RoadmapItem(TimeStampedModel):
    """A milestone of the roadmap: bring this service online by then, with the office responsible."""

    organization = models.ForeignKey("registry.Organization", on_delete=models.PROTECT, related_name="+")
    leika = models.ForeignKey(LeikaService, on_delete=models.PROTECT, related_name="roadmap_items")
    milestone = models.DateField(_("milestone"))
    office = models.CharField(_("responsible office"), max_length=200)
    status = models.CharField(_("status"), max_length=12, choices=RoadmapStatus.choices, default=RoadmapStatus.PLANNED)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    product = models.ForeignKey("catalog.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = RestrictedQuerySet.as_manager()
    access_owner_paths = ("organization",)

    class Meta:
        ordering = ["organization", "milestone", "leika__name"]
        verbose_name = _("roadmap item")
        verbose_name_plural = _("roadmap items")
        constraints = [models.UniqueConstraint(fields=["organization", "leika"], name="strategy_roadmap_unique")]

    def __str__(self) -> str:
        return f"{self.leika} ({self.milestone})"


class CoverageFigure(models.Model):
    """Pre-aggregated: per municipality and Themenfeld, the municipal services in scope and those online.
    Refreshed by the inventory services for the municipality whose inventory changed; read by the comparison."""

    organization = models.ForeignKey("registry.Organization", on_delete=models.CASCADE, related_name="+")
    themenfeld = models.ForeignKey(Themenfeld, on_delete=models.CASCADE, related_name="+")
    in_scope = models.PositiveIntegerField(default=0)
    described = models.PositiveIntegerField(default=0)
    online = models.PositiveIntegerField(default=0)

    objects = RestrictedQuerySet.as_manager()
    access_owner_paths = ("organization",)

    class Meta:
        verbose_name = _("coverage figure")
        verbose_name_plural = _("coverage figures")
        constraints = [models.UniqueConstraint(fields=["organization", "themenfeld"], name="strategy_coverage_unique")]

    def __str__(self) -> str:
        return f"{self.organization_id}/{self.themenfeld_id}: {self.online}/{self.in_scope}"
