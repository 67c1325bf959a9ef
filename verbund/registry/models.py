from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from verbund.core.access import RestrictedQuerySet
from verbund.core.models import TimeStampedModel
from verbund.registry import keys
from verbund.registry.choices import (
    AGS_LENGTH_BY_KIND,
    OFFICIAL_TYPE_LABELS,
    ApprovalStatus,
    DataSource,
    OrganizationKind,
    PartyRole,
)
from verbund.registry.validators import validate_ars, validate_digits, validate_leitweg_id


def name_with_kind(name: str, kind: str, *, default: str = "") -> str:
    """A district whose name does not say so gets its kind ("Kreis Warendorf"); any other name stays as it is."""
    if kind == OrganizationKind.DISTRICT and "kreis" not in name.lower():
        return gettext("District of %(name)s") % {"name": name}
    return str(default or name)


class Organization(TimeStampedModel):
    """A public body or company: Land, district, municipality, provider, association, holding, office."""

    name = models.CharField(_("name"), max_length=200, db_index=True)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices, db_index=True)
    legal_form = models.CharField(_("legal form"), max_length=120, blank=True)
    ags = models.CharField(
        _("AGS"),
        max_length=8,
        blank=True,
        validators=[validate_digits],
        help_text=_(
            "Official municipality key; 8 digits for a municipality, 5 for a district, 3 for a "
            "government region, 2 for a Land."
        ),
    )
    ars = models.CharField(
        _("ARS"),
        max_length=12,
        blank=True,
        validators=[validate_ars],
        help_text=_("Official regional key, 12 digits (municipalities)."),
    )
    land = models.CharField(_("Land"), max_length=2, blank=True, db_index=True)
    official_type = models.CharField(_("official type"), max_length=2, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    area_km2 = models.DecimalField(
        _("area (km²)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    street = models.CharField(_("street"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True, validators=[validate_digits])
    city = models.CharField(_("city"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    leitweg_id = models.CharField(
        _("Leitweg-ID"),
        max_length=46,
        blank=True,
        validators=[validate_leitweg_id],
        help_text=_("Routing ID for e-invoices (XRechnung BT-10), with MOD 97-10 check digits."),
    )
    data_source = models.CharField(
        _("data source"), max_length=10, choices=DataSource.choices, default=DataSource.MANUAL
    )
    territorial_status = models.DateField(_("territorial status"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = RestrictedQuerySet.as_manager()

    @classmethod
    def access_member_filter(cls, organization_id: int) -> models.Q:
        """A member contact sees its own record and its own offices, never another member (ADR 0022): not the
        municipalities of its district, nor a provider whose parent it is."""
        return models.Q(id=organization_id) | models.Q(parent_id=organization_id, kind=OrganizationKind.OFFICE)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "ags"], condition=~models.Q(ags=""), name="registry_org_unique_kind_ags"
            ),
        ]
        indexes = [
            models.Index(fields=["ags"], name="registry_org_ags_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["kind", "land"], name="registry_org_kind_land_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:organization_detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def unambiguous_name(self) -> str:
        """The name with its kind where the name alone is ambiguous: the district "Warendorf" is "Kreis
        Warendorf" (English "District of Warendorf"); the town keeps its directory name "Warendorf, Stadt"."""
        return name_with_kind(self.name, self.kind, default=self.display_name)

    @property
    def land_name(self) -> str:
        return keys.LAND_NAMES.get(self.land, "")

    @property
    def official_type_label(self) -> str:
        return str(OFFICIAL_TYPE_LABELS.get(self.official_type, ""))

    def clean(self) -> None:
        errors: dict[str, str] = {}
        expected = AGS_LENGTH_BY_KIND.get(self.kind)
        if self.ags:
            length = expected or 8
            try:
                keys.validate_ags(self.ags, length)
            except keys.KeyError_ as exc:
                errors["ags"] = gettext("Invalid AGS: %(reason)s") % {"reason": exc}
        elif expected:
            errors["ags"] = gettext("An organisation of this kind needs its official key (AGS).")
        if self.kind == OrganizationKind.MUNICIPALITY and self.ags and "ags" not in errors:
            if not self.ars:
                errors["ars"] = gettext("A municipality needs its 12-digit ARS.")
            elif len(self.ars) == 12 and self.ars.isdigit() and keys.ags_from_ars(self.ars) != self.ags:
                errors["ars"] = gettext("ARS %(ars)s does not belong to AGS %(ags)s.") % {
                    "ars": self.ars,
                    "ags": self.ags,
                }
        if self.land and self.land not in keys.LAND_NAMES:
            errors["land"] = gettext("Land code must be 01 to 16.")
        if self.ags and not self.land:
            self.land = self.ags[:2]
        if self.parent_id is not None and self.parent_id == self.pk:
            errors["parent"] = gettext("An organisation cannot be its own parent.")
        if errors:
            raise ValidationError(errors)


class Agreement(TimeStampedModel):
    """A public-law agreement (öffentlich-rechtliche Vereinbarung) binding partners to a provider."""

    name = models.CharField(_("name"), max_length=255)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    provider = models.ForeignKey(
        Organization, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="provided_agreements"
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    objects = RestrictedQuerySet.as_manager()
    access_owner_paths = ("parties__organization_id",)

    class Meta:
        ordering = ["-valid_from", "name"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="registry_agreement_valid_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:agreement_detail", args=[self.pk])


class AgreementParty(TimeStampedModel):
    """One party of an agreement with its accession record and, once it leaves, its exit."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="parties")
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="agreement_parties",
    )
    role = models.CharField(_("role"), max_length=10, choices=PartyRole.choices, default=PartyRole.PARTNER)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ApprovalStatus.choices,
        default=ApprovalStatus.APPROVED,
        db_index=True,
        help_text=_("A proposed accession takes effect once the committee approves it."),
    )
    joined_on = models.DateField(_("joined on"))
    council_resolution_date = models.DateField(_("council resolution"), null=True, blank=True)
    committee_decision_ref = models.CharField(_("committee decision"), max_length=120, blank=True)
    supervisory_approval_date = models.DateField(_("supervisory approval"), null=True, blank=True)
    capital_contribution = models.DecimalField(
        _("capital contribution (EUR)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    exit_notice_date = models.DateField(_("notice of exit"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    exit_reason = models.CharField(_("reason for exit"), max_length=500, blank=True)

    objects = RestrictedQuerySet.as_manager()
    access_owner_paths = ("organization_id",)

    class Meta:
        ordering = ["agreement", "organization__name"]
        verbose_name = _("agreement party")
        verbose_name_plural = _("agreement parties")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "organization"], name="registry_party_unique"),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True) | models.Q(left_on__gt=models.F("joined_on")),
                name="registry_party_left_after_joined",
            ),
            models.CheckConstraint(
                condition=models.Q(capital_contribution__gte=0),
                name="registry_party_contribution_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} – {self.agreement}"


class AgreementAmendment(TimeStampedModel):
    """A change of the agreement's text, proposed and then approved by the committee."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.PROTECT, related_name="amendments"
    )
    title = models.CharField(_("title"), max_length=255)
    text = models.TextField(_("text of the change"))
    effective_from = models.DateField(_("effective from"))
    status = models.CharField(
        _("status"), max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.PROPOSED, db_index=True
    )
    decision_reference = models.CharField(_("committee decision"), max_length=120, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    access_owner_paths = ("agreement__parties__organization_id",)

    class Meta:
        ordering = ["agreement", "-effective_from", "-id"]
        verbose_name = _("agreement change")
        verbose_name_plural = _("agreement changes")

    def __str__(self) -> str:
        return f"{self.agreement}: {self.title}"
