"""The only writers of the ownership app: record a stake in an entity and end it (effective-dated)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from verbund.core.audit import audit_record, model_snapshot
from verbund.core.models import AuditAction
from verbund.core.money import round_even
from verbund.core.params import refuse_control_characters_in
from verbund.ownership.choices import ENTITY_KINDS, OWNER_KINDS
from verbund.ownership.models import Ownership
from verbund.registry.models import Organization

ONE = Decimal(1)


def percent_text(share: Decimal) -> str:
    """A fraction as a percentage with at most four decimals, without trailing zeros ("62.5")."""
    text = f"{round_even(share * 100, Decimal('0.0001')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _overlapping(
    entity: Organization, start: dt.date, end: dt.date | None, *, exclude: int | None = None
) -> list[Ownership]:
    rows = Ownership.objects.filter(entity=entity)
    if end is not None:
        rows = rows.filter(valid_from__lte=end)
    rows = rows.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    return list(rows)


def largest_total(rows: list[Ownership], start: dt.date, extra: Decimal) -> tuple[Decimal, dt.date]:
    """The largest sum of shares (with `extra`) on any day from `start` on among `rows`, which all overlap the
    period: a sum only grows where a row begins, so those days and `start` are the only candidates."""
    days = sorted({start} | {row.valid_from for row in rows if row.valid_from > start})
    best, best_day = Decimal(-1), start
    for day in days:
        total = extra + sum((row.share for row in rows if row.valid_on(day)), Decimal(0))
        if total > best:
            best, best_day = total, day
    return best, best_day


def _validate(
    *,
    entity: Organization,
    owner: Organization,
    share: Decimal,
    board_seats: int,
    valid_from: dt.date,
    valid_to: dt.date | None,
    exclude: int | None = None,
) -> None:
    errors: dict[str, str] = {}
    if entity.kind not in ENTITY_KINDS:
        errors["entity"] = _("Owners are recorded for the holding and the operating company only.")
    if owner.kind not in OWNER_KINDS:
        errors["owner"] = _("An owner is a municipality, a district, an association, a provider or the holding.")
    elif owner.pk == entity.pk:
        errors["owner"] = _("An entity cannot own itself.")
    elif Ownership.objects.filter(entity=owner, owner=entity).exists():
        errors["owner"] = _("%(owner)s is held by %(entity)s; a circular ownership is not possible.") % {
            "owner": owner.name,
            "entity": entity.name,
        }
    if not isinstance(share, Decimal) or not share.is_finite() or not Decimal(0) < share <= ONE:
        errors["share"] = _("The share is a fraction above 0 and at most 1 (0.25 = 25 %).")
    elif share.as_tuple().exponent < -6:  # type: ignore[operator]
        errors["share"] = _("The share has at most six decimal places.")
    if not 0 <= board_seats <= 99:
        errors["board_seats"] = _("Between 0 and 99 board seats.")
    if valid_to is not None and valid_to < valid_from:
        errors["valid_to"] = _("The end lies before the start.")
    if errors:
        raise ValidationError(errors)
    rows = _overlapping(entity, valid_from, valid_to, exclude=exclude)
    if any(row.owner_id == owner.pk for row in rows):
        raise ValidationError(
            {"valid_from": _("%(owner)s already holds a share in this period; end it first.") % {"owner": owner.name}}
        )
    total, day = largest_total(rows, valid_from, share)
    if total > ONE:
        raise ValidationError(
            {
                "share": _("On %(day)s the shares would add up to %(total)s %%, more than 100 %%.")
                % {"day": day.strftime("%d.%m.%Y"), "total": percent_text(total)}
            }
        )


@transaction.atomic
def ownership_record(
    *,
    actor: Any,
    entity: Organization,
    owner: Organization,
    share: Decimal,
    board_seats: int,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    note: str = "",
    demo: bool = False,
) -> Ownership:
    """Record that `owner` holds `share` of `entity` with `board_seats` seats from `valid_from` on."""
    refuse_control_characters_in(note=note)
    if len(note) > 500:
        raise ValidationError({"note": _("At most 500 characters.")})
    # Serialise the writers of one entity: the 100 % check reads every stake of the entity.
    entity = Organization.objects.select_for_update().get(pk=entity.pk)
    _validate(
        entity=entity,
        owner=owner,
        share=share,
        board_seats=board_seats,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    row = Ownership(
        entity=entity,
        owner=owner,
        share=share,
        board_seats=board_seats,
        valid_from=valid_from,
        valid_to=valid_to,
        note=note,
        demo=demo,
    )
    row.full_clean()
    row.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=row,
        after=model_snapshot(row),
        scope_organization_id=owner.pk,
        message=_("Share recorded"),
    )
    return row


@transaction.atomic
def ownership_end(*, actor: Any, ownership: Ownership, valid_to: dt.date) -> Ownership:
    """End a stake on `valid_to` (its last day); a later owner can then take it over."""
    Organization.objects.select_for_update().get(pk=ownership.entity_id)
    locked = Ownership.objects.select_for_update().get(pk=ownership.pk)
    if valid_to < locked.valid_from:
        raise ValidationError({"valid_to": _("The end lies before the start.")})
    if locked.valid_to is not None and valid_to > locked.valid_to:
        raise ValidationError({"valid_to": _("The stake already ends on %(day)s.") % {"day": locked.valid_to}})
    before = model_snapshot(locked)
    locked.valid_to = valid_to
    locked.save(update_fields=["valid_to", "modified"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        before=before,
        after=model_snapshot(locked),
        scope_organization_id=locked.owner_id,
        message=_("Share ended"),
    )
    return locked
