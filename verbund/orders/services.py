"""Writes for ordering: submit (new, change, cancel), confirm, reject, withdraw.

Every write locks the rows it depends on (order, subscription) and checks the state it expects, so that a
repeated or concurrent call changes nothing twice: confirming an order twice is refused, two changes based on
the same subscription version cannot both be confirmed (the second sees the raised version).
"""

import calendar
import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from verbund.catalog.choices import ONE_OFF_UNITS, ChargeUnit, ProductStatus
from verbund.catalog.engine.pricing import PricingError
from verbund.catalog.models import PriceRevision, Product
from verbund.catalog.selectors import approved_price_on, fee_preview, product_provider_ids
from verbund.core.access import user_sees_all
from verbund.core.audit import audit_record, model_snapshot
from verbund.core.explain import translate_message
from verbund.core.models import AuditAction
from verbund.core.numbering import next_number
from verbund.orders.choices import (
    BACKDATE_WINDOW_DAYS,
    MAX_LEAD_DAYS,
    ORDER_NUMBER_SERIES,
    OrderKind,
    OrderStatus,
)
from verbund.orders.models import Order, Subscription, SubscriptionQuantity
from verbund.orders.selectors import accession_agreement, parties_in_force
from verbund.registry.choices import ApprovalStatus
from verbund.registry.models import Agreement, AgreementParty, Organization
from verbund.registry.services import agreement_accession_record


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def earliest_end_date(*, product: Product, notice_given_on: dt.date) -> dt.date:
    """Notice period rule: the end may be the last day of the month in which the notice period expires."""
    expiry = add_months(notice_given_on, product.notice_period_months)
    return dt.date(expiry.year, expiry.month, calendar.monthrange(expiry.year, expiry.month)[1])


def _check_actor_may_act_for(actor: Any, member: Organization) -> None:
    """Provider staff may order for any member; a member contact only for its own organisation."""
    if actor is None:
        return
    if not actor.has_perm("orders.add_order"):
        raise ValidationError({"member": _("You are not allowed to place orders.")})
    if not user_sees_all(actor) and actor.organization_id != member.pk:
        raise ValidationError({"member": _("You can only order for your own organisation.")})


def _check_member(member: Organization, on: dt.date) -> None:
    if not parties_in_force(member, on).exists():
        raise ValidationError(
            {
                "member": _("%(member)s is not a party to an agreement on %(date)s.")
                % {"member": member, "date": date_format(on, "SHORT_DATE_FORMAT")}
            }
        )


def _accession_needed(member: Organization, product: Product, on: dt.date) -> Agreement | None:
    agreement = accession_agreement(member=member, product=product, on=on)
    if (
        agreement is None
        and not parties_in_force(member, on)
        .filter(agreement__provider_id__in=product_provider_ids(product=product, year=on.year))
        .exists()
    ):
        _check_member(member, on)  # no accession possible: a party of any agreement may order (the old rule)
    return agreement


def _accession_for(actor: Any, member: Organization, agreement: Agreement, start_date: dt.date) -> AgreementParty:
    """The member's proposed accession to `agreement` (the one already waiting, or a new one from the start
    date); refused when the member left the agreement or its accession takes effect after the start date."""
    # Two orders of one member are already serialised by the member lock of order_submit_new; the agreement lock
    # (the one agreement_accession_record takes) also serialises with staff recording the accession at the same
    # time, so the second one finds the first's accession instead of failing on the unique party.
    Agreement.objects.select_for_update().filter(pk=agreement.pk).first()
    existing = AgreementParty.objects.filter(agreement=agreement, organization=member).first()
    if existing is None:
        return agreement_accession_record(
            actor=actor,
            agreement=agreement,
            organization=member,
            joined_on=start_date,
            status=ApprovalStatus.PROPOSED,
        )
    if existing.status == ApprovalStatus.PROPOSED and existing.joined_on <= start_date:
        return existing
    if existing.status == ApprovalStatus.PROPOSED:
        message = _("The accession of %(member)s takes effect on %(date)s; the product can start then at the earliest.")
        day = existing.joined_on
    else:  # approved, but not in force on the start date: it left, or joins later
        message = _(
            "%(member)s is not a party of %(agreement)s on %(date)s; the provider's staff must record a new accession."
        )
        day = start_date
    raise ValidationError(
        {
            "effective_date": message
            % {"member": member, "agreement": agreement, "date": date_format(day, "SHORT_DATE_FORMAT")}
        }
    )


