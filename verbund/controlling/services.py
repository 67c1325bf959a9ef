"""Writes of the controlling app: the contract with goals, budgets, measures and KPIs, targets, values (manual
with evidence, collected from the source apps through `verbund.core.kpi`, or by formula), definition changes,
and the yearly report submitted to the committee.

Every service is keyword-only, atomic, validates first and writes an audit event. KPI values are appended, never
updated; a submitted report is a frozen snapshot.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from verbund.controlling import engine, selectors, summaries
from verbund.controlling.choices import ContractStatus, Direction, ReportStatus, SourceKind, Unit
from verbund.controlling.models import (
    Contract,
    DefinitionChange,
    Goal,
    GoalBudget,
    Kpi,
    Measure,
    Measurement,
    Report,
    Target,
)
from verbund.core import kpi as kpi_interface
from verbund.core.audit import audit_record, model_snapshot
from verbund.core.models import AuditAction
from verbund.core.money import has_places, round_even
from verbund.jobs.kinds import Progress, no_progress

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
VALUE_LIMIT = Decimal(10) ** 12
BREAKDOWNS = ("member", "product", "office")


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _audit(actor: Any, action: AuditAction, obj: Any, provider_id: int, message: str = "", **after: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        after=after or model_snapshot(obj),
        scope_organization_id=provider_id,
        message=message,
    )


def _year(value: int, field: str) -> int:
    if not isinstance(value, int) or not 2000 <= value <= 2100:
        raise ValidationError({field: _("A year between 2000 and 2100.")})
    return value


def _number(value: Any, field: str) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Not a number: %(value)s") % {"value": value}}) from None
    if not number.is_finite() or abs(number) >= VALUE_LIMIT:
        raise ValidationError({field: _("Not a number: %(value)s") % {"value": value}})
    return number


# ---------------------------------------------------------------- contract


@transaction.atomic
def contract_create(
    *, actor: Any, provider: Any, city: Any, name: str, start_year: int, end_year: int, demo: bool = False
) -> Contract:
    _year(start_year, "start_year")
    _year(end_year, "end_year")
    if end_year < start_year:
        raise ValidationError({"end_year": _("The last year is not before the first year.")})
    if provider.pk == city.pk:
        raise ValidationError({"city": _("The city and the provider are two parties.")})
    contract = Contract(
        provider=provider, city=city, name=name.strip(), start_year=start_year, end_year=end_year, demo=demo
    )
    contract.full_clean()
    contract.save()
    _audit(actor, AuditAction.CREATE, contract, provider.pk)
    return contract


def _require_draft(contract: Contract) -> None:
    if contract.status != ContractStatus.DRAFT:
        raise ValidationError(
            {"contract": _("The contract is in effect; goals and budgets change only by a new contract.")}
        )


@transaction.atomic
def contract_approve(*, actor: Any, contract: Contract, decision_reference: str, approved_on: dt.date) -> Contract:
    """The competent body's decision makes the contract effective (called by governance for an adopted paper)."""
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    if locked.status != ContractStatus.DRAFT:
        raise ValidationError({"contract": _("The contract is already in effect.")})
    if not locked.goals.exists():
        raise ValidationError({"contract": _("A contract without goals cannot take effect.")})
    Contract.objects.filter(pk=locked.pk).update(
        status=ContractStatus.EFFECTIVE,
        decision_reference=decision_reference[:120],
        effective_on=approved_on,
        modified=timezone.now(),
    )
    locked.refresh_from_db()
    _audit(actor, AuditAction.UPDATE, locked, locked.provider_id)
    return locked


