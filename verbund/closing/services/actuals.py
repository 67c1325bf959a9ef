"""Replacing the actual figures (import or grid) as a whole, with a diff kept on the import record."""

import heapq
from collections.abc import Callable, Hashable, Iterable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from verbund.closing.choices import ImportKind
from verbund.closing.models import (
    ActualCost,
    ActualFlow,
    ActualImport,
    ActualPriceIndex,
    ActualUsage,
    Closing,
)
from verbund.closing.selectors import actual_costs, actual_flows, actual_usage_rows, price_indices
from verbund.closing.services.common import _fits, _invalidate, _locked, _require_draft
from verbund.core.audit import audit_record
from verbund.core.models import AuditAction
from verbund.core.money import has_places
from verbund.costing.models import CostCentre, CostType, ProductPlan

K = TypeVar("K", bound=Hashable)
MAX_DIFF_LINES = 500  # lines of a replacement's diff kept with the import (the counts are always complete)


def figures_diff(
    before: Mapping[K, Decimal],
    after: Mapping[K, Decimal],
    label: Callable[[K], str],
    narrow: Callable[[list[K]], list[K]] | None = None,
) -> tuple[int, int, int, list[dict[str, str]]]:
    """(added, changed, removed, lines) between two sets of figures; lines are {key, before, after}, the first
    MAX_DIFF_LINES differing keys in the order of their labels. Only the differing keys are labelled, and only the
    first lines are sorted (a 2-million-line import, issue #18). `narrow`, if given, picks from the differing keys
    a part that surely holds the first MAX_DIFF_LINES labels, so that the others are never labelled."""
    added = changed = removed = 0
    differing: list[K] = []
    for key, new in after.items():
        old = before.get(key)
        if old is None:
            added += 1
        elif old == new:
            continue
        else:
            changed += 1
        differing.append(key)
    for key in before:
        if key not in after:
            removed += 1
            differing.append(key)
    if narrow is not None and len(differing) > MAX_DIFF_LINES:
        differing = narrow(differing)
    first = heapq.nsmallest(MAX_DIFF_LINES, differing, key=label)
    lines = []
    for key in first:
        was, now = before.get(key), after.get(key)
        lines.append(
            {"key": label(key), "before": "" if was is None else str(was), "after": "" if now is None else str(now)}
        )
    return added, changed, removed, lines


def _record_import(
    *,
    actor: Any,
    closing: Closing,
    kind: str,
    file_name: str,
    rows: int,
    diff: tuple[int, int, int, list[dict[str, str]]],
) -> ActualImport:
    added, changed, removed, lines = diff
    record = ActualImport.objects.create(
        closing=closing,
        kind=kind,
        file_name=file_name[:200],
        rows=rows,
        added=added,
        changed=changed,
        removed=removed,
        diff=lines,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=closing,
        after={"kind": kind, "file": file_name, "rows": rows, "added": added, "changed": changed, "removed": removed},
        scope_organization_id=closing.provider_id,
        message=_("Actual figures replaced (%(kind)s): %(added)s added, %(changed)s changed, %(removed)s removed")
        % {"kind": ImportKind(kind).label, "added": added, "changed": changed, "removed": removed},
    )
    _invalidate(closing)
    return record


MODELS: dict[str, type[models.Model]] = {
    ImportKind.COSTS: ActualCost,
    ImportKind.FLOWS: ActualFlow,
    ImportKind.USAGE: ActualUsage,
    ImportKind.PRICE_INDICES: ActualPriceIndex,
}


def _store(
    *,
    actor: Any,
    closing: Closing,
    kind: str,
    file_name: str,
    before: Mapping[K, Decimal],
    figures: Mapping[K, Decimal],
    label: Callable[[K], str],
    rows: Callable[[], Iterable[models.Model]],
) -> ActualImport | None:
    """The one way actual figures are replaced (after the caller validated them): equal figures write nothing
    (None); otherwise the stored rows of `kind` give way to `rows()` and the import record keeps the diff."""
    diff = figures_diff(before, figures, label)
    if not any(diff[:3]):
        return None
    model = MODELS[kind]
    model.objects.filter(closing=closing).delete()  # type: ignore[attr-defined]
    model.objects.bulk_create(rows(), batch_size=5000)  # type: ignore[attr-defined]
    return _record_import(actor=actor, closing=closing, kind=kind, file_name=file_name, rows=len(figures), diff=diff)