def _check_date(field: str, day: dt.date, as_of: dt.date) -> None:
    if day < as_of - dt.timedelta(days=BACKDATE_WINDOW_DAYS):
        raise ValidationError(
            {field: _("The date may lie at most %(days)s days in the past.") % {"days": BACKDATE_WINDOW_DAYS}}
        )
    if day > as_of + dt.timedelta(days=MAX_LEAD_DAYS):
        raise ValidationError({field: _("The date lies too far in the future.")})


def _price(product: Product, on: dt.date) -> PriceRevision:
    revision = approved_price_on(product=product, on=on)
    if revision is None:
        raise ValidationError(
            {
                "effective_date": _("%(product)s has no approved price on %(date)s.")
                % {"product": product.number, "date": date_format(on, "SHORT_DATE_FORMAT")}
            }
        )
    return revision


def _quantity_and_preview(
    product: Product, member: Organization, quantity: Decimal | None, revision: PriceRevision
) -> tuple[Decimal, Decimal]:
    try:
        preview = fee_preview(product=product, revision=revision, member=member, quantity=quantity)
    except PricingError as exc:
        raise ValidationError({exc.field: pricing_error_text(exc)}) from exc
    return preview.quantity, preview.net


def pricing_error_text(exc: PricingError) -> str:
    """The pricing engine's error in the active language; a charge unit code shown as its label."""
    params = dict(exc.params)
    if "unit" in params:
        params["unit"] = ChargeUnit(params["unit"]).label if params["unit"] in ChargeUnit.values else params["unit"]
    return translate_message(exc.message, params)


def _create_order(*, actor: Any, **values: Any) -> Order:
    order = Order(
        number=next_number(series=ORDER_NUMBER_SERIES, year=timezone.localdate().year),
        submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
        **values,
    )
    order.full_clean()
    order.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=order,
        after=model_snapshot(order),
        scope_organization_id=order.member_id,
        message=order.get_kind_display(),
    )
    return order


@transaction.atomic
def order_submit_new(
    *,
    actor: Any,
    member: Organization,
    product: Product,
    quantity: Decimal | None,
    start_date: dt.date,
    as_of: dt.date,
    member_reference: str = "",
    comment: str = "",
    accede: bool = False,
) -> Order:
    """A new subscription. When the product's provider is not yet the member's (`_accession_needed`), the order
    is refused unless `accede` says the member applies for the accession: it is then recorded as proposed and
    the order waits for it; both take effect together (`orders_accession_effective`)."""
    _check_actor_may_act_for(actor, member)
    if product.status != ProductStatus.ACTIVE:
        raise ValidationError(
            {
                "product": _("%(product)s cannot be ordered (status: %(status)s).")
                % {"product": product.number, "status": product.get_status_display()}
            }
        )
    _check_date("effective_date", start_date, as_of)
    agreement = _accession_needed(member, product, start_date)
    if agreement is not None and not accede:
        raise ValidationError(
            {
                "accede": _(
                    "%(product)s is provided by %(provider)s. %(member)s first has to accede to %(agreement)s "
                    "(possibly with a capital contribution that the committee fixes). Confirm that you apply for "
                    "the accession: it and this order then take effect together once the committee approves it."
                )
                % {
                    "product": product.number,
                    "provider": agreement.provider,
                    "member": member,
                    "agreement": agreement,
                }
            }
        )
    revision = _price(product, start_date)
    chargeable, net = _quantity_and_preview(product, member, quantity, revision)
    # Lock the member row: two people ordering the same product for the same member at once get one order.
    Organization.objects.select_for_update().filter(pk=member.pk).first()
    overlapping = Subscription.objects.filter(member=member, product=product).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=start_date)
    )
    if product.unit not in ONE_OFF_UNITS and overlapping.exists():
        raise ValidationError(
            {
                "product": _("%(member)s already has %(product)s; change its quantity instead.")
                % {"member": member, "product": product.number}
            }
        )
    if (
        Order.objects.filter(member=member, product=product, kind=OrderKind.NEW, status=OrderStatus.SUBMITTED).exists()
        and product.unit not in ONE_OFF_UNITS
    ):
        raise ValidationError(
            {
                "product": _("An order for %(product)s is already waiting for confirmation.")
                % {"product": product.number}
            }
        )
    return _create_order(
        actor=actor,
        kind=OrderKind.NEW,
        member=member,
        product=product,
        quantity=chargeable,
        effective_date=start_date,
        member_reference=member_reference,
        comment=comment,
        price_revision=revision,
        annual_net_preview=net,
        accession=_accession_for(actor, member, agreement, start_date) if agreement is not None else None,
    )


