"""Executing an adopted transfer on (or after) its effective date, in one transaction (ADR 0041).

1. Lock the transfer, then its products (in id order): an order being confirmed for such a product either holds
   the product's lock first (its subscription is then read and moved here) or waits and finds the product
   retired (`orders.services.order_confirm` refuses it). Nothing slips in between.
2. Each product is copied into the receiving provider's catalogue of the effective year with its provider of
   origin and the approved price (the version is created through the catalogue services when missing).
3. Every subscription still running on the effective date is ended the day before and continued at the
   receiving provider from that date with the quantity in force then (and any later-dated quantities); a
   `MovedSubscription` links the two. A subscription that starts on or after the effective date moves whole.
4. The old products are retired for new orders; each member gets a `TransferNotice`.
5. A member whose subscriptions moved and who is not yet a party of the receiving provider's agreement in force
   on the effective date becomes one from that date, on the transfer's decision (the contract passes to the
   receiving provider with the service; `registry.AgreementParty`, ADR 0043). Without such an agreement the
   preview warns and the receiving provider cannot bill these members until they accede.

Bulk statements keep the number of queries independent of the number of subscriptions. An executed transfer
is left as it is: executing it again changes nothing.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from verbund.catalog.choices import CatalogueStatus, ProductStatus, RevisionStatus
from verbund.catalog.models import CatalogueVersion, CatalogueVersionItem, PriceRevision, Product
from verbund.catalog.services import (
    catalogue_version_approve,
    catalogue_version_create,
    catalogue_version_propose,
    price_revision_create,
    product_create,
    product_transition,
)
from verbund.core.audit import audit_record, audit_record_many, build_event, model_snapshot
from verbund.core.models import AuditAction
from verbund.orders.models import Subscription, SubscriptionQuantity
from verbund.registry.choices import ApprovalStatus, PartyRole
from verbund.registry.models import Agreement, AgreementParty, Organization
from verbund.transfers.choices import TransferStatus
from verbund.transfers.models import MovedSubscription, ServiceTransfer, TransferItem, TransferNotice
from verbund.transfers.selectors import receiving_agreement

ONE_DAY = dt.timedelta(days=1)
EXECUTE = "transfers.execute_servicetransfer"
BATCH = 2000
Progress = Callable[..., None]


def _no_progress(done: int, total: int, message: str = "", **params: Any) -> None:
    return None


def _receiving_version(actor: Any, transfer: ServiceTransfer) -> tuple[CatalogueVersion, bool]:
    """The receiving provider's approved catalogue of the effective year, or a new one (False: still to approve)."""
    year = transfer.effective_date.year
    version = (
        CatalogueVersion.objects.select_for_update()
        .filter(provider=transfer.to_provider, year=year, status=CatalogueStatus.APPROVED)
        .first()
    )
    if version is not None:
        return version, True
    created = catalogue_version_create(
        actor=actor,
        provider=transfer.to_provider,
        year=year,
        name=_("Catalogue %(year)s of %(provider)s (transferred services)")
        % {"year": year, "provider": transfer.to_provider},
    )
    return created, False


def _copy_product(actor: Any, transfer: ServiceTransfer, item: TransferItem, version: CatalogueVersion) -> Product:
    old = item.product
    new = product_create(
        actor=actor,
        number=item.new_number,
        name=old.name,
        name_en=old.name_en,
        description=old.description,
        description_en=old.description_en,
        family=old.family,
        category=old.category,
        unit=old.unit,
        in_standard_package=old.in_standard_package,
        origin_provider=old.origin_provider or transfer.from_provider,
        notice_period_months=old.notice_period_months,
        sla_service_hours=old.sla_service_hours,
        sla_target_availability=old.sla_target_availability,
        sla_support_hours=old.sla_support_hours,
    )
    revision = price_revision_create(
        actor=actor,
        product=new,
        valid_from=transfer.effective_date,
        unit_price=item.unit_price,
        vat_treatment=item.vat_treatment,
        vat_rate=item.vat_rate,
        note=(
            _("Transferred from %(provider)s (%(number)s); %(decision)s")
            % {"provider": transfer.from_provider, "number": old.number, "decision": transfer.decision_reference}
        )[:300],
    )
    CatalogueVersionItem.objects.create(version=version, product=new, price_revision=revision)
    return new


