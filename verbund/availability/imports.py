"""Reading outages from a CSV file, an Alertmanager webhook and an Uptime Kuma status history (docs/user-guide.md,
"Availability"). Every parser checks everything first and raises `OutageImportError` listing (line, field,
message) for every problem; only a clean input reaches `services.outages_import`, which writes all or nothing.
Each row carries a key from its source, so that importing the same input again changes nothing.

- CSV (`core.spreadsheet`): `product,member_ags,start,end,kind,announced_at,impact,reference`; instants in ISO
  8601 with a time zone; empty `member_ags`: every member subscribed to the product. Key: product, member,
  start, kind.
- Alertmanager webhook (version 4): each alert needs the label `product` (the catalogue product number) and may
  have `member_ags`, `kind` (outage/maintenance) and `impact`; key: fingerprint and startsAt. A resolved alert sets
  the end; a firing one leaves it open.
- Uptime Kuma: the JSON of a status page's heartbeat history (`{"heartbeatList": {"<monitor id>": [{"status": 0,
  "time": "2026-03-01 10:00:00.000"}, ...]}}`, times in UTC), with a mapping monitor id → product number. Every run
  of DOWN heartbeats (status 0) is an outage from the first DOWN to the next UP (status 1); maintenance (status 3)
  and pending (status 2) beats neither start nor end one. Key: monitor and start.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from verbund.availability.choices import OutageKind
from verbund.catalog.models import Product
from verbund.core.spreadsheet import Cells, RowError, Sheet, SpreadsheetError
from verbund.registry.models import Organization

MAX_JSON_ITEMS = 20_000


class OutageImportError(SpreadsheetError):
    """The input was refused; `errors` lists every problem (line, field, message). Nothing was written."""

    columns = ("product", "member_ags", "start", "end", "kind", "announced_at", "impact", "reference")


OUTAGES = Sheet(
    columns=("product", "member_ags", "start", "end", "kind", "announced_at", "impact", "reference"),
    required=("product", "start", "end", "kind"),
    error=OutageImportError,
    title="Ausfaelle",
)


@dataclass(frozen=True)
class OutageRow:
    """One outage as read, ready for the service."""

    line: int
    key: str
    kind: str
    start: dt.datetime
    end: dt.datetime | None
    announced_at: dt.datetime | None
    impact: Decimal
    reference: str
    product_id: int
    member_id: int | None  # None: every member subscribed to the product


FIRST_YEAR, LAST_YEAR = 1970, 2200


def _plausible(value: dt.datetime) -> dt.datetime | None:
    """Only instants of a plausible year (far ones overflow when converted to UTC)."""
    return value if value.tzinfo is not None and FIRST_YEAR <= value.year <= LAST_YEAR else None


def parse_instant(text: str) -> dt.datetime | None:
    """An ISO 8601 instant that names its time zone (Z or an offset), 1970–2200; None otherwise."""
    try:
        value = dt.datetime.fromisoformat(text.strip().replace("z", "Z"))
    except ValueError:
        return None
    return _plausible(value)


class _Lookups:
    def __init__(self) -> None:
        self.products = dict(Product.objects.values_list("number", "pk"))
        self.members = dict(Organization.objects.exclude(ags="").values_list("ags", "pk"))


def _instant(cells: Cells, column: str, *, required: bool) -> dt.datetime | None:
    text = cells.get(column)
    if not text:
        if required:
            cells.error(column, _("Required; the cell is empty."))
        return None
    value = parse_instant(text)
    if value is None:
        cells.error(
            column,
            _('Not an ISO 8601 instant with a time zone: "%(value)s" (e.g. 2026-03-01T10:00:00+01:00).')
            % {"value": text},
        )
    return value


def _check_times(
    report: Any, start: dt.datetime | None, end: dt.datetime | None, announced: dt.datetime | None
) -> None:
    if start is not None and end is not None and end <= start:
        report("end", _("The end must be after the start."))
    if start is not None and announced is not None and announced > start + dt.timedelta(days=366):
        report("announced_at", _("The announcement lies long after the start."))


def parse_csv(rows: Sequence[tuple[int, dict[str, str]]]) -> list[OutageRow]:
    lookups = _Lookups()
    errors: list[RowError] = []
    result: list[OutageRow] = []
    seen: dict[str, int] = {}
    for line, raw in rows:
        known = len(errors)
        cells = Cells(line, raw, errors)
        number = cells.text("product", max_length=20, required=True)
        ags = cells.text("member_ags", max_length=12)
        start = _instant(cells, "start", required=True)
        end = _instant(cells, "end", required=False)
        kind = cells.choice("kind", OutageKind)
        announced = _instant(cells, "announced_at", required=False)
        impact = cells.decimal("impact", places=3, max_digits=4, minimum=Decimal("0.001"), maximum=Decimal(1))
        reference = cells.text("reference", max_length=200)
        product_id = lookups.products.get(number)
        if number and product_id is None:
            cells.error("product", _("No product %(number)s in the catalogue.") % {"number": number})
        member_id = lookups.members.get(ags) if ags else None
        if ags and member_id is None:
            cells.error("member_ags", _("No member with the AGS %(ags)s.") % {"ags": ags})
        _check_times(cells.error, start, end, announced)
        if len(errors) > known or product_id is None or start is None or kind is None:
            continue
        key = f"{number}|{ags}|{start.astimezone(dt.UTC).isoformat()}|{kind}"
        if key in seen:
            cells.error("start", _("Given twice (first in line %(line)s).") % {"line": seen[key]})
            continue
        seen[key] = line
        result.append(
            OutageRow(
                line=line,
                key=key,
                kind=kind,
                start=start,
                end=end,
                announced_at=announced,
                impact=impact if impact is not None else Decimal(1),
                reference=reference,
                product_id=product_id,
                member_id=member_id,
            )
        )
    if errors:
        raise OutageImportError(errors)
    return result


ALERTMANAGER_ZERO = "0001-01-01T00:00:00Z"


def parse_alertmanager(payload: Any) -> list[OutageRow]:
    """The alerts of an Alertmanager webhook body; `line` is the alert's position (1 = the first alert)."""
    if not isinstance(payload, Mapping) or not isinstance(payload.get("alerts"), list):
        raise OutageImportError([RowError(1, "alerts", _("The body has no list of alerts."))])
    alerts = payload["alerts"]
    if len(alerts) > MAX_JSON_ITEMS:
        raise OutageImportError([RowError(1, "alerts", _("Too many alerts in one body."))])
    lookups = _Lookups()
    errors: list[RowError] = []
    result: list[OutageRow] = []
    for index, alert in enumerate(alerts, start=1):

        def report(field: str, message: str, index: int = index) -> None:
            errors.append(RowError(index, field, message))

        if not isinstance(alert, Mapping):
            report("alerts", _("An alert must be an object."))
            continue
        raw_labels = alert.get("labels")
        labels: Mapping[str, Any] = raw_labels if isinstance(raw_labels, Mapping) else {}
        fingerprint = str(alert.get("fingerprint") or "").strip()
        if not fingerprint or len(fingerprint) > 100:
            report("fingerprint", _("Required: the alert's fingerprint."))
        number = str(labels.get("product") or "").strip()
        product_id = lookups.products.get(number)
        if product_id is None:
            report("labels.product", _("No product %(number)s in the catalogue.") % {"number": number or "—"})
        ags = str(labels.get("member_ags") or "").strip()
        member_id = lookups.members.get(ags) if ags else None
        if ags and member_id is None:
            report("labels.member_ags", _("No member with the AGS %(ags)s.") % {"ags": ags})
        kind = str(labels.get("kind") or OutageKind.OUTAGE).strip().lower()
        if kind not in OutageKind.values:
            report("labels.kind", _('Unknown value "%(value)s"; allowed values: %(allowed)s') % {
                "value": kind, "allowed": ", ".join(OutageKind.values)})  # fmt: skip
        impact = Decimal(1)
        if labels.get("impact") not in (None, ""):
            try:
                impact = Decimal(str(labels["impact"]))
            except InvalidOperation:
                impact = Decimal(-1)
            if not Decimal("0.001") <= impact <= 1:
                report("labels.impact", _("The impact is a share between 0.001 and 1."))
        starts_at = parse_instant(str(alert.get("startsAt") or ""))
        if starts_at is None:
            report("startsAt", _("Not an ISO 8601 instant with a time zone."))
        end: dt.datetime | None = None
        status = str(alert.get("status") or payload.get("status") or "firing")
        if status not in {"firing", "resolved"}:
            report("status", _("The status is firing or resolved."))
        if status == "resolved":
            end = parse_instant(str(alert.get("endsAt") or ""))
            if end is None or str(alert.get("endsAt")) == ALERTMANAGER_ZERO:
                report("endsAt", _("A resolved alert needs its end (ISO 8601 with a time zone)."))
                end = None
        _check_times(report, starts_at, end, None)
        if errors and errors[-1].line == index:
            continue
        assert starts_at is not None and product_id is not None
        raw_annotations = alert.get("annotations")
        annotations: Mapping[str, Any] = raw_annotations if isinstance(raw_annotations, Mapping) else {}
        reference = str(annotations.get("summary") or labels.get("alertname") or fingerprint)[:200]
        result.append(
            OutageRow(
                line=index,
                key=f"{fingerprint}|{starts_at.astimezone(dt.UTC).isoformat()}",
                kind=kind,
                start=starts_at,
                end=end,
                announced_at=None,
                impact=impact,
                reference=reference,
                product_id=product_id,
                member_id=member_id,
            )
        )
    if errors:
        raise OutageImportError(errors)
    return result