@transaction.atomic
def actual_costs_replace(
    *, actor: Any, closing: Closing, figures: Mapping[tuple[str, str], Decimal], file_name: str = ""
) -> ActualImport | None:
    """Replace the actual costs by `figures` ((centre code, cost type code) → EUR). Equal figures write nothing
    (None); otherwise the import record keeps the diff."""
    locked = _locked(closing)
    _require_draft(locked)
    centres = {c.code: c for c in CostCentre.objects.filter(plan_id=locked.plan_id)}
    types = {t.code: t for t in CostType.objects.filter(plan_id=locked.plan_id)}
    for (centre, cost_type), amount in figures.items():
        if centre not in centres or cost_type not in types:
            raise ValidationError(
                {"figures": _("Unknown cost centre or cost type %(c)s/%(t)s.") % {"c": centre, "t": cost_type}}
            )
        if not _fits(amount, places=2, digits=14):
            raise ValidationError(
                {"figures": _("An actual cost is an amount in EUR, not negative, with at most two decimals.")}
            )
    return _store(
        actor=actor,
        closing=locked,
        kind=ImportKind.COSTS,
        file_name=file_name,
        before=actual_costs(closing=locked),
        figures=figures,
        label=lambda k: f"{k[0]}/{k[1]}",
        rows=lambda: (
            ActualCost(closing=locked, centre=centres[c], cost_type=types[t], amount=amount)
            for (c, t), amount in figures.items()
        ),
    )


@transaction.atomic
def actual_flows_replace(
    *, actor: Any, closing: Closing, figures: Mapping[tuple[str, str], Decimal], file_name: str = ""
) -> ActualImport | None:
    """Replace the actual service quantities ((support centre, receiver) → quantity); none = the plan's hold."""
    locked = _locked(closing)
    _require_draft(locked)
    centres = {c.code: c for c in CostCentre.objects.filter(plan_id=locked.plan_id)}
    for (provider, receiver), quantity in figures.items():
        if provider not in centres or receiver not in centres or provider == receiver:
            raise ValidationError(
                {"figures": _("Unknown cost centres %(p)s → %(r)s.") % {"p": provider, "r": receiver}}
            )
        if not _fits(quantity, places=4, digits=16):
            raise ValidationError({"figures": _("A quantity is a number, not negative, with at most four decimals.")})
    return _store(
        actor=actor,
        closing=locked,
        kind=ImportKind.FLOWS,
        file_name=file_name,
        before=actual_flows(closing=locked),
        figures=figures,
        label=lambda k: f"{k[0]}→{k[1]}",
        rows=lambda: (
            ActualFlow(closing=locked, provider=centres[p], receiver=centres[r], quantity=q)
            for (p, r), q in figures.items()
        ),
    )


def _usage_label(key: tuple[int, int, str]) -> str:
    return f"{key[0]}/{key[1]}/{key[2]}"


