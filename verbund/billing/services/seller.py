"""The seller profile of a provider: what its invoices say about the seller, and its own number series.

`seller_profile_create` and `seller_profile_update` check every field and name it in the error: the model's
validators (IBAN check digits, VAT id with check digit, e-mail as electronic address, postcode, prefix format)
plus the rules across rows: the provider is a provider, the prefix is unique across providers (at most one
provider bills without a prefix, since two without would share one series), and once the provider has issued
invoices its prefix stays (an issued series must stay gap-free, ADR 0042). An update takes the row lock and,
where the caller names the version it saw, refuses a stale form instead of silently overwriting another clerk's
change. Every change writes an audit event with before and after.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.billing.choices import InvoiceStatus
from verbund.billing.models import Invoice, SellerProfile
from verbund.core.access import require_permission, user_sees_all
from verbund.core.audit import audit_record, model_snapshot
from verbund.core.models import AuditAction
from verbund.registry.choices import PROVIDER_KINDS
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
_TEXT_FIELDS = tuple(name for name in SELLER_PROFILE_FIELDS if name not in ("payment_terms_days",))


def _check_actor(actor: Any, permission: str) -> None:
    """Seller data is billing staff work (billing clerk, administrator); `None` is the system (CLI, demo)."""
    if actor is None:
        return
    require_permission(actor, permission)
    if not user_sees_all(actor):
        raise ValidationError(_("Only billing staff of the provider can do this."))


def _check_fields(values: dict[str, Any]) -> None:
    unknown = set(values) - set(SELLER_PROFILE_FIELDS)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})


def _normalise(profile: SellerProfile) -> None:
    for name in _TEXT_FIELDS:
        value = getattr(profile, name)
        if isinstance(value, str):
            setattr(profile, name, value.strip())
    profile.iban = profile.iban.replace(" ", "").upper()
    profile.bic = profile.bic.replace(" ", "").upper()
    profile.vat_id = profile.vat_id.replace(" ", "").upper()
    profile.number_prefix = profile.number_prefix.upper()
    profile.country = profile.country.upper()


def has_issued_invoices(provider: Organization) -> bool:
    """Has the provider issued any invoice, credit note or settlement (its series has begun)?"""
    return Invoice.objects.filter(provider=provider).exclude(status=InvoiceStatus.DRAFT).exists()


def _validate(profile: SellerProfile, *, old_prefix: str | None) -> None:
    """Every finding at once, each under its field's name; nothing is saved when there is one."""
    errors: dict[str, list[str]] = {}
    try:
        profile.full_clean(exclude=["provider"], validate_constraints=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if profile.provider.kind not in PROVIDER_KINDS:
        add("provider", _("Only a provider bills its members; %(name)s is none.") % {"name": profile.provider.name})
    if not profile.vat_id and not profile.tax_number and "vat_id" not in errors:
        add("vat_id", _("Give the VAT identification number or the tax number."))
    if profile.country == "DE" and profile.vat_id and "vat_id" not in errors and not profile.vat_id.startswith("DE"):
        add("vat_id", _("A German seller's VAT identification number is DE and 9 digits."))
    if "number_prefix" not in errors:
        others = SellerProfile.objects.exclude(provider=profile.provider).filter(number_prefix=profile.number_prefix)
        holder = others.select_related("provider").first()
        if holder is not None:
            if profile.number_prefix:
                message = _("The prefix %(prefix)s is already used by %(name)s; each provider has its own.")
            else:
                message = _(
                    "%(name)s already bills without a prefix; give this provider one or two capital letters of its "
                    "own so that the number series stay apart."
                )
            add("number_prefix", message % {"prefix": profile.number_prefix, "name": holder.provider.name})
        elif old_prefix is not None and profile.number_prefix != old_prefix and has_issued_invoices(profile.provider):
            add(
                "number_prefix",
                _(
                    "The provider has issued invoices in the series %(prefix)s…; the prefix stays so that the "
                    "series remains gap-free."
                )
                % {"prefix": old_prefix or _("without prefix")},
            )
    if errors:
        raise ValidationError(errors)


def _save(profile: SellerProfile, *, actor: Any, before: dict[str, Any] | None) -> SellerProfile:
    after = model_snapshot(profile)
    if before is not None and {k: v for k, v in before.items() if k != "version"} == {
        k: v for k, v in after.items() if k != "version"
    }:
        return profile  # nothing changed: no new version, no event
    if before is not None:
        profile.version += 1
    profile.modified = timezone.now()
    try:
        with transaction.atomic():  # a savepoint: the unique prefix may have been taken a moment ago
            profile.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"number_prefix": _("Another provider took this prefix a moment ago; choose another one.")}
        ) from exc
    if before is not None:
        # Drafts are previews: where the prefix changed (no invoice issued yet), they carry the new series.
        old_prefix = str(before.get("number_prefix") or "")
        if old_prefix != profile.number_prefix:
            drafts = Invoice.objects.filter(provider=profile.provider, status=InvoiceStatus.DRAFT)
            for series in set(drafts.values_list("series", flat=True)):  # a handful: RE, GS, IV
                base = series[len(old_prefix) :] if series.startswith(old_prefix) else series
                drafts.filter(series=series).update(series=profile.number_prefix + base)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE if before is not None else AuditAction.CREATE,
        obj=profile,
        before=before,
        after=model_snapshot(profile),
        scope_organization_id=profile.provider_id,
    )
    return profile


@transaction.atomic
def seller_profile_create(*, actor: Any, provider: Organization, **values: Any) -> SellerProfile:
    """Record the seller data of a provider that has none yet."""
    _check_actor(actor, "billing.add_sellerprofile")
    _check_fields(values)
    Organization.objects.select_for_update().filter(pk=provider.pk).first()  # one creation per provider at a time
    if SellerProfile.objects.filter(provider=provider).exists():
        raise ValidationError({"provider": _("%(name)s has seller data already.") % {"name": provider.name}})
    profile = SellerProfile(provider=provider, **values)
    _normalise(profile)
    _validate(profile, old_prefix=None)
    return _save(profile, actor=actor, before=None)


@transaction.atomic
def seller_profile_update(
    *, actor: Any, profile: SellerProfile, expected_version: int | None = None, **values: Any
) -> SellerProfile:
    """Change the seller data of a provider (only the fields given). `expected_version`: the version the clerk's
    form showed; another clerk's change since then is refused, naming the field `version`."""
    _check_actor(actor, "billing.change_sellerprofile")
    _check_fields(values)
    locked = SellerProfile.objects.select_for_update().select_related("provider").get(pk=profile.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError(
            {
                "version": _(
                    "Someone changed this seller data in the meantime (version %(now)s, you saw %(seen)s). "
                    "Please reload and enter your changes again."
                )
                % {"now": locked.version, "seen": expected_version}
            }
        )
    before = model_snapshot(locked)
    old_prefix = locked.number_prefix
    for name, value in values.items():
        setattr(locked, name, value)
    _normalise(locked)
    _validate(locked, old_prefix=old_prefix)
    return _save(locked, actor=actor, before=before)


def seller_profile_save(*, actor: Any, provider: Organization, **values: Any) -> SellerProfile:
    """Create the seller data of a provider, or change the fields given (the demo loader, the tests, the CLI)."""
    profile = SellerProfile.objects.filter(provider=provider).first()
    if profile is None:
        return seller_profile_create(actor=actor, provider=provider, **values)
    return seller_profile_update(actor=actor, profile=profile, **values)
