"""The imported evidence behind the management-contract KPIs (issue #15, "Measurements ... 2. imports").

Per provider organisation and calendar year: the staff posts (`Post`), the hardware assets (`Asset`), the status
of each BSI Grundschutz++ kernel control (`ControlStatus`) and the security incidents (`Incident`). Every file
replaces the previous import of the same provider, year and kind; `EvidenceImport` records each import with its
diff (ADR 0039). The control list itself (`Control`) comes from the BSI kernel catalogue (`ControlCatalogue`,
OSCAL JSON, CC BY-SA 4.0; the attribution is stored with every catalogue version and shown with the controls).

Only provider staff see these rows (the access layer gives a member contact none of them: no owner paths).
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from verbund.core.access import RestrictedQuerySet
from verbund.evidence.choices import ControlState, EcoLabel, ImportKind, IncidentCause, IncidentExtent

ATTRIBUTION = "Quelle: BSI, Grundschutz++ / Stand-der-Technik-Bibliothek, CC BY-SA 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by-sa/4.0/"


class EvidenceImport(models.Model):
    """One accepted file of one kind for one provider and year, with what it added, changed and removed."""

    provider = models.ForeignKey("registry.Organization", on_delete=models.PROTECT, related_name="evidence_imports")
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=12, choices=ImportKind.choices)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    added = models.PositiveIntegerField(_("added"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    removed = models.PositiveIntegerField(_("removed"), default=0)
    diff = models.JSONField(_("changes"), default=list)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    demo = models.BooleanField(_("demo figures"), default=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = _("evidence import")
        verbose_name_plural = _("evidence imports")

    def __str__(self) -> str:
        return f"{self.kind} {self.year} ({self.file_name})"


class _YearRow(models.Model):
    provider = models.ForeignKey("registry.Organization", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    demo = models.BooleanField(_("demo figures"), default=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True


class Post(_YearRow):
    """One planned post of the provider at the end of the year: how much of it is filled, its vacancy (advert and
    start date of the new holder), a leaver during the year and whether its holder has a telework agreement."""

    post = models.CharField(_("post"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    unit = models.CharField(_("unit"), max_length=100, blank=True)
    planned_fte = models.DecimalField(_("planned FTE"), max_digits=6, decimal_places=2)
    filled_fte = models.DecimalField(_("filled FTE"), max_digits=6, decimal_places=2)
    advertised_on = models.DateField(_("advertised on"), null=True, blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    telework = models.BooleanField(_("telework agreement"), default=False)

    class Meta:
        ordering = ["year", "post"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [models.UniqueConstraint(fields=["provider", "year", "post"], name="evidence_post_once")]

    def __str__(self) -> str:
        return f"{self.post} {self.title}"


class Asset(_YearRow):
    """One hardware asset of the provider's register as at the end of the year."""

    asset = models.CharField(_("inventory number"), max_length=40)
    kind = models.CharField(_("device"), max_length=60)
    purchased_on = models.DateField(_("purchased on"))
    retired_on = models.DateField(_("retired on"), null=True, blank=True)
    eco_label = models.CharField(_("eco-label"), max_length=12, choices=EcoLabel.choices)
    warranty_years = models.PositiveSmallIntegerField(_("warranty (years)"), default=0)

    class Meta:
        ordering = ["year", "asset"]
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        constraints = [models.UniqueConstraint(fields=["provider", "year", "asset"], name="evidence_asset_once")]

    def __str__(self) -> str:
        return f"{self.asset} {self.kind}"


