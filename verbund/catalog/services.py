"""Writes for the catalogue: products, their lifecycle, price revisions and catalogue versions."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from verbund.catalog.choices import (
    PRODUCT_TRANSITIONS,
    CatalogueStatus,
    ProductStatus,
    RevisionStatus,
    VatTreatment,
)
from verbund.catalog.models import CatalogueVersion, CatalogueVersionItem, PriceRevision, Product, ProductFamily
from verbund.core.audit import audit_record, model_snapshot
from verbund.core.models import AuditAction
from verbund.core.params import check_year

PRODUCT_FIELDS = (
    "number",
    "name",
    "name_en",
    "description",
    "description_en",
    "family",
    "variant_of",
    "category",
    "unit",
    "in_standard_package",
    "origin_provider",
    "product_manager",
    "notice_period_months",
    "sla_service_hours",
    "sla_target_availability",
    "sla_support_hours",
)
# Fields that define what a member buys: frozen once the product left the draft/proposed stage.
PRODUCT_DEFINING_FIELDS = frozenset({"number", "unit", "category", "family", "variant_of"})


def _check_fields(values: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})


@transaction.atomic
def product_family_create(*, actor: Any, code: str, name: str, name_en: str = "", position: int = 0) -> ProductFamily:
    family = ProductFamily(code=code, name=name, name_en=name_en, position=position)
    family.full_clean()
    family.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=family, after=model_snapshot(family))
    return family


def _validate_product(product: Product) -> None:
    product.full_clean()
    errors: dict[str, str] = {}
    if product.variant_of_id is not None:
        if product.variant_of_id == product.pk:
            errors["variant_of"] = _("A product cannot be a variant of itself.")
        elif product.variant_of and product.variant_of.variant_of_id is not None:
            errors["variant_of"] = _("Variants of variants are not allowed; choose the base product.")
    if product.origin_provider is not None and product.origin_provider.kind not in (
        "provider",
        "association",
        "operating_company",
    ):
        errors["origin_provider"] = _("The provider of origin must be an IT service provider.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def product_create(*, actor: Any, **values: Any) -> Product:
    _check_fields(values, PRODUCT_FIELDS)
    product = Product(status=ProductStatus.DRAFT, **values)
    _validate_product(product)
    product.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=product, after=model_snapshot(product))
    return product


@transaction.atomic
def product_update(*, actor: Any, product: Product, **changes: Any) -> Product:
    _check_fields(changes, PRODUCT_FIELDS)
    locked = Product.objects.select_for_update().get(pk=product.pk)
    frozen = PRODUCT_DEFINING_FIELDS & set(changes)
    if frozen and locked.status not in (ProductStatus.DRAFT, ProductStatus.PROPOSED):
        changed = sorted(name for name in frozen if getattr(locked, name) != changes[name])
        if changed:
            raise ValidationError(
                {
                    name: _("Cannot be changed once the product is approved; create a new product instead.")
                    for name in changed
                }
            )
    before = model_snapshot(locked)
    for name, value in changes.items():
        setattr(locked, name, value)
    _validate_product(locked)
    locked.modified = timezone.now()
    locked.save()
    after = model_snapshot(locked)
    if before != after:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, before=before, after=after)
    return locked


@transaction.atomic
def product_transition(*, actor: Any, product: Product, to_status: str) -> Product:
    """Move a product along its lifecycle. Approval happens only through an approved catalogue version."""
    locked = Product.objects.select_for_update().get(pk=product.pk)
    if to_status not in PRODUCT_TRANSITIONS.get(locked.status, frozenset()):
        raise ValidationError(
            {
                "status": _("A product cannot go from %(old)s to %(new)s.")
                % {
                    "old": locked.get_status_display(),
                    "new": ProductStatus(to_status).label if to_status in ProductStatus.values else to_status,
                }
            }
        )
    if to_status == ProductStatus.ACTIVE and not locked.price_revisions.filter(status=RevisionStatus.APPROVED).exists():
        raise ValidationError({"status": _("A product needs an approved price before it can be activated.")})
    before = {"status": locked.status}
    locked.status = to_status
    locked.modified = timezone.now()
    locked.save(update_fields=["status", "modified"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, before=before, after={"status": to_status})
    return locked


def _validate_revision(revision: PriceRevision) -> None:
    revision.full_clean()
    errors: dict[str, str] = {}
    if revision.vat_treatment == VatTreatment.TAXABLE and revision.vat_rate <= 0:
        errors["vat_rate"] = _("A taxable product needs a VAT rate above 0 %.")
    if revision.vat_treatment != VatTreatment.TAXABLE:
        if revision.vat_rate != 0:
            errors["vat_rate"] = _("A product without VAT must have the rate 0 %.")
        if not revision.vat_exemption_reason.strip():
            errors["vat_exemption_reason"] = _("Give the legal reason why no VAT is charged.")
    if revision.supersedes is not None and revision.supersedes.product_id != revision.product_id:
        errors["supersedes"] = _("A correction must belong to the same product.")
    conflict = same_day_conflict(revision)
    if conflict is not None and "supersedes" not in errors:
        errors["supersedes"] = _same_day_message(conflict)
    if errors:
        raise ValidationError(errors)


def same_day_conflict(revision: PriceRevision) -> PriceRevision | None:
    """An approved price of the same product from the same day that `revision` would compete with.

    One approved price per product and day: a second one is only allowed as the explicit correction of the
    first (`supersedes`), and the correction then applies (the plan approval's prices are such corrections)."""
    others = PriceRevision.objects.filter(
        product_id=revision.product_id, valid_from=revision.valid_from, status=RevisionStatus.APPROVED
    ).exclude(corrections__status=RevisionStatus.APPROVED)
    for pk in (revision.pk, revision.supersedes_id):
        if pk is not None:
            others = others.exclude(pk=pk)
    return others.first()


def _same_day_message(conflict: PriceRevision) -> str:
    return _(
        "%(product)s already has an approved price of %(price)s € valid from %(date)s. Enter the new price as its "
        "correction or give it another start date."
    ) % {
        "product": conflict.product.number,
        "price": number_format(conflict.unit_price, use_l10n=True, force_grouping=True),
        "date": date_format(conflict.valid_from, "SHORT_DATE_FORMAT"),
    }


@transaction.atomic
def price_revision_create(
    *,
    actor: Any,
    product: Product,
    valid_from: dt.date,
    unit_price: Decimal,
    vat_treatment: str = VatTreatment.TAXABLE,
    vat_rate: Decimal = Decimal("19.00"),
    vat_exemption_reason: str = "",
    supersedes: PriceRevision | None = None,
    note: str = "",
) -> PriceRevision:
    if product.status == ProductStatus.RETIRED:
        raise ValidationError({"product": _("A retired product gets no new prices.")})
    revision = PriceRevision(
        product=product,
        valid_from=valid_from,
        unit_price=unit_price,
        vat_treatment=vat_treatment,
        vat_rate=vat_rate,
        vat_exemption_reason=vat_exemption_reason,
        supersedes=supersedes,
        note=note,
    )
    _validate_revision(revision)
    revision.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=revision, after=model_snapshot(revision))
    return revision