def _approve_in_place(
    actor: Any, transfer: ServiceTransfer, version: CatalogueVersion, products: list[Product]
) -> None:
    """The transfer's resolutions approve the new prices and products in an already approved catalogue."""
    now = timezone.now()
    revisions = PriceRevision.objects.filter(product__in=products, status=RevisionStatus.DRAFT)
    events = [
        build_event(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=revision,
            before={"status": RevisionStatus.DRAFT},
            after={"status": RevisionStatus.APPROVED},
            message=transfer.decision_reference,
        )
        for revision in revisions
    ]
    revisions.update(status=RevisionStatus.APPROVED, approved_at=now, catalogue_version=version, modified=now)
    events += [
        build_event(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=product,
            before={"status": product.status},
            after={"status": ProductStatus.ACTIVE},
            message=transfer.decision_reference,
        )
        for product in products
    ]
    Product.objects.filter(pk__in=[p.pk for p in products]).update(status=ProductStatus.ACTIVE, modified=now)
    audit_record_many(events)


def _retire(actor: Any, product: Product) -> None:
    if product.status == ProductStatus.ACTIVE:
        product_transition(actor=actor, product=product, to_status=ProductStatus.RETIRED)
        return
    before = product.status  # approved but never activated: retired the same way
    Product.objects.filter(pk=product.pk).update(status=ProductStatus.RETIRED, modified=timezone.now())
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=product, before={"status": before}, after={"status": "retired"}
    )


QuantityRow = tuple[dt.date, Any, int | None]  # valid_from, quantity, order id


def _quantity_rows(product_ids: list[int], day: dt.date) -> dict[int, list[QuantityRow]]:
    """The quantity rows of the running subscriptions, oldest first, as plain tuples (no model instances)."""
    rows: dict[int, list[QuantityRow]] = defaultdict(list)
    for subscription_id, valid_from, quantity, order_id in (
        SubscriptionQuantity.objects.filter(
            Q(subscription__end_date__isnull=True) | Q(subscription__end_date__gte=day),
            subscription__product_id__in=product_ids,
        )
        .order_by("subscription_id", "valid_from", "id")
        .values_list("subscription_id", "valid_from", "quantity", "order_id")
    ):
        rows[subscription_id].append((valid_from, quantity, order_id))
    return rows


def _continued_rows(rows: list[QuantityRow], day: dt.date) -> list[QuantityRow]:
    """The quantity in force on `day` (from `day`) and every later-dated row: (valid_from, quantity, order)."""
    current = None
    later = []
    for valid_from, quantity, order_id in rows:  # ordered by valid_from, id: on the same date the later row wins
        if valid_from <= day:
            current = quantity
        else:
            later.append((valid_from, quantity, order_id))
    first: list[QuantityRow] = [(day, current, None)] if current is not None else []
    return first + later


