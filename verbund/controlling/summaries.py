"""The precomputed summary of every KPI (`KpiSummary`): the current total per year, so that the dashboard of a
contract answers from one row per KPI, whatever the number of stored values (ADR 0038, amendment 2).

`record` is called by `services.values._append` inside the transaction that stores a total (member, product and office
empty), after the row is written: values are appended, never updated, so the newest total of a year replaces the
year's point. `rebuild` computes the summaries again from the stored values (the migration that introduced them,
bulk loads such as the benchmark). `current` gives the dashboard the same mapping `selectors.current_measurements`
gives, with light objects instead of model rows.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from verbund.controlling.models import Contract, KpiSummary, Measurement


@dataclass(frozen=True)
class CurrentValue:
    """The attributes of a stored total the dashboard reads (those of `Measurement`)."""

    pk: int
    kpi_id: int
    year: int
    value: Decimal
    series: int
    status: str
    comment: str
    cut_off: dt.date | None
    record_count: int
    demo: bool
    target_id: int | None
    member_id: None = None


def point_of(row: Measurement) -> dict[str, Any]:
    return {
        "id": row.pk,
        "value": format(Decimal(row.value), "f"),
        "status": row.status,
        "series": row.series,
        "cut_off": row.cut_off.isoformat() if row.cut_off else None,
        "record_count": row.record_count,
        "comment": row.comment,
        "target_id": row.target_id,
        "demo": row.demo,
    }


def record(row: Measurement) -> None:
    """Put a newly stored total into its KPI's summary (call inside the storing transaction)."""
    if row.member_id is not None or row.product_id is not None or row.office_id is not None:
        return
    with transaction.atomic():
        summary, _created = KpiSummary.objects.select_for_update().get_or_create(kpi_id=row.kpi_id)
        current = summary.points.get(str(row.year))
        if current is not None and current["id"] > row.pk:
            return  # a newer total of the year is already in
        summary.points[str(row.year)] = point_of(row)
        summary.save(update_fields=["points"])


def rebuild(*, contract: Contract) -> int:
    """Compute the summaries of `contract`'s KPIs again from the stored totals. Returns the number of KPIs."""
    from verbund.controlling import selectors

    points: dict[int, dict[str, Any]] = {}
    for (kpi_id, year, _member), row in selectors.current_measurements(contract=contract).items():
        points.setdefault(kpi_id, {})[str(year)] = point_of(row)
    from verbund.controlling.models import Kpi

    kpi_ids = list(Kpi.objects.filter(goal__contract=contract).values_list("id", flat=True))
    KpiSummary.objects.filter(kpi_id__in=kpi_ids).delete()
    KpiSummary.objects.bulk_create(
        [KpiSummary(kpi_id=kpi_id, points=points.get(kpi_id, {})) for kpi_id in kpi_ids], batch_size=1000
    )
    return len(kpi_ids)


def current(
    *, contract: Contract, years: Iterable[int], kpi_ids: Iterable[int] | None = None
) -> dict[tuple[int, int, int | None], CurrentValue]:
    """(kpi id, year, None) → the current total, from the summaries (of all KPIs of `contract`, or of `kpi_ids`):
    one query, one row per KPI."""
    wanted = {str(year) for year in years}
    out: dict[tuple[int, int, int | None], CurrentValue] = {}
    rows = KpiSummary.objects.filter(kpi__goal__contract=contract)
    if kpi_ids is not None:
        rows = rows.filter(kpi_id__in=list(kpi_ids))
    for kpi_id, points in rows.values_list("kpi_id", "points"):
        for year, point in points.items():
            if year not in wanted:
                continue
            out[(kpi_id, int(year), None)] = CurrentValue(
                pk=point["id"],
                kpi_id=kpi_id,
                year=int(year),
                value=Decimal(point["value"]),
                series=point["series"],
                status=point["status"],
                comment=point["comment"],
                cut_off=dt.date.fromisoformat(point["cut_off"]) if point["cut_off"] else None,
                record_count=point["record_count"],
                demo=point["demo"],
                target_id=point["target_id"],
            )
    return out