@transaction.atomic
def price_revision_update(*, actor: Any, revision: PriceRevision, **changes: Any) -> PriceRevision:
    _check_fields(changes, ("valid_from", "unit_price", "vat_treatment", "vat_rate", "vat_exemption_reason", "note"))
    locked = PriceRevision.objects.select_for_update().get(pk=revision.pk)
    if locked.status != RevisionStatus.DRAFT:
        raise ValidationError({"status": _("An approved price is never edited; create a correcting revision.")})
    before = model_snapshot(locked)
    for name, value in changes.items():
        setattr(locked, name, value)
    _validate_revision(locked)
    locked.modified = timezone.now()
    locked.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, before=before, after=model_snapshot(locked))
    return locked


# ---------------------------------------------------------------- catalogue versions


@transaction.atomic
def catalogue_version_create(
    *,
    actor: Any,
    provider: Any,
    year: int,
    name: str,
    valid_from: dt.date | None = None,
    predecessor: CatalogueVersion | None = None,
) -> CatalogueVersion:
    check_year(year)
    version = CatalogueVersion(
        provider=provider, year=year, name=name, valid_from=valid_from or dt.date(year, 1, 1), predecessor=predecessor
    )
    version.full_clean()
    if version.valid_from.year != year:
        raise ValidationError({"valid_from": _("The start date must lie in the catalogue's year.")})
    version.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=version,
        after=model_snapshot(version),
        scope_organization_id=provider.pk,
    )
    return version


def _candidate_revision(product: Product, version: CatalogueVersion) -> PriceRevision | None:
    """The newest revision (draft or approved) of the product valid at the start of the version's year."""
    year_end = dt.date(version.year, 12, 31)
    revisions = [r for r in product.price_revisions.all() if r.valid_from <= year_end]
    revisions.sort(key=lambda r: (r.valid_from <= version.valid_from, r.valid_from, r.id), reverse=True)
    return revisions[0] if revisions else None