def _move_subscriptions(
    actor: Any, transfer: ServiceTransfer, items: list[TransferItem], progress: Progress
) -> tuple[int, set[int]]:
    day = transfer.effective_date
    by_product = {item.product_id: item for item in items}
    running = list(
        Subscription.objects.select_for_update(of=("self",))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day), product_id__in=list(by_product))
        .select_related("member", "product")  # the audit events name them: no query per subscription
        .order_by("pk")
    )
    rows = _quantity_rows(list(by_product), day)
    now = timezone.now()
    whole = [s for s in running if s.start_date >= day]  # not begun yet: moves as it is
    split = [s for s in running if s.start_date < day]
    total = len(running)
    progress(0, total, gettext_noop("Moving subscriptions"))
    events = []
    # subscriptions not begun yet: the same subscription now belongs to the receiving product
    for sub in whole:
        new_product_id = by_product[sub.product_id].new_product_id
        events.append(
            build_event(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=sub,
                before={"product": sub.product_id, "version": sub.version},
                after={"product": new_product_id, "version": sub.version + 1},
                scope_organization_id=sub.member_id,
                message=transfer.name,
            )
        )
        Subscription.objects.filter(pk=sub.pk).update(product_id=new_product_id, version=F("version") + 1, modified=now)
    # running subscriptions: end the day before, continue from the effective date
    new_subs = [
        Subscription(
            member=s.member,
            product=by_product[s.product_id].new_product,
            start_date=day,
            end_date=s.end_date,
            created=now,
            modified=now,
        )
        for s in split
    ]
    for start in range(0, len(split), BATCH):
        ids = [s.pk for s in split[start : start + BATCH]]
        Subscription.objects.filter(pk__in=ids).update(end_date=day - ONE_DAY, version=F("version") + 1, modified=now)
    Subscription.objects.bulk_create(new_subs, batch_size=BATCH)
    quantities = []
    moves = []
    for old, new in zip(split, new_subs, strict=True):
        continued = _continued_rows(rows.get(old.pk, []), day)
        quantities += [
            SubscriptionQuantity(subscription=new, valid_from=valid_from, quantity=quantity, order_id=order_id)
            for valid_from, quantity, order_id in continued
        ]
        moves.append(
            MovedSubscription(
                transfer=transfer,
                item=by_product[old.product_id],
                member_id=old.member_id,
                old_subscription=old,
                new_subscription=new,
                quantity=continued[0][1] if continued else 0,
            )
        )
        events.append(
            build_event(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=old,
                before={"end_date": old.end_date.isoformat() if old.end_date else None, "version": old.version},
                after={"end_date": (day - ONE_DAY).isoformat(), "version": old.version + 1},
                scope_organization_id=old.member_id,
                message=transfer.name,
            )
        )
        events.append(
            build_event(
                actor=actor,
                action=AuditAction.CREATE,
                obj=new,
                after={**model_snapshot(new), "quantity": str(continued[0][1]) if continued else None},
                scope_organization_id=new.member_id,
                message=transfer.name,
            )
        )
    SubscriptionQuantity.objects.bulk_create(quantities, batch_size=BATCH)
    MovedSubscription.objects.bulk_create(moves, batch_size=BATCH)
    audit_record_many(events)
    progress(total, total, gettext_noop("Moving subscriptions"))
    return total, {s.member_id for s in running}


def _accede_members(actor: Any, transfer: ServiceTransfer, member_ids: set[int]) -> int:
    """Members of moved subscriptions become parties of the receiving agreement from the effective date (step
    5 of the module). A member with any row in that agreement (a party, a proposed or an earlier accession) is
    left as it is. Returns the number of accessions recorded."""
    agreement = receiving_agreement(transfer)
    if agreement is None or not member_ids:
        return 0
    Agreement.objects.select_for_update().filter(pk=agreement.pk).first()  # as agreement_accession_record does
    known = set(
        AgreementParty.objects.filter(agreement=agreement, organization_id__in=list(member_ids)).values_list(
            "organization_id", flat=True
        )
    )
    now = timezone.now()
    reference = (transfer.decision_reference or transfer.name)[:120]
    # the organisations in one query: the audit events name them (`str(party)`), no query per party
    organizations = Organization.objects.in_bulk(sorted(member_ids - known))
    parties = [
        AgreementParty(
            agreement=agreement,
            organization=organizations[member_id],
            role=PartyRole.PARTNER,
            status=ApprovalStatus.APPROVED,
            joined_on=transfer.effective_date,
            committee_decision_ref=reference,
            created=now,
            modified=now,
        )
        for member_id in sorted(member_ids - known)
    ]
    AgreementParty.objects.bulk_create(parties, batch_size=BATCH)
    audit_record_many(
        [
            build_event(
                actor=actor,
                action=AuditAction.CREATE,
                obj=party,
                after=model_snapshot(party),
                scope_organization_id=party.organization_id,
                message=transfer.name,
            )
            for party in parties
        ]
    )
    return len(parties)


