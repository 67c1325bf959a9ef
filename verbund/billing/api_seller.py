"""The providers' seller data over the REST API (#14), below the billing router: `/billing/sellers`.

Staff read every profile (the auditor too, read only); a member contact sees none (an empty list, 404). Writes
need `billing.change_sellerprofile` (`add_` for a new one): 403 first, then the provider (404), then the field
checks of the services (422 naming the field). `PUT` records the whole profile (creating it where the provider
has none), `PATCH` changes the fields given; both take the `version` the client read, and a stale one is
refused (422, field `version`) instead of overwriting another clerk's change."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from verbund.billing import selectors, services
from verbund.billing.models import SellerProfile
from verbund.billing.services.seller import has_issued_invoices
from verbund.core.access import Action, require_permission
from verbund.core.api_types import BoundedLimitOffsetPagination, Count, Id

router = Router(tags=["billing"])


class SellerProfileOut(Schema):
    provider_id: int
    provider_name: str
    number_prefix: str
    prefix_locked: bool = Field(..., description="the provider has issued invoices: its prefix stays")
    legal_name: str
    street: str
    postcode: str
    city: str
    country: str
    vat_id: str
    tax_number: str
    legal_registration_id: str
    contact_name: str
    contact_phone: str
    contact_email: str
    electronic_address: str
    iban: str
    bic: str
    bank_name: str
    payment_terms_days: int
    invoice_frequency: str
    host_settlement_internal: bool
    version: int
    modified: dt.datetime

    @staticmethod
    def resolve_provider_name(obj: SellerProfile) -> str:
        return obj.provider.name

    @staticmethod
    def resolve_prefix_locked(obj: SellerProfile) -> bool:
        locked = getattr(obj, "prefix_locked", None)  # annotated by the selector; else one query
        return has_issued_invoices(obj.provider) if locked is None else bool(locked)


class SellerProfilePut(Schema):
    """The whole seller profile; the model's checks (IBAN, VAT id, prefix, ...) answer 422 naming the field."""

    legal_name: str = Field(..., max_length=200)
    street: str = Field(..., max_length=200)
    postcode: str = Field(..., max_length=10)
    city: str = Field(..., max_length=100)
    country: str = Field("DE", max_length=2)
    vat_id: str = Field("", max_length=20, description="DE and 9 digits (with check digit); or give tax_number")
    tax_number: str = Field("", max_length=30)
    legal_registration_id: str = Field("", max_length=60)
    contact_name: str = Field("", max_length=120)
    contact_phone: str = Field("", max_length=40)
    contact_email: str = Field("", max_length=254)
    electronic_address: str = Field(..., max_length=254, description="e-mail address for replies (BT-34)")
    iban: str = Field(..., max_length=42)
    bic: str = Field("", max_length=14)
    bank_name: str = Field("", max_length=120)
    payment_terms_days: int = Field(30, ge=0, le=365)
    invoice_frequency: str = Field("monthly", max_length=10, description="monthly or quarterly")
    number_prefix: str = Field("", max_length=2, description="one or two capital letters; fixed once invoices exist")
    host_settlement_internal: bool = False
    version: Count | None = Field(None, description="the version read; omit only when creating")


class SellerProfilePatch(Schema):
    """The fields to change; the others stay."""

    legal_name: str | None = Field(None, max_length=200)
    street: str | None = Field(None, max_length=200)
    postcode: str | None = Field(None, max_length=10)
    city: str | None = Field(None, max_length=100)
    country: str | None = Field(None, max_length=2)
    vat_id: str | None = Field(None, max_length=20)
    tax_number: str | None = Field(None, max_length=30)
    legal_registration_id: str | None = Field(None, max_length=60)
    contact_name: str | None = Field(None, max_length=120)
    contact_phone: str | None = Field(None, max_length=40)
    contact_email: str | None = Field(None, max_length=254)
    electronic_address: str | None = Field(None, max_length=254)
    iban: str | None = Field(None, max_length=42)
    bic: str | None = Field(None, max_length=14)
    bank_name: str | None = Field(None, max_length=120)
    payment_terms_days: int | None = Field(None, ge=0, le=365)
    invoice_frequency: str | None = Field(None, max_length=10)
    number_prefix: str | None = Field(None, max_length=2)
    host_settlement_internal: bool | None = None
    version: Count | None = Field(None, description="the version read; a newer one on the server answers 422")


def _profile(profile: SellerProfile) -> SellerProfile:
    return SellerProfile.objects.select_related("provider").get(pk=profile.pk)  # as saved (normalised)


@router.get("/sellers", response=list[SellerProfileOut], summary="The providers' seller data, by provider name")
@paginate(BoundedLimitOffsetPagination)
def sellers_list(request: HttpRequest):  # type: ignore[no-untyped-def]
    return selectors.seller_profile_list(user=request.user)


@router.get("/sellers/{provider_id}", response=SellerProfileOut, summary="The seller data of one provider")
def sellers_get(request: HttpRequest, provider_id: Id):  # type: ignore[no-untyped-def]
    return selectors.seller_profile_get_for_user(user=request.user, provider_id=provider_id)


@router.put(
    "/sellers/{provider_id}",
    response={200: SellerProfileOut, 201: SellerProfileOut},
    summary="Record the whole seller data of a provider (201 where it had none)",
)
def sellers_put(request: HttpRequest, provider_id: Id, payload: SellerProfilePut):  # type: ignore[no-untyped-def]
    require_permission(request.user, "billing.change_sellerprofile")
    provider = selectors.seller_provider_get_for_user(user=request.user, provider_id=provider_id)
    values: dict[str, Any] = payload.dict(exclude={"version"})
    existing = selectors.seller_profile_list(user=request.user, action=Action.CHANGE).filter(provider=provider).first()
    if existing is None:
        require_permission(request.user, "billing.add_sellerprofile")
        return 201, _profile(services.seller_profile_create(actor=request.user, provider=provider, **values))
    if payload.version is None:
        raise ValidationError({"version": _("Give the version you read: the provider has seller data already.")})
    profile = services.seller_profile_update(
        actor=request.user, profile=existing, expected_version=payload.version, **values
    )
    return 200, _profile(profile)


@router.patch("/sellers/{provider_id}", response=SellerProfileOut, summary="Change some of a provider's seller data")
def sellers_patch(request: HttpRequest, provider_id: Id, payload: SellerProfilePatch):  # type: ignore[no-untyped-def]
    require_permission(request.user, "billing.change_sellerprofile")
    profile = selectors.seller_profile_get_for_user(user=request.user, provider_id=provider_id, action=Action.CHANGE)
    values = {key: value for key, value in payload.dict(exclude={"version"}).items() if value is not None}
    return _profile(
        services.seller_profile_update(actor=request.user, profile=profile, expected_version=payload.version, **values)
    )
