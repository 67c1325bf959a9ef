"""Writes for organisations: create, update, the contact details a member corrects itself."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.core.audit import audit_record, model_snapshot
from verbund.core.models import AuditAction
from verbund.registry.choices import OrganizationKind
from verbund.registry.models import Organization

# ---------------------------------------------------------------- organisations

ORGANIZATION_EDITABLE = (
    "name",
    "short_name",
    "kind",
    "legal_form",
    "ags",
    "ars",
    "land",
    "official_type",
    "population",
    "area_km2",
    "parent",
    "street",
    "postcode",
    "city",
    "email",
    "leitweg_id",
    "is_active",
)


def _scope_of(organization: Organization) -> int | None:
    """The member a row belongs to for audit scoping: an office belongs to its parent."""
    if organization.kind == OrganizationKind.OFFICE and organization.parent_id:
        return organization.parent_id
    return organization.pk


@transaction.atomic
def organization_create(*, actor: Any, **values: Any) -> Organization:
    unknown = set(values) - set(ORGANIZATION_EDITABLE)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})
    organization = Organization(**values)
    if organization.leitweg_id:
        organization.leitweg_id = organization.leitweg_id.strip().upper()
    organization.full_clean()
    organization.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=organization,
        after=model_snapshot(organization),
        scope_organization_id=_scope_of(organization),
    )
    return organization


@transaction.atomic
def organization_update(*, actor: Any, organization: Organization, **changes: Any) -> Organization:
    """Change fields of an organisation; the row is locked so that two editors cannot lose an update."""
    unknown = set(changes) - set(ORGANIZATION_EDITABLE)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})
    locked = Organization.objects.select_for_update().get(pk=organization.pk)
    before = model_snapshot(locked)
    for name, value in changes.items():
        setattr(locked, name, value)
    if locked.leitweg_id:
        locked.leitweg_id = locked.leitweg_id.strip().upper()
    locked.full_clean()
    locked.modified = timezone.now()
    locked.save()
    after = model_snapshot(locked)
    if before != after:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            before=before,
            after=after,
            scope_organization_id=_scope_of(locked),
        )
    return locked


ORGANIZATION_CONTACT_FIELDS = ("street", "postcode", "city", "email", "leitweg_id")


def organization_contact_correct(
    *,
    actor: Any,
    organization: Organization,
    street: str,
    postcode: str,
    city: str,
    email: str,
    leitweg_id: str,
) -> Organization:
    """Correct the postal address, e-mail and Leitweg-ID of an organisation (the buyer data of its invoices).

    These fields are not in the official directory, so an import never overwrites them. A German postcode has
    five digits; the Leitweg-ID's check digits are verified. Audited like every update; no change, no event."""
    values = {
        "street": street.strip(),
        "postcode": postcode.strip(),
        "city": city.strip(),
        "email": email.strip(),
        "leitweg_id": leitweg_id.strip().upper(),
    }
    if values["postcode"] and not (len(values["postcode"]) == 5 and values["postcode"].isdigit()):
        raise ValidationError({"postcode": _("A postcode has five digits.")})
    return organization_update(actor=actor, organization=organization, **values)