@transaction.atomic
def transfer_execute(
    *, actor: Any, transfer: ServiceTransfer, as_of: dt.date, progress: Progress | None = None
) -> ServiceTransfer:
    """Make an adopted transfer happen (see the module). All or nothing; a second call changes nothing."""
    if actor is not None and not actor.has_perm(EXECUTE):
        raise PermissionDenied
    progress = progress or _no_progress
    locked = (
        ServiceTransfer.objects.select_for_update().select_related("from_provider", "to_provider").get(pk=transfer.pk)
    )
    if locked.status == TransferStatus.EXECUTED:
        return locked  # idempotent: executed once, nothing more to do
    if locked.status != TransferStatus.ADOPTED:
        raise ValidationError({"status": _("Only an adopted transfer can be executed.")})
    if as_of < locked.effective_date:
        raise ValidationError(
            {
                "effective_date": _("The transfer takes effect on %(date)s; it cannot be executed before.")
                % {"date": locked.effective_date.strftime("%d.%m.%Y")}
            }
        )
    items = list(locked.items.order_by("product_id"))
    products = list(Product.objects.select_for_update().filter(pk__in=[i.product_id for i in items]).order_by("pk"))
    gone = [p.number for p in products if p.status not in (ProductStatus.APPROVED, ProductStatus.ACTIVE)]
    if gone:
        raise ValidationError(
            {"products": _("No longer approved or active: %(numbers)s") % {"numbers": ", ".join(gone)}}
        )
    by_id = {p.pk: p for p in products}
    version, approved = _receiving_version(actor, locked)
    new_products = []
    for item in items:
        item.product = by_id[item.product_id]
        item.new_product = _copy_product(actor, locked, item, version)
        new_products.append(item.new_product)
    TransferItem.objects.bulk_update(items, ["new_product"])
    if approved:
        _approve_in_place(actor, locked, version, new_products)
    else:
        catalogue_version_propose(actor=actor, version=version)
        catalogue_version_approve(
            actor=actor,
            version=version,
            decision_reference=locked.decision_reference or locked.name,
            approved_on=locked.adopted_on or locked.effective_date,
        )
    moved, members = _move_subscriptions(actor, locked, items, progress)
    acceded = _accede_members(actor, locked, members)
    for product in products:
        _retire(actor, product)
    now = timezone.now()
    notices = [TransferNotice(transfer=locked, member_id=member_id, created=now, modified=now) for member_id in members]
    TransferNotice.objects.bulk_create(notices, batch_size=BATCH)
    locked.status = TransferStatus.EXECUTED
    locked.target_version = version
    locked.executed_at = now
    locked.moved_subscriptions = moved
    locked.modified = now
    locked.save(update_fields=["status", "target_version", "executed_at", "moved_subscriptions", "modified"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        before={"status": TransferStatus.ADOPTED},
        after={
            "status": TransferStatus.EXECUTED,
            "moved_subscriptions": moved,
            "notices": len(notices),
            "accessions": acceded,
        },
        scope_organization_id=locked.from_provider_id,
    )
    return locked


def transfers_due(*, as_of: dt.date) -> list[ServiceTransfer]:
    """Adopted transfers whose effective date has come, oldest first (for the command and the job)."""
    return list(
        ServiceTransfer.objects.filter(status=TransferStatus.ADOPTED, effective_date__lte=as_of).order_by(
            "effective_date", "pk"
        )
    )