class ControlCatalogue(models.Model):
    """One imported version of the BSI Grundschutz++ kernel catalogue and what it changed against the last one."""

    title = models.CharField(_("title"), max_length=200)
    version = models.CharField(_("version"), max_length=80)
    published = models.CharField(_("published"), max_length=80, blank=True)
    sha256 = models.CharField(max_length=64, unique=True)
    source = models.CharField(_("source"), max_length=300)
    attribution = models.CharField(_("attribution"), max_length=300, default=ATTRIBUTION)
    licence_url = models.URLField(_("licence"), default=LICENCE_URL)
    controls = models.PositiveIntegerField(_("controls"), default=0)
    added = models.PositiveIntegerField(_("added"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    withdrawn = models.PositiveIntegerField(_("withdrawn"), default=0)
    diff = models.JSONField(_("changes"), default=dict)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = _("control catalogue")
        verbose_name_plural = _("control catalogues")

    def __str__(self) -> str:
        return f"{self.title} {self.version}"


class Control(models.Model):
    """One control (requirement) of the kernel catalogue. `sec_level` is the OSCAL property of that name
    (normal-SdT, erhöht); `modal_verb` (MUSS, SOLLTE, KANN) is the statement's requirement class."""

    control_id = models.CharField(_("control"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=300)
    group_id = models.CharField(_("group"), max_length=20)
    group_title = models.CharField(_("group title"), max_length=200)
    parent_id = models.CharField(_("parent"), max_length=40, blank=True)
    sec_level = models.CharField(_("security level"), max_length=20, blank=True)
    effort_level = models.PositiveSmallIntegerField(_("effort level"), null=True, blank=True)
    modal_verb = models.CharField(_("requirement class"), max_length=10, blank=True)
    statement = models.TextField(_("statement"), blank=True)
    withdrawn = models.BooleanField(_("withdrawn"), default=False)
    catalogue = models.ForeignKey(ControlCatalogue, on_delete=models.PROTECT, related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["control_id"]
        verbose_name = _("control")
        verbose_name_plural = _("controls")

    def __str__(self) -> str:
        return f"{self.control_id} {self.title}"

    def content(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "group_id": self.group_id,
            "group_title": self.group_title,
            "parent_id": self.parent_id,
            "sec_level": self.sec_level,
            "effort_level": self.effort_level,
            "modal_verb": self.modal_verb,
            "statement": self.statement,
        }


class ControlStatus(_YearRow):
    """How far the provider has implemented one control at the end of the year."""

    control = models.ForeignKey(Control, on_delete=models.PROTECT, related_name="statuses")
    state = models.CharField(_("status"), max_length=16, choices=ControlState.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["year", "control__control_id"]
        verbose_name = _("control status")
        verbose_name_plural = _("control statuses")
        constraints = [
            models.UniqueConstraint(fields=["provider", "year", "control"], name="evidence_control_status_once")
        ]

    def __str__(self) -> str:
        return f"{self.control_id} {self.state}"


class Incident(_YearRow):
    """One information-security incident (schema after the KDN SecurityIncident entity)."""

    reference = models.CharField(_("reference"), max_length=40)
    occurred_on = models.DateField(_("occurred on"))
    solved_on = models.DateField(_("solved on"), null=True, blank=True)
    extent = models.CharField(_("extent"), max_length=12, choices=IncidentExtent.choices)
    cause = models.CharField(_("cause"), max_length=16, choices=IncidentCause.choices)
    description = models.CharField(_("description"), max_length=500, blank=True)

    class Meta:
        ordering = ["year", "occurred_on", "reference"]
        verbose_name = _("security incident")
        verbose_name_plural = _("security incidents")
        constraints = [models.UniqueConstraint(fields=["provider", "year", "reference"], name="evidence_incident_once")]

    def __str__(self) -> str:
        return self.reference


LIST_URLS: dict[str, str] = {
    ImportKind.STAFF: "evidence:post_list",
    ImportKind.ASSETS: "evidence:asset_list",
    ImportKind.CONTROLS: "evidence:control_list",
    ImportKind.INCIDENTS: "evidence:incident_list",
}


def list_url(kind: str, **filters: Any) -> str:
    """The list page of `kind`, filtered (the drill-down target of a KPI value)."""
    from urllib.parse import urlencode

    query = urlencode({k: v for k, v in filters.items() if v not in (None, "")})
    return reverse(LIST_URLS[kind]) + (f"?{query}" if query else "")
