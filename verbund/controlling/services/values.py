"""KPI values: entered by hand with evidence, collected from the source apps through `verbund.core.kpi`, or
evaluated by formula. Appended, never updated."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from verbund.controlling import engine, selectors, summaries
from verbund.controlling.choices import SourceKind, Unit
from verbund.controlling.models import (
    Contract,
    Kpi,
    Measurement,
)
from verbund.controlling.services.common import (
    MAX_EVIDENCE_BYTES,
    _audit,
    _number,
    _user,
    _year,
)
from verbund.core import kpi as kpi_interface
from verbund.core.models import AuditAction
from verbund.core.money import round_even
from verbund.jobs.kinds import Progress, no_progress

# ---------------------------------------------------------------- values


def _targets(kpi: Kpi) -> list[engine.TargetVersion]:
    return [
        engine.TargetVersion(id=t.pk, valid_from=t.valid_from, value=t.value, tolerance=t.tolerance)
        for t in kpi.targets.all()
    ]


def _append(
    *,
    actor: Any,
    kpi: Kpi,
    year: int,
    value: Decimal,
    source_kind: str,
    member: Any = None,
    trace: Iterable[tuple[str, dict[str, str]]] = (),
    demo: bool = False,
    **fields: Any,
) -> Measurement:
    judgement = engine.judge(value, year=year, direction=engine.Direction(kpi.direction), targets=_targets(kpi))
    row = Measurement.objects.create(
        kpi=kpi,
        year=year,
        member=member,
        series=kpi.series,
        value=value,
        source_kind=source_kind,
        source_key=kpi.source_key,
        target_id=judgement.target.id if judgement.target else None,
        status=judgement.status.value,
        trace=[[key, params] for key, params in (*trace, *judgement.trace)],
        demo=demo,
        entered_by=_user(actor),
        entered_at=timezone.now(),
        **fields,
    )
    summaries.record(row)  # the dashboard's precomputed current totals
    return row


def _check_breakdown(kpi: Kpi, **dimensions: Any) -> None:
    """At most one of member, product, office; only one the KPI breaks down by; an office is an office."""
    from verbund.registry.choices import OrganizationKind

    given = [name for name, value in dimensions.items() if value is not None]
    if len(given) > 1:
        raise ValidationError({given[1]: _("A value is the total or one breakdown (member, product or office).")})
    names = {
        "member": _("This KPI has no breakdown per member."),
        "product": _("This KPI has no breakdown per product."),
        "office": _("This KPI has no breakdown per office."),
    }
    for name in given:
        if name not in kpi.breakdowns.split(","):
            raise ValidationError({name: names[name]})
    office = dimensions.get("office")
    if office is not None and office.kind != OrganizationKind.OFFICE:
        raise ValidationError({"office": _("Not an office: %(name)s") % {"name": office.name}})


@dataclass(frozen=True)
class Evidence:
    text: str = ""
    url: str = ""
    file_name: str = ""
    file_data: bytes | None = None


@transaction.atomic
def measurement_enter(
    *,
    actor: Any,
    kpi: Kpi,
    year: int,
    value: Any,
    evidence: Evidence,
    comment: str = "",
    member: Any = None,
    product: Any = None,
    office: Any = None,
    demo: bool = False,
) -> Measurement:
    """A value entered by hand (manual or imported-evidence KPIs), with its evidence and who entered it; the
    total, or the value of one member, product or office where the KPI has that breakdown."""
    if kpi.source_kind not in (SourceKind.MANUAL, SourceKind.IMPORTED):
        raise ValidationError({"kpi": _("The values of this KPI are computed; they are not entered by hand.")})
    _year(year, "year")
    number = _number(value, "value")
    if kpi.unit == Unit.SHARE and not 0 <= number <= 1:
        raise ValidationError({"value": _("A share is between 0 and 1 (98.5 % is 0.985).")})
    if kpi.unit in (Unit.COUNT, Unit.DAYS, Unit.YEARS, Unit.HOURS, Unit.EUR) and number < 0:
        raise ValidationError({"value": _("This value is not negative.")})
    if not (evidence.text.strip() or evidence.url.strip() or evidence.file_data):
        raise ValidationError({"evidence_text": _("Give the evidence: a text, a link or a file.")})
    if evidence.url:
        try:
            URLValidator(schemes=["http", "https"])(evidence.url)
        except ValidationError:
            raise ValidationError({"evidence_url": _("Enter a valid URL.")}) from None
    if evidence.file_data is not None and len(evidence.file_data) > MAX_EVIDENCE_BYTES:
        raise ValidationError({"evidence_file": _("The file is larger than 5 MB.")})
    _check_breakdown(kpi, member=member, product=product, office=office)
    measurement = _append(
        actor=actor,
        kpi=kpi,
        year=year,
        value=number,
        source_kind=kpi.source_kind,
        member=member,
        product=product,
        office=office,
        demo=demo,
        trace=[("manual", {"value": str(number)})],
        evidence_text=evidence.text.strip(),
        evidence_url=evidence.url.strip(),
        evidence_name=evidence.file_name[:200] if evidence.file_data else "",
        evidence_data=evidence.file_data,
        comment=comment.strip(),
        cut_off=timezone.localdate(),
    )
    contract = kpi.goal.contract
    _audit(actor, AuditAction.CREATE, measurement, contract.provider_id, kpi=kpi.code, year=year, value=str(number))
    formulas_evaluate(actor=actor, contract=contract, year=year, demo=demo)
    return measurement


@dataclass(frozen=True)
class Collection:
    stored: int
    unchanged: int
    no_data: list[str]  # KPI codes whose source has no data yet (or no app registered yet)


def _same(current: Measurement | None, value: Decimal, cut_off: dt.date | None, series: int) -> bool:
    return current is not None and current.value == value and current.cut_off == cut_off and current.series == series


@transaction.atomic
def collect_computed(
    *, actor: Any, contract: Contract, year: int, progress: Progress = no_progress, demo: bool = False
) -> Collection:
    """Ask `verbund.core.kpi.figure` for each computed KPI of `contract` for `year` and store value, cut-off and a
    snapshot of the drill-down records. An unchanged figure writes nothing (repeatable); a source without data
    stores nothing (shown as "no data yet", never a zero). Formula KPIs are evaluated afterwards."""
    _year(year, "year")
    kpis = list(
        Kpi.objects.filter(goal__contract=contract, source_kind=SourceKind.COMPUTED).prefetch_related("targets")
    )
    members = selectors.contract_members(contract) if any("member" in k.breakdowns for k in kpis) else []
    offices = selectors.contract_offices(contract) if any("office" in k.breakdowns for k in kpis) else {}
    totals = selectors.current_measurements(contract=contract, years=[year])
    parts = selectors.current_breakdowns(contract=contract, years=[year])
    stored = unchanged = 0
    no_data: list[str] = []
    for index, kpi in enumerate(kpis):
        progress(index, len(kpis), gettext_noop("Collecting %(code)s"), code=kpi.code)
        for dimension, target in _breakdown_targets(kpi, contract, year, members, offices):
            query = kpi_interface.KpiQuery(
                provider_id=contract.provider_id,
                period_start=dt.date(year, 1, 1),
                period_end=dt.date(year, 12, 31),
                **({f"{dimension}_id": target.pk} if dimension else {}),
            )
            try:
                figure = kpi_interface.figure(kpi.source_key, query)
            except kpi_interface.UnknownSource:
                figure = None
            if figure is None:
                if not dimension:
                    no_data.append(kpi.code)
                continue
            existing = (
                parts.get((kpi.pk, year, dimension, target.pk)) if dimension else totals.get((kpi.pk, year, None))
            )
            if _same(existing, figure.value, figure.cut_off, kpi.series):
                unchanged += 1
                continue
            _append(
                actor=actor,
                kpi=kpi,
                year=year,
                value=figure.value,
                source_kind=SourceKind.COMPUTED,
                demo=demo,
                trace=[
                    ("computed", {"key": kpi.source_key, "value": str(figure.value), "cut_off": str(figure.cut_off)})
                ],
                cut_off=figure.cut_off,
                records=[{"label": r.label, "url": r.url, "detail": r.detail} for r in figure.records],
                record_count=figure.record_count or len(figure.records),
                note=figure.note[:300],
                **({dimension: target} if dimension else {}),
            )
            stored += 1
    progress(len(kpis), len(kpis), gettext_noop("Collected"))
    formulas_evaluate(actor=actor, contract=contract, year=year, demo=demo)
    if stored:
        _audit(
            actor,
            AuditAction.UPDATE,
            contract,
            contract.provider_id,
            message=_("%(n)s computed KPI values collected for %(year)s") % {"n": stored, "year": year},
            year=year,
            stored=stored,
        )
    return Collection(stored=stored, unchanged=unchanged, no_data=no_data)


def _breakdown_targets(
    kpi: Kpi, contract: Contract, year: int, members: list[Any], offices: dict[int, Any]
) -> list[tuple[str, Any]]:
    """What to ask the source for: the total ("", None), then each member, and each product and office the
    source lists (`core.kpi.breakdown_keys`) that exists."""
    from verbund.catalog.models import Product

    wanted = kpi.breakdowns.split(",")
    targets: list[tuple[str, Any]] = [("", None)]
    if "member" in wanted:
        targets += [("member", member) for member in members]
    query = kpi_interface.KpiQuery(
        provider_id=contract.provider_id, period_start=dt.date(year, 1, 1), period_end=dt.date(year, 12, 31)
    )
    for dimension in ("product", "office"):
        if dimension not in wanted:
            continue
        try:
            ids = kpi_interface.breakdown_keys(kpi.source_key, query, dimension)
        except kpi_interface.UnknownSource:
            ids = []
        if dimension == "product":
            targets += [("product", p) for p in Product.objects.filter(pk__in=ids).order_by("name")] if ids else []
        else:
            targets += [("office", offices[i]) for i in ids if i in offices]
    return targets


def formulas_evaluate(*, actor: Any, contract: Contract, year: int, demo: bool = False) -> int:
    """Evaluate the formula KPIs of `contract` for `year` over the current values of the other KPIs (formulas
    over formulas in order of dependency); store a value where it changed. Returns the number stored."""
    kpis = list(Kpi.objects.filter(goal__contract=contract).prefetch_related("targets"))
    current = selectors.current_measurements(contract=contract, years=[year])
    values: dict[str, Decimal | None] = {}
    for kpi in kpis:
        row = current.get((kpi.pk, year, None))
        values[kpi.code] = row.value if row is not None and kpi.source_kind != SourceKind.FORMULA else None
    formulas = [k for k in kpis if k.source_kind == SourceKind.FORMULA]
    stored = 0
    pending = list(formulas)
    for _round in range(len(formulas)):
        progressed = False
        for kpi in list(pending):
            needed = engine.variables(engine.parse(kpi.formula))
            if any(code in {f.code for f in pending if f is not kpi} for code in needed):
                continue  # waits for another formula
            pending.remove(kpi)
            progressed = True
            try:
                value, trace = engine.evaluate(kpi.formula, values)
            except engine.FormulaError:
                value, trace = None, ()
            values[kpi.code] = value
            if value is None:
                continue
            value = round_even(value, Decimal("0.000001"))
            existing = current.get((kpi.pk, year, None))
            if _same(existing, value, None, kpi.series):
                continue
            _append(
                actor=actor, kpi=kpi, year=year, value=value, source_kind=SourceKind.FORMULA, demo=demo, trace=trace
            )
            stored += 1
        if not progressed:
            break  # a cycle: those formulas stay without value
    return stored