@transaction.atomic
def goal_add(*, actor: Any, contract: Contract, title: str, text: str, position: int | None = None) -> Goal:
    _require_draft(contract)
    if position is None:
        position = (contract.goals.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    goal = Goal(contract=contract, position=position, title=title.strip(), text=text.strip())
    goal.full_clean()
    goal.save()
    _audit(actor, AuditAction.CREATE, goal, contract.provider_id)
    return goal


@transaction.atomic
def budget_set(*, actor: Any, goal: Goal, year: int, amount: Decimal) -> GoalBudget:
    contract = goal.contract
    _require_draft(contract)
    if year not in contract.years:
        raise ValidationError({"year": _("The year is outside the contract's term.")})
    amount = _number(amount, "amount")
    if amount < 0 or not has_places(amount, Decimal("0.01")):
        raise ValidationError({"amount": _("A budget is an amount in EUR, not negative, with at most two decimals.")})
    budget, _created = GoalBudget.objects.update_or_create(goal=goal, year=year, defaults={"amount": amount})
    _audit(actor, AuditAction.UPDATE, goal, contract.provider_id, year=year, amount=str(amount))
    return budget


@transaction.atomic
def measure_add(
    *, actor: Any, goal: Goal, text: str, due_on: dt.date, done: bool = False, done_on: dt.date | None = None
) -> Measure:
    """A measure towards `goal`; one already done (`done`) was done on `done_on`, today when not given."""
    measure = Measure(
        goal=goal,
        text=text.strip(),
        due_on=due_on,
        done=done,
        done_on=(done_on or timezone.localdate()) if done else None,
        done_by=_user(actor) if done else None,
    )
    measure.full_clean()
    measure.save()
    _audit(actor, AuditAction.CREATE, goal, goal.contract.provider_id, measure=measure.text, due_on=str(due_on))
    return measure


@transaction.atomic
def measure_complete(*, actor: Any, measure: Measure, done_on: dt.date) -> Measure:
    """Mark a measure done on `done_on` (not in the future, not before the contract's first year); once done it
    stays done, the report shows the date."""
    locked = Measure.objects.select_for_update().select_related("goal__contract").get(pk=measure.pk)
    contract = locked.goal.contract
    if locked.done:
        raise ValidationError({"measure": _("The measure is already done.")})
    if not isinstance(done_on, dt.date):
        raise ValidationError({"done_on": _("Enter a valid date.")})
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("A measure is not done in the future.")})
    if done_on.year < contract.start_year - 1:
        raise ValidationError({"done_on": _("The date is before the contract's term.")})
    Measure.objects.filter(pk=locked.pk).update(done=True, done_on=done_on, done_by=_user(actor))
    locked.refresh_from_db()
    _audit(
        actor,
        AuditAction.UPDATE,
        locked.goal,
        contract.provider_id,
        message=_("Measure done: %(text)s") % {"text": locked.text},
        measure=locked.text,
        done_on=done_on.isoformat(),
    )
    return locked


def _check_kpi(*, unit: str, direction: str, source_kind: str, source_key: str, formula: str, breakdowns: str) -> None:
    if unit not in Unit.values:
        raise ValidationError({"unit": _("Unknown unit %(unit)s.") % {"unit": unit}})
    if direction not in Direction.values:
        raise ValidationError({"direction": _("Higher or lower is better.")})
    if source_kind not in SourceKind.values:
        raise ValidationError({"source_kind": _("Unknown source.")})
    if source_kind == SourceKind.COMPUTED and "." not in source_key:
        raise ValidationError({"source_key": _("A computed KPI names its source as 'app.figure'.")})
    if source_kind == SourceKind.FORMULA:
        try:
            engine.parse(formula)
        except engine.FormulaError as exc:
            message = (
                _("The formula cannot be read at position %(position)s.") % {"position": exc.position}
                if exc.position
                else _("The formula cannot be read (empty, too long or too deeply nested).")
            )
            raise ValidationError({"formula": message}) from None
    for part in filter(None, breakdowns.split(",")):
        if part not in BREAKDOWNS:
            raise ValidationError({"breakdowns": _("Unknown breakdown %(name)s.") % {"name": part}})


@transaction.atomic
def kpi_create(
    *,
    actor: Any,
    goal: Goal,
    code: str,
    name: str,
    definition: str,
    unit: str,
    direction: str,
    source_kind: str,
    source_key: str = "",
    formula: str = "",
    breakdowns: str = "",
) -> Kpi:
    code = code.strip().upper()
    if not code or not code.replace("_", "").isalnum() or code[0].isdigit():
        raise ValidationError({"code": _("A code of letters, digits and '_', starting with a letter.")})
    if Kpi.objects.filter(goal__contract_id=goal.contract_id, code=code).exists():
        raise ValidationError({"code": _("The code %(code)s is taken in this contract.") % {"code": code}})
    _check_kpi(
        unit=unit,
        direction=direction,
        source_kind=source_kind,
        source_key=source_key,
        formula=formula,
        breakdowns=breakdowns,
    )
    position = goal.kpis.count() + 1
    kpi = Kpi(
        goal=goal,
        code=code,
        name=name.strip(),
        definition=definition.strip(),
        unit=unit,
        direction=direction,
        source_kind=source_kind,
        source_key=source_key.strip() if source_kind == SourceKind.COMPUTED else "",
        formula=formula.strip() if source_kind == SourceKind.FORMULA else "",
        breakdowns=breakdowns,
        position=position,
    )
    kpi.full_clean()
    kpi.save()
    _audit(actor, AuditAction.CREATE, kpi, goal.contract.provider_id)
    return kpi


DEFINITION_FIELDS = ("definition", "unit", "direction", "source_kind", "source_key", "formula")


