"""The contract with its goals, budgets, measures, KPIs, definition changes and targets."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.controlling import engine
from verbund.controlling.choices import ContractStatus, Direction, SourceKind, Unit
from verbund.controlling.models import (
    Contract,
    DefinitionChange,
    Goal,
    GoalBudget,
    Kpi,
    Measure,
    Target,
)
from verbund.controlling.services.common import (
    BREAKDOWNS,
    _audit,
    _number,
    _user,
    _year,
)
from verbund.core.models import AuditAction
from verbund.core.money import has_places

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
