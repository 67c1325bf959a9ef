"""Writes before the execution: create and propose a transfer, record each body's resolution, reject it."""

import datetime as dt
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.catalog.choices import ProductStatus
from verbund.catalog.models import CatalogueVersionItem, Product, ProductFamily
from verbund.catalog.selectors import approved_price_on
from verbund.core.audit import audit_record, model_snapshot
from verbund.core.models import AuditAction
from verbund.core.money import has_places
from verbund.registry.choices import PROVIDER_KINDS
from verbund.registry.models import Organization
from verbund.transfers.choices import OPEN_STATUSES, TransferScope, TransferStatus
from verbund.transfers.models import ServiceTransfer, TransferBody, TransferItem

MOVABLE = (ProductStatus.APPROVED, ProductStatus.ACTIVE)
PROPOSE_ANY = "transfers.propose_any_servicetransfer"  # only "*" (provider administrators) has it


def check_may_propose(actor: Any, from_provider: Organization, to_provider: Organization) -> None:
    """Only a product manager (or staff with the permission) of the transferring or the receiving provider may
    propose; the provider administrators (`PROPOSE_ANY`) for any provider. `None` is the system (demo, imports)."""
    if actor is None:
        return
    if not actor.has_perm("transfers.add_servicetransfer"):
        raise PermissionDenied
    if actor.is_superuser or actor.has_perm(PROPOSE_ANY):
        return
    if actor.organization_id not in (from_provider.pk, to_provider.pk):
        raise ValidationError(
            {"from_provider": _("You can only transfer products of your own provider or to your own provider.")}
        )


def may_propose(actor: Any, from_provider: Organization, to_provider: Organization) -> bool:
    """`check_may_propose` as a yes/no, for pages that offer the action (proposing and rejecting)."""
    try:
        check_may_propose(actor, from_provider, to_provider)
    except (PermissionDenied, ValidationError):
        return False
    return True


def provider_products(provider: Organization) -> "Any":
    """The products of a provider: those in one of its catalogue versions, still approved or active."""
    return Product.objects.filter(
        pk__in=CatalogueVersionItem.objects.filter(version__provider=provider).values("product_id"), status__in=MOVABLE
    )


def _initials(org: Organization) -> str:
    text = unicodedata.normalize("NFKD", org.short_name or org.name).encode("ascii", "ignore").decode()
    return "".join(word[0] for word in text.split() if word[:1].isalnum()).upper()[:4] or "U"


def default_number(product: Product, to_provider: Organization) -> str:
    return f"{_initials(to_provider)}-{product.number}"[:20]


def _price(value: Any, field: str) -> Decimal:
    try:
        price = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter a price such as 12.50.")}) from None
    if not price.is_finite() or price < 0 or not has_places(price, Decimal("0.0001")) or abs(price) >= Decimal("1e10"):
        raise ValidationError({field: _("A price is zero or more, with at most four decimals.")})
    return price


def _check_providers(from_provider: Organization, to_provider: Organization) -> None:
    errors = {}
    if from_provider.kind not in PROVIDER_KINDS:
        errors["from_provider"] = _("%(org)s is not an IT service provider.") % {"org": from_provider}
    if to_provider.kind not in PROVIDER_KINDS:
        errors["to_provider"] = _("%(org)s is not an IT service provider.") % {"org": to_provider}
    elif to_provider.pk == from_provider.pk:
        errors["to_provider"] = _("A provider cannot transfer a service to itself.")
    if errors:
        raise ValidationError(errors)


def _select_products(
    from_provider: Organization, scope: str, products: Iterable[Product], family: ProductFamily | None
) -> list[Product]:
    own = provider_products(from_provider).select_related("family")
    if scope == TransferScope.PRODUCTS:
        wanted = {p.pk for p in products}
        if not wanted:
            raise ValidationError({"products": _("Choose at least one product.")})
        chosen = list(own.filter(pk__in=wanted))
        if len(chosen) != len(wanted):
            foreign = Product.objects.filter(pk__in=wanted - {p.pk for p in chosen}).values_list("number", flat=True)
            raise ValidationError(
                {
                    "products": _("Not an approved or active product of %(provider)s: %(numbers)s")
                    % {"provider": from_provider, "numbers": ", ".join(sorted(foreign))}
                }
            )
        return chosen
    if scope == TransferScope.FAMILY:
        if family is None:
            raise ValidationError({"family": _("Choose the product family to transfer.")})
        chosen = list(own.filter(family=family))
        if not chosen:
            raise ValidationError(
                {"family": _("%(provider)s has no product of this family.") % {"provider": from_provider}}
            )
        return chosen
    if scope == TransferScope.PORTFOLIO:
        chosen = list(own)
        if not chosen:
            raise ValidationError(
                {"scope": _("%(provider)s has no product to transfer.") % {"provider": from_provider}}
            )
        return chosen
    raise ValidationError({"scope": _("Choose single products, a family or the whole portfolio.")})


