"""The seller profile of a provider: what its invoices say about the seller."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.billing.models import SellerProfile
from verbund.billing.services.common import check_clerk
from verbund.core.audit import audit_record, model_snapshot
from verbund.core.models import AuditAction
from verbund.registry.models import Organization

SELLER_PROFILE_FIELDS = (
    "number_prefix",
    "legal_name",
    "street",
    "postcode",
    "city",
    "country",
    "vat_id",
    "tax_number",
    "legal_registration_id",
    "contact_name",
    "contact_phone",
    "contact_email",
    "electronic_address",
    "iban",
    "bic",
    "bank_name",
    "payment_terms_days",
    "invoice_frequency",
    "host_settlement_internal",
)


@transaction.atomic
def seller_profile_save(*, actor: Any, provider: Organization, **values: Any) -> SellerProfile:
    """Create or change the seller profile of a provider (what its invoices say about it)."""
    check_clerk(actor)
    unknown = set(values) - set(SELLER_PROFILE_FIELDS)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    profile = SellerProfile.objects.select_for_update().filter(provider=provider).first()
    before = model_snapshot(profile) if profile else None
    if profile is None:
        profile = SellerProfile(provider=provider)
    for name, value in values.items():
        setattr(profile, name, value)
    profile.iban = profile.iban.replace(" ", "").upper()
    profile.bic = profile.bic.replace(" ", "").upper()
    profile.vat_id = profile.vat_id.replace(" ", "").upper()
    profile.modified = timezone.now()
    profile.full_clean()
    profile.save()
    after = model_snapshot(profile)
    if before != after:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE if before else AuditAction.CREATE,
            obj=profile,
            before=before,
            after=after,
            scope_organization_id=provider.pk,
        )
    return profile