@transaction.atomic
def kpi_change_definition(*, actor: Any, kpi: Kpi, from_year: int, reason: str, **changes: str) -> DefinitionChange:
    """Change what a KPI measures: a new series starts, older values stay in their series and are not compared
    with the new ones; the report's annex lists the change."""
    locked = Kpi.objects.select_for_update().get(pk=kpi.pk)
    _year(from_year, "from_year")
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the definition changes.")})
    unknown = set(changes) - set(DEFINITION_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("Not a part of the definition.")})
    before = {name: getattr(locked, name) for name in DEFINITION_FIELDS}
    after = {**before, **{k: v.strip() for k, v in changes.items()}}
    if after == before:
        raise ValidationError({"definition": _("Nothing in the definition changes.")})
    _check_kpi(
        unit=after["unit"],
        direction=after["direction"],
        source_kind=after["source_kind"],
        source_key=after["source_key"],
        formula=after["formula"],
        breakdowns=locked.breakdowns,
    )
    for name, value in after.items():
        setattr(locked, name, value)
    locked.series += 1
    locked.full_clean()
    locked.save()
    change = DefinitionChange.objects.create(
        kpi=locked, series=locked.series, from_year=from_year, before=before, after=after, reason=reason.strip()
    )
    _audit(actor, AuditAction.UPDATE, locked, locked.goal.contract.provider_id, series=locked.series, **after)
    return change


@transaction.atomic
def target_set(
    *,
    actor: Any,
    kpi: Kpi,
    valid_from: int,
    value: Any,
    tolerance: Any = Decimal(0),
    review_on: dt.date | None = None,
) -> Target:
    """A new target from `valid_from` on (earlier years keep theirs; values already judged keep their version)."""
    _year(valid_from, "valid_from")
    number = _number(value, "value")
    band = _number(tolerance, "tolerance")
    if band < 0:
        raise ValidationError({"tolerance": _("The tolerance is not negative.")})
    target = Target.objects.create(
        kpi=kpi, valid_from=valid_from, value=number, tolerance=band, review_on=review_on, created_by=_user(actor)
    )
    _audit(actor, AuditAction.CREATE, kpi, kpi.goal.contract.provider_id, target=str(number), valid_from=valid_from)
    return target


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


# ---------------------------------------------------------------- report


@transaction.atomic
def report_submit(
    *, actor: Any, contract: Contract, year: int, meeting: Any, reference: str, demo: bool = False
) -> Report:
    """Freeze the report of `year` from the stored figures and put it on the agenda of `meeting` as a paper that
    asks the committee to take note of it (the governance subject "management-contract report")."""
    from verbund.controlling.report import report_data
    from verbund.governance.choices import SubjectKind
    from verbund.governance.services import agenda_item_add, paper_create

    if not reference.strip():
        raise ValidationError({"reference": _("Give the paper a reference.")})
    if year not in contract.years and year != contract.start_year - 1:
        raise ValidationError({"year": _("The year is outside the contract's term.")})
    if Report.objects.filter(contract=contract, year=year).exists():
        raise ValidationError({"year": _("The report for %(year)s is already with the committee.") % {"year": year}})
    if meeting.committee.body_id != contract.provider_id:
        raise ValidationError({"meeting": _("The meeting belongs to another body.")})
    report = Report.objects.create(
        contract=contract,
        year=year,
        status=ReportStatus.SUBMITTED,
        snapshot=report_data(contract=contract, year=year),
        submitted_at=timezone.now(),
        submitted_by=_user(actor),
        demo=demo,
    )
    name = _("Management-contract report %(year)s") % {"year": year}
    paper = paper_create(
        actor=actor,
        body=meeting.committee.body,
        reference=reference,
        name=name,
        date=timezone.localdate(),
        paper_type="report",
        text=_("The provider reports on the goals of %(contract)s in %(year)s.") % {"contract": contract, "year": year},
        proposed_resolution=_("The committee takes note of the management-contract report %(year)s.") % {"year": year},
        subject_kind=SubjectKind.MANAGEMENT_REPORT,
        subject_id=report.pk,
    )
    item = agenda_item_add(actor=actor, meeting=meeting, name=name, paper=paper)
    Report.objects.filter(pk=report.pk).update(paper=paper, agenda_item=item)
    report.refresh_from_db()
    _audit(actor, AuditAction.CREATE, report, contract.provider_id, year=year, paper=paper.pk)
    return report


@transaction.atomic
def report_note(*, actor: Any, report: Report, decision_reference: str, noted_on: dt.date) -> Report:
    """The committee took note of the report (called by governance for the adopted paper); the snapshot stays."""
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if locked.status != ReportStatus.SUBMITTED:
        raise ValidationError({"report": _("The committee has already taken note of this report.")})
    Report.objects.filter(pk=locked.pk).update(
        status=ReportStatus.NOTED, decision_reference=decision_reference[:120], noted_on=noted_on
    )
    locked.refresh_from_db()
    _audit(actor, AuditAction.UPDATE, locked, locked.contract.provider_id, decision=decision_reference)
    return locked


@transaction.atomic
def report_render(*, actor: Any, report: Report) -> bytes:
    """The PDF of a submitted report, rendered once from its snapshot and archived with it (write-once)."""
    from verbund.controlling.report import report_pdf

    stored = Report.objects.filter(pk=report.pk).values_list("pdf", flat=True).first()
    if stored:
        return bytes(stored)
    data = report_pdf(report.snapshot, report=report)
    Report.objects.filter(pk=report.pk, pdf__isnull=True).update(pdf=data)
    _audit(actor, AuditAction.UPDATE, report, report.contract.provider_id, pdf_bytes=len(data))
    return data