@transaction.atomic
def catalogue_version_compose(*, actor: Any, version: CatalogueVersion) -> CatalogueVersion:
    """Fill a draft version with every proposed, approved or active product of its provider and its price for the
    year. A product listed so far only in other providers' catalogues is theirs (several providers side by side,
    ADR 0043) and stays out; a product in no catalogue yet, or in one of this provider's, comes in."""
    locked = CatalogueVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != CatalogueStatus.DRAFT:
        raise ValidationError({"status": _("Only a draft catalogue can be composed.")})
    listed = CatalogueVersionItem.objects.exclude(version=locked)
    own = listed.filter(version__provider_id=locked.provider_id).values("product_id")
    others = listed.exclude(version__provider_id=locked.provider_id).values("product_id")
    products = (
        Product.objects.filter(status__in=[ProductStatus.PROPOSED, ProductStatus.APPROVED, ProductStatus.ACTIVE])
        .exclude(Q(pk__in=others) & ~Q(pk__in=own))
        .prefetch_related("price_revisions")
    )
    missing = []
    items = []
    for product in products:
        revision = _candidate_revision(product, locked)
        if revision is None:
            missing.append(product.number)
            continue
        items.append(CatalogueVersionItem(version=locked, product=product, price_revision=revision))
    if missing:
        raise ValidationError(
            {
                "items": _("These products have no price for %(year)s: %(numbers)s")
                % {"year": locked.year, "numbers": ", ".join(missing)}
            }
        )
    locked.items.all().delete()
    CatalogueVersionItem.objects.bulk_create(items)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        after={"items": len(items)},
        scope_organization_id=locked.provider_id,
        message=_("Catalogue composed"),
    )
    return locked


@transaction.atomic
def catalogue_version_propose(*, actor: Any, version: CatalogueVersion) -> CatalogueVersion:
    locked = CatalogueVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != CatalogueStatus.DRAFT:
        raise ValidationError({"status": _("Only a draft catalogue can be proposed.")})
    if not locked.items.exists():
        raise ValidationError({"items": _("An empty catalogue cannot be proposed.")})
    locked.status = CatalogueStatus.PROPOSED
    locked.save(update_fields=["status", "modified"])
    Product.objects.filter(pk__in=locked.items.values("product_id"), status=ProductStatus.DRAFT).update(
        status=ProductStatus.PROPOSED
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        before={"status": CatalogueStatus.DRAFT},
        after={"status": CatalogueStatus.PROPOSED},
        scope_organization_id=locked.provider_id,
    )
    return locked


@transaction.atomic
def catalogue_version_approve(
    *, actor: Any, version: CatalogueVersion, decision_reference: str, approved_on: dt.date, activate: bool = True
) -> CatalogueVersion:
    """Approve a proposed catalogue (called by the committee decision): its prices become approved revisions,
    its proposed products approved (and active when `activate`), the year's previous version superseded.
    A version is approved once; a second call is refused and changes nothing."""
    locked = CatalogueVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status == CatalogueStatus.APPROVED:
        raise ValidationError({"status": _("This catalogue is already approved.")})
    if locked.status != CatalogueStatus.PROPOSED:
        raise ValidationError({"status": _("Only a proposed catalogue can be approved.")})
    if not decision_reference.strip():
        raise ValidationError({"decision_reference": _("Name the decision that approves the catalogue.")})
    conflicts = [
        _same_day_message(conflict)
        for item in locked.items.select_related("price_revision", "price_revision__product")
        if item.price_revision.status == RevisionStatus.DRAFT
        and (conflict := same_day_conflict(item.price_revision)) is not None
    ]
    if conflicts:
        raise ValidationError(conflicts)
    now = timezone.now()
    previous = CatalogueVersion.objects.select_for_update().filter(
        provider=locked.provider, year=locked.year, status=CatalogueStatus.APPROVED
    )
    for old in previous:
        old.status = CatalogueStatus.SUPERSEDED
        old.save(update_fields=["status", "modified"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=old,
            before={"status": CatalogueStatus.APPROVED},
            after={"status": CatalogueStatus.SUPERSEDED},
            scope_organization_id=old.provider_id,
        )
    items = list(locked.items.select_related("product", "price_revision"))
    for item in items:
        revision = item.price_revision
        if revision.status == RevisionStatus.DRAFT:
            PriceRevision.objects.filter(pk=revision.pk).update(
                status=RevisionStatus.APPROVED, approved_at=now, catalogue_version=locked, modified=now
            )
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=revision,
                before={"status": RevisionStatus.DRAFT},
                after={"status": RevisionStatus.APPROVED},
                message=str(locked),
            )
        product = item.product
        target = ProductStatus.ACTIVE if activate else ProductStatus.APPROVED
        if product.status in (ProductStatus.DRAFT, ProductStatus.PROPOSED) or (
            activate and product.status == ProductStatus.APPROVED
        ):
            Product.objects.filter(pk=product.pk).update(status=target, modified=now)
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=product,
                before={"status": product.status},
                after={"status": target},
                message=str(locked),
            )
    before = {"status": locked.status}
    locked.status = CatalogueStatus.APPROVED
    locked.decision_reference = decision_reference.strip()
    locked.approved_at = now
    locked.approved_on = approved_on
    locked.save(update_fields=["status", "decision_reference", "approved_at", "approved_on", "modified"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        before=before,
        after={"status": CatalogueStatus.APPROVED, "decision_reference": locked.decision_reference},
        scope_organization_id=locked.provider_id,
    )
    return locked