def parse_monitor_products(text: str) -> dict[str, str]:
    """ "1=AP-100, 2=OZ-200" → {"1": "AP-100", "2": "OZ-200"}; raises OutageImportError naming the pair."""
    mapping: dict[str, str] = {}
    for part in text.replace(";", ",").replace("\n", ",").split(","):
        if not part.strip():
            continue
        monitor, _sep, number = part.partition("=")
        if not monitor.strip() or not number.strip():
            raise OutageImportError(
                [RowError(1, "monitor_products", _('Write monitor=product, not "%(part)s".') % {"part": part.strip()})]
            )
        mapping[monitor.strip()] = number.strip()
    return mapping


def _kuma_time(text: str) -> dt.datetime | None:
    """Uptime Kuma writes "YYYY-MM-DD HH:MM:SS(.mmm)" in UTC; an explicit offset is honoured."""
    try:
        value = dt.datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    except ValueError:
        return None
    return _plausible(value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC))


def parse_uptime_kuma(payload: Any, monitor_products: Mapping[str, str]) -> list[OutageRow]:
    """Outages from a status page's heartbeat history; `line` is the heartbeat's position in its monitor's list."""
    if not isinstance(payload, Mapping) or not isinstance(payload.get("heartbeatList"), Mapping):
        raise OutageImportError([RowError(1, "heartbeatList", _("The file has no heartbeatList."))])
    lookups = _Lookups()
    errors: list[RowError] = []
    result: list[OutageRow] = []
    count = 0
    for monitor, beats in payload["heartbeatList"].items():
        field = f"heartbeatList.{monitor}"
        number = monitor_products.get(str(monitor))
        if number is None:
            continue  # monitors without a product are not ours
        product_id = lookups.products.get(number)
        if product_id is None:
            errors.append(
                RowError(1, "monitor_products", _("No product %(number)s in the catalogue.") % {"number": number})
            )
            continue
        if not isinstance(beats, list):
            errors.append(RowError(1, field, _("A monitor's heartbeats must be a list.")))
            continue
        count += len(beats)
        if count > MAX_JSON_ITEMS * 50:
            raise OutageImportError([RowError(1, "heartbeatList", _("Too many heartbeats in one file."))])
        parsed: list[tuple[dt.datetime, int, int]] = []
        for position, beat in enumerate(beats, start=1):
            status = beat.get("status") if isinstance(beat, Mapping) else None
            instant = _kuma_time(str(beat.get("time") or "")) if isinstance(beat, Mapping) else None
            if status not in (0, 1, 2, 3) or isinstance(status, bool):
                errors.append(RowError(position, f"{field}.status", _("The status is 0, 1, 2 or 3.")))
            elif instant is None:
                errors.append(RowError(position, f"{field}.time", _("Not a time (YYYY-MM-DD HH:MM:SS).")))
            else:
                parsed.append((instant, status, position))
        parsed.sort()
        down_since: tuple[dt.datetime, int] | None = None
        for instant, status, position in parsed:
            if status == 0 and down_since is None:
                down_since = (instant, position)
            elif status == 1 and down_since is not None:
                result.append(_kuma_row(monitor, number, product_id, down_since, instant))
                down_since = None
        if down_since is not None:
            result.append(_kuma_row(monitor, number, product_id, down_since, None))
    if errors:
        raise OutageImportError(errors)
    return result


def _kuma_row(
    monitor: str, number: str, product_id: int, down_since: tuple[dt.datetime, int], end: dt.datetime | None
) -> OutageRow:
    start, position = down_since
    return OutageRow(
        line=position,
        key=f"{monitor}|{start.astimezone(dt.UTC).isoformat()}",
        kind=OutageKind.OUTAGE,
        start=start,
        end=end,
        announced_at=None,
        impact=Decimal(1),
        reference=f"Uptime Kuma {monitor} ({number})",
        product_id=product_id,
        member_id=None,
    )