def _locked_subscription(subscription: Subscription, expected_version: int | None) -> Subscription:
    locked = (
        Subscription.objects.select_for_update(of=("self",)).select_related("product", "member").get(pk=subscription.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError(
            {
                "version": _(
                    "Someone changed this subscription in the meantime (version %(now)s, "
                    "you saw %(seen)s). Please reload and try again."
                )
                % {"now": locked.version, "seen": expected_version}
            }
        )
    return locked


@transaction.atomic
def order_submit_change(
    *,
    actor: Any,
    subscription: Subscription,
    quantity: Decimal,
    effective_date: dt.date,
    as_of: dt.date,
    expected_version: int | None = None,
    member_reference: str = "",
    comment: str = "",
) -> Order:
    locked = _locked_subscription(subscription, expected_version)
    _check_actor_may_act_for(actor, locked.member)
    product = locked.product
    if product.unit in ("inhabitant", "flat") or product.unit in ONE_OFF_UNITS:
        raise ValidationError({"quantity": _("The quantity of this product cannot be changed.")})
    _check_date("effective_date", effective_date, as_of)
    if effective_date < locked.start_date or (locked.end_date and effective_date > locked.end_date):
        raise ValidationError({"effective_date": _("The change must fall within the subscription's term.")})
    revision = _price(product, effective_date)
    chargeable, net = _quantity_and_preview(product, locked.member, quantity, revision)
    return _create_order(
        actor=actor,
        kind=OrderKind.CHANGE,
        member=locked.member,
        product=product,
        subscription=locked,
        subscription_version=locked.version,
        quantity=chargeable,
        effective_date=effective_date,
        member_reference=member_reference,
        comment=comment,
        price_revision=revision,
        annual_net_preview=net,
    )


@transaction.atomic
def order_submit_cancel(
    *,
    actor: Any,
    subscription: Subscription,
    end_date: dt.date,
    as_of: dt.date,
    expected_version: int | None = None,
    comment: str = "",
) -> Order:
    locked = _locked_subscription(subscription, expected_version)
    _check_actor_may_act_for(actor, locked.member)
    if locked.end_date is not None and locked.end_date < as_of:
        raise ValidationError({"subscription": _("This subscription has already ended.")})
    earliest = earliest_end_date(product=locked.product, notice_given_on=as_of)
    if end_date < earliest:
        raise ValidationError(
            {
                "effective_date": _(
                    "With a notice period of %(months)s months the subscription can end on %(date)s at the earliest."
                )
                % {"months": locked.product.notice_period_months, "date": date_format(earliest, "SHORT_DATE_FORMAT")}
            }
        )
    if end_date < locked.start_date:
        raise ValidationError({"effective_date": _("The end cannot lie before the start.")})
    return _create_order(
        actor=actor,
        kind=OrderKind.CANCEL,
        member=locked.member,
        product=locked.product,
        subscription=locked,
        subscription_version=locked.version,
        effective_date=end_date,
        comment=comment,
    )


def _locked_submitted(order: Order) -> Order:
    locked = Order.objects.select_for_update(of=("self",)).select_related("product", "member").get(pk=order.pk)
    if locked.status != OrderStatus.SUBMITTED:
        raise ValidationError(
            {
                "status": _("Order %(number)s is already %(status)s.")
                % {"number": locked.number, "status": locked.get_status_display()}
            }
        )
    return locked


def _decide(actor: Any, order: Order, status: str, reason: str = "") -> None:
    before = {"status": order.status}
    order.status = status
    order.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    order.decided_at = timezone.now()
    order.rejection_reason = reason
    order.modified = order.decided_at
    order.save(update_fields=["status", "subscription", "decided_by", "decided_at", "rejection_reason", "modified"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=order,
        before=before,
        after={"status": status, "rejection_reason": reason} if reason else {"status": status},
        scope_organization_id=order.member_id,
    )


def _check_staff(actor: Any) -> None:
    if actor is not None and not (actor.has_perm("orders.change_order") and user_sees_all(actor)):
        raise ValidationError({"status": _("Only provider staff can confirm or reject orders.")})


@transaction.atomic
def order_confirm(*, actor: Any, order: Order) -> Subscription:
    """Confirm a submitted order and apply it to the contract folder. Confirming twice is refused; an order
    that waits for an accession is confirmed only with it (`orders_accession_effective`)."""
    _check_staff(actor)
    locked = _locked_submitted(order)
    if locked.accession_id is not None:
        party = AgreementParty.objects.select_for_update().get(pk=locked.accession_id)
        if party.status != ApprovalStatus.APPROVED:
            raise ValidationError(
                {
                    "accession": _(
                        "This order waits for the accession of %(member)s; it takes effect when the committee "
                        "approves the accession."
                    )
                    % {"member": locked.member}
                }
            )
    return _apply(actor, locked)


@transaction.atomic
def orders_accession_effective(*, actor: Any, party: AgreementParty) -> list[Subscription]:
    """The committee approved `party` (called by governance in the decision's transaction): every submitted
    order waiting for it is confirmed now, so accession and first order take effect together. An order that
    can no longer be applied (its product was retired meanwhile) rolls the decision back with the reason."""
    if party.status != ApprovalStatus.APPROVED:
        raise ValidationError({"accession": _("This accession is not approved.")})
    waiting = Order.objects.filter(accession=party, status=OrderStatus.SUBMITTED).order_by("pk")
    return [_apply(actor, _locked_submitted(order)) for order in waiting]


def _apply(actor: Any, locked: Order) -> Subscription:
    if locked.kind == OrderKind.NEW:
        assert locked.quantity is not None  # set by order_submit_new
        # Lock the product: a transfer executing at the same time (transfers app) either moves this subscription
        # (it locked the product after us) or has retired the product (we waited for it), never neither.
        if Product.objects.select_for_update().get(pk=locked.product_id).status == ProductStatus.RETIRED:
            raise ValidationError({"product": _("The product has been retired; it can no longer be ordered.")})
        overlapping = (
            Subscription.objects.select_for_update()
            .filter(member=locked.member, product=locked.product)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=locked.effective_date))
        )
        one_off = locked.product.unit in ONE_OFF_UNITS
        if overlapping.exists() and not one_off:
            raise ValidationError({"product": _("The member already has this product.")})
        subscription = Subscription.objects.create(
            member=locked.member,
            product=locked.product,
            start_date=locked.effective_date,
            end_date=locked.effective_date if one_off else None,
        )
        SubscriptionQuantity.objects.create(
            subscription=subscription, valid_from=locked.effective_date, quantity=locked.quantity, order=locked
        )
        locked.subscription = subscription  # the order is a document of the subscription it created
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=subscription,
            after={**model_snapshot(subscription), "quantity": str(locked.quantity)},
            scope_organization_id=locked.member_id,
            message=locked.number,
        )
    else:
        assert locked.subscription is not None
        subscription = _locked_subscription(locked.subscription, locked.subscription_version)
        before = {"version": subscription.version, "end_date": subscription.end_date}
        if locked.kind == OrderKind.CHANGE:
            assert locked.quantity is not None  # set by order_submit_change
            SubscriptionQuantity.objects.create(
                subscription=subscription, valid_from=locked.effective_date, quantity=locked.quantity, order=locked
            )
            after: dict[str, Any] = {"quantity": str(locked.quantity), "valid_from": locked.effective_date}
        else:
            subscription.end_date = locked.effective_date
            after = {"end_date": locked.effective_date}
        subscription.version += 1
        subscription.modified = timezone.now()
        subscription.save(update_fields=["version", "end_date", "modified"])
        after["version"] = subscription.version
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=subscription,
            before=model_json(before),
            after=model_json(after),
            scope_organization_id=locked.member_id,
            message=locked.number,
        )
    _decide(actor, locked, OrderStatus.CONFIRMED)
    return subscription


def model_json(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value.isoformat() if isinstance(value, dt.date) else value for key, value in values.items()}


@transaction.atomic
def order_reject(*, actor: Any, order: Order, reason: str) -> Order:
    _check_staff(actor)
    if not reason.strip():
        raise ValidationError({"rejection_reason": _("Please give a reason for the rejection.")})
    locked = _locked_submitted(order)
    _decide(actor, locked, OrderStatus.REJECTED, reason.strip())
    return locked


@transaction.atomic
def order_withdraw(*, actor: Any, order: Order) -> Order:
    locked = _locked_submitted(order)
    _check_actor_may_act_for(actor, locked.member)
    _decide(actor, locked, OrderStatus.WITHDRAWN)
    return locked