def _usage_first_members(keys: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The keys of the MAX_DIFF_LINES members whose labels come first: they hold the first MAX_DIFF_LINES labels
    (each member has at least one key). A label starts with the member id and "/", which sorts before every
    digit, so a key of a member whose "id/" sorts first sorts first, whatever follows."""
    members = {key[0] for key in keys}
    if len(members) <= MAX_DIFF_LINES:
        return keys
    first = set(heapq.nsmallest(MAX_DIFF_LINES, members, key=lambda member: f"{member}/"))
    return [key for key in keys if key[0] in first]


COPY_CHUNK = 50_000  # lines per write to PostgreSQL's COPY
DELETE_BATCH = 900  # rows per DELETE of a partial replacement (within SQLite's old bound of 999 parameters)


def _copy_escape(text: str) -> str:
    """A value in PostgreSQL's COPY text format."""
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _usage_insert(closing: Closing, figures: Mapping[tuple[int, int, str], Decimal]) -> None:
    """Insert usage rows: on PostgreSQL with COPY (a 2-million-line file, issue #18), else with bulk_create."""
    if connection.vendor != "postgresql":
        ActualUsage.objects.bulk_create(
            (
                ActualUsage(closing=closing, member_id=m, product_plan_id=p, period=period, quantity=q)
                for (m, p, period), q in figures.items()
            ),
            batch_size=5000,
        )
        return
    columns = ", ".join(
        connection.ops.quote_name(name) for name in ("closing_id", "member_id", "product_plan_id", "period", "quantity")
    )
    table = connection.ops.quote_name(ActualUsage._meta.db_table)
    periods: dict[str, str] = {}
    prefix = f"{closing.pk}\t"
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        chunk: list[str] = []
        for (member, product_plan, period), quantity in figures.items():
            text = periods.get(period)
            if text is None:
                text = periods[period] = _copy_escape(period)
            chunk.append(f"{prefix}{member}\t{product_plan}\t{text}\t{quantity}\n")
            if len(chunk) >= COPY_CHUNK:
                copy.write("".join(chunk))
                chunk = []
        if chunk:
            copy.write("".join(chunk))


def _usage_delete_postgres(closing: Closing, keys: list[tuple[int, int, str]]) -> None:
    """Delete these usage rows of the closing with one join against their keys, COPYed into a temporary table
    (a corrected national file differs in one line per member: 10,981 members, which no IN list serves)."""
    table = connection.ops.quote_name(ActualUsage._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STALE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {STALE} (member_id bigint, product_plan_id bigint, period text) ON COMMIT DROP"
        )
        with cursor.cursor.copy(f"COPY {STALE} FROM STDIN") as copy:
            for start in range(0, len(keys), COPY_CHUNK):
                copy.write(
                    "".join(f"{m}\t{p}\t{_copy_escape(period)}\n" for m, p, period in keys[start : start + COPY_CHUNK])
                )
        cursor.execute(
            f"DELETE FROM {table} u USING {STALE} s WHERE u.closing_id = %s AND u.member_id = s.member_id "
            "AND u.product_plan_id = s.product_plan_id AND u.period = s.period",
            [closing.pk],
        )


STALE = "closing_usage_stale"


def _usage_write(
    closing: Closing, before: Mapping[tuple[int, int, str], Decimal], after: Mapping[tuple[int, int, str], Decimal]
) -> None:
    """Make the stored usage equal `after`: when most of it stays, delete and insert only the differing rows;
    otherwise replace all of it."""
    if not before:  # the first import: every row is new
        _usage_insert(closing, after)
        return
    stale = [key for key, old in before.items() if after.get(key) != old]
    if len(stale) * 2 > len(before):
        ActualUsage.objects.filter(closing=closing).delete()
        _usage_insert(closing, after)
        return
    if stale and connection.vendor == "postgresql":
        _usage_delete_postgres(closing, stale)
    elif stale:
        doomed = set(stale)
        stored = ActualUsage.objects.filter(closing=closing)
        members = {key[0] for key in doomed}
        if len(members) <= DELETE_BATCH:  # a short IN list, else every row of the closing is looked at
            stored = stored.filter(member_id__in=members)
        rows = stored.values_list("pk", "member_id", "product_plan_id", "period")
        pks = [pk for pk, member, product_plan, period in rows if (member, product_plan, period) in doomed]
        for start in range(0, len(pks), DELETE_BATCH):
            ActualUsage.objects.filter(pk__in=pks[start : start + DELETE_BATCH]).delete()
    _usage_insert(closing, {key: new for key, new in after.items() if before.get(key) != new})


@transaction.atomic
def actual_usage_replace(
    *, actor: Any, closing: Closing, figures: Mapping[tuple[int, int, str], Decimal], file_name: str = ""
) -> ActualImport | None:
    """Replace the actual usage ((member id, product plan id, period) → quantity) of metered products. Equal
    figures write nothing (None); otherwise only the differing rows are rewritten and the import record keeps the
    diff."""
    locked = _locked(closing)
    _require_draft(locked)
    product_plans = set(ProductPlan.objects.filter(plan_id=locked.plan_id).values_list("pk", flat=True))
    fitting: set[Decimal] = set()  # quantities already checked (a national file repeats a few hundred values)
    for (_member, product_plan, _period), quantity in figures.items():
        if product_plan not in product_plans:
            raise ValidationError({"figures": _("A product of the usage is not in the plan.")})
        if quantity.is_finite() and quantity in fitting:
            continue
        if not _fits(quantity, places=4, digits=16):
            raise ValidationError({"figures": _("A quantity is a number, not negative, with at most four decimals.")})
        fitting.add(quantity)
    before = actual_usage_rows(closing=locked)
    diff = figures_diff(before, figures, _usage_label, _usage_first_members)
    if not any(diff[:3]):
        return None
    _usage_write(locked, before, figures)
    return _record_import(
        actor=actor, closing=locked, kind=ImportKind.USAGE, file_name=file_name, rows=len(figures), diff=diff
    )


@transaction.atomic
def price_indices_replace(
    *, actor: Any, closing: Closing, figures: Mapping[str, Decimal], file_name: str = ""
) -> ActualImport | None:
    """Replace the price indices (cost type code → actual price level against plan, 1 = as planned); a cost
    type without one is taken at plan prices. They split the actual cost into price and efficiency variance."""
    locked = _locked(closing)
    _require_draft(locked)
    types = {t.code: t for t in CostType.objects.filter(plan_id=locked.plan_id)}
    for code, index in figures.items():
        if code not in types:
            raise ValidationError({"figures": _("No cost type %(code)s in the plan.") % {"code": code}})
        if not index.is_finite() or index <= 0 or index >= 10000 or not has_places(index, Decimal("0.0001")):
            raise ValidationError(
                {"figures": _("A price index is a positive number with at most four decimals, e.g. 1.03.")}
            )
    return _store(
        actor=actor,
        closing=locked,
        kind=ImportKind.PRICE_INDICES,
        file_name=file_name,
        before=price_indices(closing=locked),
        figures=figures,
        label=str,
        rows=lambda: (
            ActualPriceIndex(closing=locked, cost_type=types[code], index=index) for code, index in figures.items()
        ),
    )
