"""The only writers of the availability app: service commitments and outages (ADR 0037)."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from verbund.availability.choices import OutageKind, OutageSource
from verbund.availability.engine import format_windows, parse_windows
from verbund.availability.engine.compute import ALL_WEEK
from verbund.availability.imports import OutageRow
from verbund.availability.models import Commitment, Outage
from verbund.catalog.models import Product
from verbund.core.audit import audit_record, model_snapshot
from verbund.core.models import AuditAction
from verbund.core.money import round_even
from verbund.registry.models import Organization

DEFAULT_NOTICE_DAYS = 5


def _check_windows(text: str) -> str:
    try:
        return format_windows(parse_windows(text))
    except ValueError as exc:
        raise ValidationError(
            {
                "service_hours": _(
                    'Cannot read the service time "%(part)s"; write e.g. "Mon-Fri 07:00-18:00" or "24x7".'
                )
                % {"part": str(exc)}
            }
        ) from exc


def _check_percent(field: str, value: Decimal) -> None:
    if not Decimal(0) <= value <= Decimal(100):
        raise ValidationError({field: _("A percentage between 0 and 100.")})


@transaction.atomic
def commitment_set(
    *,
    actor: Any,
    provider: Organization,
    product: Product,
    valid_from: dt.date,
    service_hours: str,
    target_month: Decimal,
    target_year: Decimal,
    exclude_holidays: bool = True,
    notice_days: int = DEFAULT_NOTICE_DAYS,
    member: Organization | None = None,
    demo: bool = False,
) -> Commitment:
    """Create or replace the commitment of `product` (for `member`, or for all members) from `valid_from` on."""
    hours = _check_windows(service_hours)
    _check_percent("target_month", target_month)
    _check_percent("target_year", target_year)
    if not 0 <= notice_days <= 365:
        raise ValidationError({"notice_days": _("Between 0 and 365 days.")})
    existing = Commitment.objects.filter(product=product, member=member, valid_from=valid_from).first()
    values = {
        "provider": provider,
        "service_hours": hours,
        "target_month": target_month,
        "target_year": target_year,
        "exclude_holidays": exclude_holidays,
        "notice_days": notice_days,
        "demo": demo,
    }
    if existing is None:
        commitment = Commitment(product=product, member=member, valid_from=valid_from, **values)
        commitment.full_clean()
        commitment.save()
        audit_record(actor=actor, action=AuditAction.CREATE, obj=commitment, after=model_snapshot(commitment))
        return commitment
    before = model_snapshot(existing)
    for name, value in values.items():
        setattr(existing, name, value)
    existing.full_clean()
    after = model_snapshot(existing)
    if after != before:
        existing.save()
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=existing, before=before, after=after)
    return existing


def catalogue_defaults(product: Product) -> tuple[str, bool]:
    """The service time of a product as the catalogue states it ("Mo–Fr 7–18 Uhr"), or 24x7 when it states none
    or one that cannot be read; public holidays are excluded unless the service runs around the clock."""
    try:
        windows = parse_windows(product.sla_service_hours) if product.sla_service_hours.strip() else ALL_WEEK
    except ValueError:
        windows = ALL_WEEK
    return format_windows(windows), windows != ALL_WEEK


@transaction.atomic
def commitments_initialise(
    *, actor: Any, provider: Organization, valid_from: dt.date, demo: bool = False
) -> list[Commitment]:
    """A general commitment from the catalogue's SLA fields for each product with a target availability that has
    none from `valid_from` yet. Repeating it changes nothing."""
    have = set(
        Commitment.objects.filter(member__isnull=True, valid_from=valid_from).values_list("product_id", flat=True)
    )
    created = []
    for product in Product.objects.filter(sla_target_availability__isnull=False).exclude(pk__in=have):
        hours, holidays = catalogue_defaults(product)
        target = product.sla_target_availability
        assert target is not None
        created.append(
            commitment_set(
                actor=actor,
                provider=provider,
                product=product,
                valid_from=valid_from,
                service_hours=hours,
                exclude_holidays=holidays,
                target_month=target,
                target_year=target,
                demo=demo,
            )
        )
    return created


def _check_outage(
    *,
    start: dt.datetime,
    end: dt.datetime | None,
    announced_at: dt.datetime | None,
    impact: Decimal,
    products: Sequence[Product],
    kind: str,
) -> None:
    errors: dict[str, str] = {}
    for name, value in (("start", start), ("end", end), ("announced_at", announced_at)):
        if value is not None and (value.tzinfo is None or not 1970 <= value.year <= 2200):
            errors[name] = _("An instant between 1970 and 2200 with a time zone.")
    if not errors and end is not None and end <= start:
        errors["end"] = _("The end must be after the start.")
    if not Decimal("0.001") <= impact <= 1:
        errors["impact"] = _("The impact is a share between 0.001 and 1.")
    if not products:
        errors["products"] = _("Name at least one product.")
    if kind not in OutageKind.values:
        errors["kind"] = _("Unknown kind.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def outage_record(
    *,
    actor: Any,
    provider: Organization,
    kind: str,
    start: dt.datetime,
    end: dt.datetime | None,
    products: Sequence[Product],
    members: Sequence[Organization] = (),
    impact: Decimal = Decimal(1),
    announced_at: dt.datetime | None = None,
    reference: str = "",
    description: str = "",
    demo: bool = False,
) -> Outage:
    """Record an outage or maintenance entered by staff. No members: every member subscribed to the products."""
    _check_outage(start=start, end=end, announced_at=announced_at, impact=impact, products=products, kind=kind)
    outage = Outage(
        provider=provider,
        kind=kind,
        start=start,
        end=end,
        impact=impact,
        announced_at=announced_at,
        reference=reference,
        description=description,
        source=OutageSource.MANUAL,
        demo=demo,
    )
    outage.full_clean()
    outage.save()
    outage.products.set(products)
    outage.members.set(members)
    after = model_snapshot(outage) | {
        "products": sorted(p.pk for p in products),
        "members": sorted(m.pk for m in members),
    }
    audit_record(actor=actor, action=AuditAction.CREATE, obj=outage, after=after)
    return outage


@transaction.atomic
def outage_end(*, actor: Any, outage: Outage, end: dt.datetime) -> Outage:
    """Close a running outage (or correct its end)."""
    if end.tzinfo is None or not 1970 <= end.year <= 2200 or end <= outage.start:
        raise ValidationError({"end": _("The end must be after the start.")})
    before = model_snapshot(outage)
    outage.end = end
    outage.save(update_fields=["end", "modified"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=outage, before=before, after=model_snapshot(outage))
    return outage


@dataclass(frozen=True)
class ImportResult:
    added: int
    changed: int
    unchanged: int

    def summary(self) -> str:
        return _("%(added)s outages added, %(changed)s changed, %(unchanged)s unchanged.") % {
            "added": self.added,
            "changed": self.changed,
            "unchanged": self.unchanged,
        }


_IMPORTED = ("kind", "start", "end", "announced_at", "impact", "reference")


@transaction.atomic
def outages_import(
    *, actor: Any, provider: Organization, source: str, rows: Iterable[OutageRow], demo: bool = False
) -> ImportResult:
    """Write checked rows (from `imports`): a row whose key is known updates that outage where it differs, a new
    key adds one. Importing the same input again changes nothing."""
    items = list(rows)
    existing = {
        o.external_key: o
        for o in Outage.objects.filter(provider=provider, source=source, external_key__in=[row.key for row in items])
    }
    added = changed = unchanged = 0
    for row in items:
        outage = existing.get(row.key)
        values = {
            "kind": row.kind,
            "start": row.start.astimezone(dt.UTC),
            "end": row.end.astimezone(dt.UTC) if row.end is not None else None,
            "announced_at": row.announced_at.astimezone(dt.UTC) if row.announced_at is not None else None,
            "impact": round_even(row.impact, Decimal("0.001")),
            "reference": row.reference,
        }
        if outage is None:
            outage = Outage.objects.create(provider=provider, source=source, external_key=row.key, demo=demo, **values)
            outage.products.set([row.product_id])
            if row.member_id is not None:
                outage.members.set([row.member_id])
            audit_record(
                actor=actor, action=AuditAction.CREATE, obj=outage, after=model_snapshot(outage), message=source
            )
            existing[row.key] = outage
            added += 1
            continue
        before = model_snapshot(outage)
        for name, value in values.items():
            setattr(outage, name, value)
        after = model_snapshot(outage)
        if {k: before[k] for k in _IMPORTED} == {k: after[k] for k in _IMPORTED}:
            unchanged += 1
            continue
        outage.save()
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=outage, before=before, after=after, message=source)
        changed += 1
    return ImportResult(added=added, changed=changed, unchanged=unchanged)