def _check_bodies(bodies: Iterable[Any]) -> list[Any]:
    chosen = list({body.pk: body for body in bodies}.values())
    if not chosen:
        raise ValidationError({"bodies": _("Name at least one committee whose resolution the transfer needs.")})
    advisory = [str(body) for body in chosen if body.advisory]
    if advisory:
        raise ValidationError(
            {"bodies": _("An advisory committee cannot decide: %(names)s") % {"names": ", ".join(advisory)}}
        )
    return chosen


@transaction.atomic
def transfer_create(
    *,
    actor: Any,
    from_provider: Organization,
    to_provider: Organization,
    effective_date: dt.date,
    bodies: Iterable[Any],
    scope: str = TransferScope.PRODUCTS,
    products: Iterable[Product] = (),
    family: ProductFamily | None = None,
    prices: Mapping[int, Any] | None = None,
    numbers: Mapping[int, str] | None = None,
    name: str = "",
    reason: str = "",
    submit: bool = False,
) -> ServiceTransfer:
    """A transfer with its items and required bodies; a draft, or proposed at once with `submit`. Each item's
    price is the given one or the transferring provider's approved price on the effective date."""
    _check_providers(from_provider, to_provider)
    check_may_propose(actor, from_provider, to_provider)
    if not isinstance(effective_date, dt.date) or not 2000 <= effective_date.year <= 2100:
        raise ValidationError({"effective_date": _("Enter a date between 2000 and 2100.")})
    chosen = _select_products(from_provider, scope, products, family if scope == TransferScope.FAMILY else None)
    busy = sorted(
        TransferItem.objects.filter(product__in=chosen, transfer__status__in=OPEN_STATUSES).values_list(
            "product__number", flat=True
        )
    )
    if busy:
        raise ValidationError(
            {"products": _("Already part of an open transfer: %(numbers)s") % {"numbers": ", ".join(busy)}}
        )
    chosen_bodies = _check_bodies(bodies)
    prices = dict(prices or {})
    numbers = dict(numbers or {})
    unknown = (set(prices) | set(numbers)) - {p.pk for p in chosen}
    if unknown:
        raise ValidationError({"prices": _("Prices or numbers were given for products that do not move.")})
    items = []
    for product in chosen:
        source = approved_price_on(product=product, on=effective_date) or approved_price_on(
            product=product, on=dt.date(2100, 12, 31)
        )
        if product.pk in prices:
            price = _price(prices[product.pk], "prices")
        elif source is not None:
            price = source.unit_price
        else:
            raise ValidationError(
                {"prices": _("%(number)s has no approved price; give the new price.") % {"number": product.number}}
            )
        number = (numbers.get(product.pk) or default_number(product, to_provider)).strip()
        items.append(
            TransferItem(
                product=product,
                new_number=number,
                source_price=source.unit_price if source else None,
                unit_price=price,
                vat_treatment=source.vat_treatment if source else "taxable",
                vat_rate=source.vat_rate if source else Decimal("19.00"),
            )
        )
    new_numbers = [item.new_number for item in items]
    taken = set(Product.objects.filter(number__in=new_numbers).values_list("number", flat=True))
    taken |= set(
        TransferItem.objects.filter(new_number__in=new_numbers, transfer__status__in=OPEN_STATUSES).values_list(
            "new_number", flat=True
        )
    )
    if taken or len(set(new_numbers)) != len(new_numbers) or any(not n or len(n) > 20 for n in new_numbers):
        raise ValidationError(
            {
                "numbers": _("New product numbers must be unique, new and at most 20 characters: %(numbers)s")
                % {"numbers": ", ".join(sorted(taken)) or ", ".join(new_numbers)}
            }
        )
    transfer = ServiceTransfer(
        name=(name or "").strip()
        or _("Transfer of %(what)s to %(provider)s")
        % {
            "what": ", ".join(p.number for p in chosen[:3]) + (" …" if len(chosen) > 3 else ""),
            "provider": to_provider,
        },
        from_provider=from_provider,
        to_provider=to_provider,
        scope=scope,
        family=family if scope == TransferScope.FAMILY else None,
        effective_date=effective_date,
        reason=reason,
        proposed_by=actor if getattr(actor, "is_authenticated", False) else None,
        status=TransferStatus.PROPOSED if submit else TransferStatus.DRAFT,
    )
    transfer.full_clean()
    transfer.save()
    for item in items:
        item.transfer = transfer
        item.full_clean()
    TransferItem.objects.bulk_create(items)
    TransferBody.objects.bulk_create([TransferBody(transfer=transfer, committee=body) for body in chosen_bodies])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=transfer,
        after={
            **model_snapshot(transfer),
            "items": [f"{i.product.number} → {i.new_number}: {i.unit_price}" for i in items],
            "bodies": [str(body) for body in chosen_bodies],
        },
        scope_organization_id=from_provider.pk,
    )
    return transfer


def _locked(transfer: ServiceTransfer) -> ServiceTransfer:
    return ServiceTransfer.objects.select_for_update().get(pk=transfer.pk)


def _status_event(actor: Any, locked: ServiceTransfer, before: str, **extra: Any) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        before={"status": before},
        after={"status": locked.status, **extra},
        scope_organization_id=locked.from_provider_id,
    )


@transaction.atomic
def transfer_propose(*, actor: Any, transfer: ServiceTransfer) -> ServiceTransfer:
    locked = _locked(transfer)
    check_may_propose(actor, locked.from_provider, locked.to_provider)
    if locked.status != TransferStatus.DRAFT:
        raise ValidationError({"status": _("Only a draft transfer can be proposed.")})
    locked.status = TransferStatus.PROPOSED
    locked.modified = timezone.now()
    locked.save(update_fields=["status", "modified"])
    _status_event(actor, locked, TransferStatus.DRAFT)
    return locked


@transaction.atomic
def transfer_body_adopt(
    *, actor: Any, transfer: ServiceTransfer, committee: Any, decision_reference: str, adopted_on: dt.date
) -> ServiceTransfer:
    """Record one body's adopted resolution (called by the committee decision). The transfer is adopted when
    every required body has adopted; a body's second resolution is refused and changes nothing."""
    locked = _locked(transfer)
    if locked.status != TransferStatus.PROPOSED:
        raise ValidationError({"status": _("Only a proposed transfer can be decided.")})
    if not decision_reference.strip():
        raise ValidationError({"decision_reference": _("Name the decision that adopts the transfer.")})
    body = TransferBody.objects.select_for_update().filter(transfer=locked, committee=committee).first()
    if body is None:
        raise ValidationError(
            {"committee": _("%(committee)s is not a body this transfer needs.") % {"committee": committee}}
        )
    if body.adopted_on is not None:
        raise ValidationError(
            {"committee": _("%(committee)s has already adopted this transfer.") % {"committee": committee}}
        )
    body.decision_reference = decision_reference.strip()
    body.adopted_on = adopted_on
    body.save(update_fields=["decision_reference", "adopted_on"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        after={"committee": str(committee), "decision_reference": body.decision_reference},
        scope_organization_id=locked.from_provider_id,
        message=_("Resolution recorded"),
    )
    bodies = list(locked.bodies.order_by("adopted_on", "id"))
    if all(b.adopted_on is not None for b in bodies):
        locked.status = TransferStatus.ADOPTED
        locked.decision_reference = "; ".join(b.decision_reference for b in bodies)[:500]
        locked.adopted_on = max(b.adopted_on for b in bodies if b.adopted_on is not None)
        locked.modified = timezone.now()
        locked.save(update_fields=["status", "decision_reference", "adopted_on", "modified"])
        _status_event(actor, locked, TransferStatus.PROPOSED, decision_reference=locked.decision_reference)
    return locked


@transaction.atomic
def transfer_reject(*, actor: Any, transfer: ServiceTransfer, reason: str) -> ServiceTransfer:
    """An open transfer is rejected with a reason, by those who may propose it (`check_may_propose`)."""
    locked = _locked(transfer)
    check_may_propose(actor, locked.from_provider, locked.to_provider)
    if locked.status not in OPEN_STATUSES:
        raise ValidationError({"status": _("Only an open transfer can be rejected.")})
    reason = (reason or "").strip()
    if not reason or len(reason) > 500:
        raise ValidationError({"rejection_reason": _("Give a reason (at most 500 characters).")})
    before = locked.status
    locked.status = TransferStatus.REJECTED
    locked.rejection_reason = reason
    locked.modified = timezone.now()
    locked.save(update_fields=["status", "rejection_reason", "modified"])
    _status_event(actor, locked, before, rejection_reason=reason)
    return locked
