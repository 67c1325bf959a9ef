"""Writes of the scenarios app: keyword-only, atomic, validating first, each with an audit event.

`scenario_calculate` runs the engine on the portfolios and the scenario and stores the result (a refused model
stores nothing); `scenario_risk_run` stores the Monte Carlo result (seeded: the same seed gives the same result).
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.core.audit import audit_record, model_snapshot
from verbund.core.models import AuditAction
from verbund.core.money import round_even
from verbund.core.params import check_year
from verbund.core.spreadsheet import Cells, Row, RowError, Sheet, SpreadsheetError
from verbund.core.steps import steps_json
from verbund.jobs.kinds import Progress, no_progress
from verbund.registry.models import Organization
from verbund.scenarios import engine
from verbund.scenarios.choices import (
    ASSUMPTIONS,
    Disposition,
    LegalForm,
    ScenarioKind,
    ScenarioStatus,
    StaffStatus,
)
from verbund.scenarios.engine.model_json import coalition_savings, plan_problem
from verbund.scenarios.engine.montecarlo import simulate
from verbund.scenarios.engine.rules import RULES
from verbund.scenarios.engine.staged_plan import optimise
from verbund.scenarios.models import (
    STAFF_REFERENCE,
    Criterion,
    CriterionScore,
    PortfolioItem,
    ProviderProfile,
    Scenario,
    ScenarioEntity,
    ScenarioMemberFee,
    ScenarioMove,
    StaffPosition,
    WeightSet,
    normalise_pay_group,
)
from verbund.scenarios.selectors import scenario_engine_model

MAX_DRAWS = 20_000


def _audit(actor: Any, action: AuditAction, obj: Any, before: dict[str, Any] | None = None, message: str = "") -> None:
    audit_record(actor=actor, action=action, obj=obj, before=before, after=model_snapshot(obj), message=message)


@transaction.atomic
def portfolio_disposition_set(*, actor: Any, item: PortfolioItem, disposition: str) -> PortfolioItem:
    if disposition not in Disposition.values:
        raise ValidationError({"disposition": _("Choose tolerate, invest, migrate or eliminate.")})
    before = model_snapshot(item)
    item.disposition = disposition
    item.save(update_fields=["disposition", "modified"])
    _audit(actor, AuditAction.UPDATE, item, before)
    return item


def parse_assumptions(raw: dict[str, Any]) -> dict[str, dict[str, str]]:
    """`{name: {low, likely, high}}` checked: known names, numbers, low ≤ likely ≤ high, shares not negative."""
    result: dict[str, dict[str, str]] = {}
    for name, values in raw.items():
        if name not in ASSUMPTIONS:
            raise ValidationError({f"assumptions.{name}": _("Unknown assumption.")})
        try:
            low, likely, high = (Decimal(str(values[k])) for k in ("low", "likely", "high"))
        except (KeyError, TypeError, InvalidOperation) as exc:
            raise ValidationError({f"assumptions.{name}": _("Give low, likely and high as numbers.")}) from exc
        if not low <= likely <= high:
            raise ValidationError({f"assumptions.{name}": _("low ≤ likely ≤ high must hold.")})
        if name != "price_index" and low < 0:
            raise ValidationError({f"assumptions.{name}": _("The value must not be negative.")})
        if name == "synergy" and high >= 1:
            raise ValidationError({f"assumptions.{name}": _("A synergy share lies below 1.")})
        if name == "double_running_months" and high > 60:
            raise ValidationError({f"assumptions.{name}": _("At most 60 months.")})
        if name in ("discount_rate", "price_index", "attrition", "migration") and high > 5:
            raise ValidationError({f"assumptions.{name}": _("The value is a share (0.03 = 3 %).")})
        result[name] = {"low": str(low), "likely": str(likely), "high": str(high)}
    return result


def _default_assumptions() -> dict[str, dict[str, str]]:
    return {name: {"low": low, "likely": likely, "high": high} for name, (_l, low, likely, high) in ASSUMPTIONS.items()}


def _owners_of_all_providers() -> list[dict[str, Any]]:
    """Owners of a joint entity: the providers' host authorities and owners, equal shares, one seat each."""
    authorities: list[int] = []
    for profile in ProviderProfile.objects.order_by("provider__name"):
        for owner in profile.owners or []:
            authorities.append(int(owner["authority"]))
        if profile.host_id:
            authorities.append(profile.host_id)
    unique = sorted(set(authorities))
    if not unique:
        return []
    share = round_even(Decimal(1) / len(unique), Decimal("0.0001"))
    owners = [{"authority": a, "share": str(share), "seats": 1} for a in unique]
    owners[0]["share"] = str(Decimal(1) - share * (len(unique) - 1))
    return owners


@transaction.atomic
def scenario_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    description: str = "",
    first_year: int = 2027,
    stages: int = 3,
    legal_form: str = LegalForm.GMBH,
    start_year: int = 2026,
    end_year: int = 2040,
) -> Scenario:
    """A draft scenario with the default assumptions and the moves its kind implies:
    status quo (none); cooperation (infrastructure into a joint entity in `first_year`); holding with operating
    company (every item into the operating company in `stages` yearly stages from `first_year`: infrastructure
    first, then workplace and platforms, then procedures); full merger (everything in `first_year`); variant
    (an entity, no moves: the user adds them)."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the scenario a name.")})
    if kind not in ScenarioKind.values:
        raise ValidationError({"kind": _("Unknown kind of scenario.")})
    if legal_form not in LegalForm.values:
        raise ValidationError({"legal_form": _("Unknown legal form.")})
    for field, year in (("start_year", start_year), ("end_year", end_year), ("first_year", first_year)):
        check_year(year, field=field)
    if not start_year <= first_year <= end_year:
        raise ValidationError({"first_year": _("The first move lies between the first and the last year.")})
    if not 1 <= stages <= 10:
        raise ValidationError({"stages": _("Between 1 and 10 stages.")})
    scenario = Scenario(
        name=name,
        kind=kind,
        description=description,
        base_year=start_year,
        start_year=start_year,
        end_year=end_year,
        assumptions=_default_assumptions(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if kind == ScenarioKind.STATUS_QUO:
        scenario.assumptions = {**scenario.assumptions, "synergy": {"low": "0", "likely": "0", "high": "0"}}
    scenario.full_clean()
    scenario.save()
    _audit(actor, AuditAction.CREATE, scenario)
    if kind == ScenarioKind.STATUS_QUO:
        return scenario
    entity_name = {
        ScenarioKind.COOPERATION: _("Joint service company"),
        ScenarioKind.HOLDING: _("Operating company"),
        ScenarioKind.MERGER: _("Merged provider"),
        ScenarioKind.VARIANT: _("New entity"),
    }[ScenarioKind(kind)]
    entity = ScenarioEntity.objects.create(
        scenario=scenario, code="OPCO", name=str(entity_name), legal_form=legal_form, owners=_owners_of_all_providers()
    )
    items = list(PortfolioItem.objects.filter(provider__scenario_profile__isnull=False).order_by("code"))
    order = {"infrastructure": 0, "workplace": 1, "platform": 1, "procedure": 2}
    moves = []
    for item in items:
        if kind == ScenarioKind.COOPERATION and item.category != "infrastructure":
            continue
        if kind == ScenarioKind.VARIANT:
            continue
        stage = min(order.get(item.category, 2), stages - 1) if kind == ScenarioKind.HOLDING else 0
        year = min(first_year + stage, end_year)
        moves.append(ScenarioMove(scenario=scenario, item=item, entity=entity, year=year))
    ScenarioMove.objects.bulk_create(moves)
    return scenario


def _editable(scenario: Scenario) -> None:
    if not scenario.editable:
        raise ValidationError({"status": _("Only a draft scenario can be changed.")})


@transaction.atomic
def scenario_assumptions_set(
    *, actor: Any, scenario: Scenario, assumptions: dict[str, Any], worse_off_limit: Decimal | None = None
) -> Scenario:
    _editable(scenario)
    parsed = parse_assumptions(assumptions)
    before = model_snapshot(scenario)
    scenario.assumptions = {**(scenario.assumptions or {}), **parsed}
    if worse_off_limit is not None:
        if not Decimal(0) <= worse_off_limit <= Decimal(1):
            raise ValidationError({"worse_off_limit": _("A share between 0 and 1 (0.05 = 5 %).")})
        scenario.worse_off_limit = worse_off_limit
    scenario.calculated_at = None
    scenario.save()
    _audit(actor, AuditAction.UPDATE, scenario, before)
    return scenario


@transaction.atomic
def scenario_move_set(
    *, actor: Any, scenario: Scenario, item: PortfolioItem, entity: ScenarioEntity | None, year: int | None
) -> None:
    """Set (or with `entity` None remove) the move of `item` in `scenario`: one move per item."""
    _editable(scenario)
    if entity is not None:
        if entity.scenario_id != scenario.pk:
            raise ValidationError({"entity": _("The entity belongs to another scenario.")})
        if year is None or not scenario.start_year <= year <= scenario.end_year:
            raise ValidationError({"year": _("The year lies between the scenario's first and last year.")})
    ScenarioMove.objects.filter(scenario=scenario, item=item).delete()
    if entity is not None and year is not None:
        ScenarioMove.objects.create(scenario=scenario, item=item, entity=entity, year=year)
    scenario.calculated_at = None
    scenario.save(update_fields=["calculated_at", "modified"])
    _audit(actor, AuditAction.UPDATE, scenario, message=f"move {item.code} → {entity or '-'} {year or ''}")


def _json_decimal(value: Decimal) -> str:
    return str(value)


def result_json(result: engine.ScenarioResult, base: engine.ScenarioResult) -> dict[str, Any]:
    return {
        "npv": str(result.npv),
        "savings": str(result.savings),
        "status_quo_npv": str(base.npv),
        "limit_kept": result.limit_kept,
        "entities": {k: {"name": e.name, "legal_form": str(e.legal_form)} for k, e in result.entities.items()},
        "years": [
            {
                "year": y.year,
                "cost_by_entity": {k: str(v) for k, v in y.cost_by_entity.items()},
                "running": str(y.running),
                "double_running": str(y.double_running),
                "one_off": str(y.one_off),
                "overhead": str(y.overhead),
                "vat": str(y.vat),
                "total": str(y.total),
                "present": str(y.present),
                "status_quo_total": str(b.total),
            }
            for y, b in zip(result.years, base.years, strict=True)
        ],
        "fee_summaries": [
            {
                "year": f.year,
                "members": f.members,
                "min": str(f.minimum),
                "median": str(f.median),
                "max": str(f.maximum),
                "losers": list(f.losers),
                "over_limit": list(f.over_limit),
            }
            for f in result.fee_summaries
        ],
        "checks": [
            {"code": c.code, "entity": c.entity, "year": c.year, "passed": c.passed, "step": steps_json([c.step])[0]}
            for c in result.checks
        ],
        "rules": dict(RULES),
        "trace": steps_json(result.trace),
    }


def _project(scenario: Scenario) -> tuple[engine.Projection, engine.ScenarioModel, dict[str, str]]:
    model, names = scenario_engine_model(scenario)
    try:
        projection = engine.project(model)
    except engine.ScenarioError as exc:
        raise ValidationError({"scenario": f"{exc.path}: {exc.message}"}) from exc
    return projection, model, names


@transaction.atomic
def scenario_calculate(*, actor: Any, scenario: Scenario) -> engine.ScenarioResult:
    """Project the scenario 2026–2040 (or its years) against the status quo and store cost, NPV, rule checks and
    every member's fees. Repeating replaces the stored result."""
    projection, _model, names = _project(scenario)
    result = projection.scenarios[0]
    base_fees: dict[str, dict[int, Decimal]] = {}
    base = projection.status_quo  # under the scenario's price index, discount rate and VAT rate
    for y in base.years:
        for member, fee in y.fees.items():
            base_fees.setdefault(member, {})[y.year] = fee
    before = model_snapshot(scenario)
    scenario.npv = result.npv
    scenario.savings = result.savings
    scenario.result = {**result_json(result, base), "names": names}
    scenario.calculated_at = timezone.now()
    scenario.save()
    ScenarioMemberFee.objects.filter(scenario=scenario).delete()
    members = set(base_fees) | {m for y in result.years for m in y.fees}
    orgs = {str(o.pk): o for o in Organization.objects.filter(pk__in=[int(m) for m in members])}
    rows = []
    last = scenario.end_year
    for member in sorted(members):
        fees = result.fees_of(member)
        sq = base_fees.get(member, {})
        before_fee = sq.get(last, Decimal(0))
        change = (
            round_even((fees.get(last, Decimal(0)) - before_fee) / before_fee, Decimal("0.0001"))
            if before_fee
            else None
        )
        rows.append(
            ScenarioMemberFee(
                scenario=scenario,
                member=orgs[member],
                fees={str(y): str(v) for y, v in fees.items()},
                status_quo={str(y): str(v) for y, v in sq.items()},
                final_change=change,
            )
        )
    ScenarioMemberFee.objects.bulk_create(rows)
    _audit(actor, AuditAction.UPDATE, scenario, before, message="calculated")
    return result


@transaction.atomic
def scenario_risk_run(
    *, actor: Any, scenario: Scenario, draws: int = 2000, seed: int = 1, progress: Progress = no_progress
) -> dict[str, Any]:
    """Monte Carlo (Latin hypercube, seeded) of the scenario against the status quo; stored on the scenario."""
    if not 1 <= draws <= MAX_DRAWS:
        raise ValidationError({"draws": _("Between 1 and %(max)s draws.") % {"max": MAX_DRAWS}})
    if not 0 <= seed < 2**32:
        raise ValidationError({"seed": _("The seed is a whole number from 0 to 4294967295.")})
    model, _names = scenario_engine_model(scenario)
    try:
        risk = simulate(model, model.scenarios[0].id, draws=draws, seed=seed, progress=lambda d, t: progress(d, t, ""))
        # fair sharing of the savings between the providers (exact Shapley over every coalition)
        split, blocking = coalition_savings(model, model.scenarios[0]) if len(model.providers) <= 6 else ({}, [])
    except engine.ScenarioError as exc:
        raise ValidationError({"scenario": f"{exc.path}: {exc.message}"}) from exc
    data = {
        "shapley": split,
        "blocking": blocking,
        "draws": risk.draws,
        "seed": risk.seed,
        "years": list(risk.years),
        "cost_percentiles": {k: list(v) for k, v in risk.cost_percentiles.items()},
        "npv_percentiles": risk.npv_percentiles,
        "savings_percentiles": risk.savings_percentiles,
        "probability_better": risk.probability_better,
        "cvar5": risk.cvar5,
        "member_change": {k: list(v) for k, v in risk.member_change.items()},
        "tornado": [list(t) for t in risk.tornado],
        "computed_at": timezone.now().isoformat(),
    }
    before = model_snapshot(scenario)
    scenario.risk = data
    scenario.save(update_fields=["risk", "modified"])
    _audit(actor, AuditAction.UPDATE, scenario, before, message="risk")
    return data


@transaction.atomic
def scenario_stages_optimise(
    *, actor: Any, scenario: Scenario, capacity: Decimal, deadline: int, budget: Decimal | None = None
) -> dict[str, Any]:
    """Optimise the year of every move (MILP, HiGHS): migration staff `capacity` (FTE-years) and optionally a
    one-off `budget` per year, every move by `deadline`, least discounted cost. Replaces the moves' years and
    stores the plan; an infeasible plan changes nothing and says which constraint makes it infeasible."""
    _editable(scenario)
    if capacity < 0:
        raise ValidationError({"capacity": _("The capacity must not be negative.")})
    if budget is not None and budget < 0:
        raise ValidationError({"budget": _("The budget must not be negative.")})
    if not scenario.start_year <= deadline <= scenario.end_year:
        raise ValidationError({"deadline": _("The year lies between the scenario's first and last year.")})
    model, _names = scenario_engine_model(scenario)
    plan: dict[str, Any] = {"deadline": deadline, "capacity": str(capacity)}
    if budget is not None:
        plan["budget"] = str(budget)
    try:
        staged = optimise(plan_problem(model, model.scenarios[0], plan))
    except engine.ScenarioError as exc:
        raise ValidationError({"staged_plan": exc.message}) from exc
    for move in ScenarioMove.objects.filter(scenario=scenario):
        year = staged.moves.get(f"i{move.item_id}")
        if year is not None and year != move.year:
            move.year = year
            move.save(update_fields=["year"])
    before = model_snapshot(scenario)
    scenario.staged_plan = {
        "status": staged.status,
        "objective": str(staged.objective),
        "moves": staged.moves,
        "binding": list(staged.binding),
        "capacity": str(capacity),
        "budget": str(budget) if budget is not None else None,
        "deadline": deadline,
    }
    scenario.calculated_at = None
    scenario.save(update_fields=["staged_plan", "calculated_at", "modified"])
    _audit(actor, AuditAction.UPDATE, scenario, before, message="stages optimised")
    return scenario.staged_plan


@transaction.atomic
def scenario_publish(*, actor: Any, scenario: Scenario) -> Scenario:
    """Publish a calculated draft: members may then see their own projected fees."""
    if scenario.status != ScenarioStatus.DRAFT:
        raise ValidationError({"status": _("Only a draft can be published.")})
    if scenario.calculated_at is None:
        raise ValidationError({"status": _("Calculate the scenario before publishing it.")})
    before = model_snapshot(scenario)
    scenario.status = ScenarioStatus.PUBLISHED
    scenario.save(update_fields=["status", "modified"])
    _audit(actor, AuditAction.UPDATE, scenario, before)
    return scenario


@transaction.atomic
def scenario_decide(*, actor: Any, scenario: Scenario, decision_reference: str, decided_on: Any) -> Scenario:
    """An adopted committee decision (governance subject "scenario decision") marks the published scenario as
    the decided one. Called by the governance decision service; deciding twice is refused."""
    if scenario.status != ScenarioStatus.PUBLISHED:
        raise ValidationError({"status": _("Only a published scenario can be decided.")})
    before = model_snapshot(scenario)
    scenario.status = ScenarioStatus.DECIDED
    scenario.decision_reference = f"{decision_reference} ({decided_on:%d.%m.%Y})"[:120]
    scenario.save(update_fields=["status", "decision_reference", "modified"])
    _audit(actor, AuditAction.UPDATE, scenario, before, message="decided")
    return scenario


@transaction.atomic
def criterion_scores_set(*, actor: Any, scenario: Scenario, scores: dict[int, Decimal]) -> None:
    criteria = {c.pk: c for c in Criterion.objects.all()}
    for pk, value in scores.items():
        if pk not in criteria:
            raise ValidationError({f"score_{pk}": _("Unknown criterion.")})
        if not Decimal(0) <= value <= Decimal(10):
            raise ValidationError({f"score_{pk}": _("A score from 0 to 10.")})
    for pk, value in scores.items():
        CriterionScore.objects.update_or_create(scenario=scenario, criterion=criteria[pk], defaults={"value": value})
    _audit(actor, AuditAction.UPDATE, scenario, message="scores")


@transaction.atomic
def weights_set(*, actor: Any, weights: dict[int, Decimal]) -> WeightSet:
    """The user's own weights (points ≥ 0, at least one positive); the group result is the mean of all."""
    criteria = set(Criterion.objects.values_list("pk", flat=True))
    for pk, value in weights.items():
        if pk not in criteria:
            raise ValidationError({f"weight_{pk}": _("Unknown criterion.")})
        if value < 0 or value > 100:
            raise ValidationError({f"weight_{pk}": _("A weight from 0 to 100.")})
    if not any(v > 0 for v in weights.values()):
        raise ValidationError({"weights": _("At least one weight must be positive.")})
    weight_set, _created = WeightSet.objects.update_or_create(
        user=actor, defaults={"weights": {str(k): str(v) for k, v in weights.items()}}
    )
    _audit(actor, AuditAction.UPDATE, weight_set)
    return weight_set


# --- staff per person -----------------------------------------------------------------------------------------


class StaffImportError(SpreadsheetError):
    """The staff file was refused; `errors` lists every problem (line, column, message). Nothing was written."""

    columns = ("item", "reference", "status", "pay_group", "fte", "retirement_year")


STAFF = Sheet(columns=StaffImportError.columns, error=StaffImportError, title="Personal", max_rows=50_000)

# The status column: the stored values and the German words of a personnel file.
STAFF_STATUS_WORDS = {
    "civil_servant": StaffStatus.CIVIL_SERVANT,
    "beamter": StaffStatus.CIVIL_SERVANT,
    "beamtin": StaffStatus.CIVIL_SERVANT,
    "beamte": StaffStatus.CIVIL_SERVANT,
    "beamter/beamtin": StaffStatus.CIVIL_SERVANT,
    "employee": StaffStatus.EMPLOYEE,
    "tarifbeschäftigte": StaffStatus.EMPLOYEE,
    "tarifbeschäftigter": StaffStatus.EMPLOYEE,
    "tarifbeschäftigte(r)": StaffStatus.EMPLOYEE,
}


@dataclass(frozen=True)
class StaffImportResult:
    positions: int
    changed: bool
    added: int = 0
    removed: int = 0


def _staff_key(position: Mapping[str, Any]) -> tuple[Any, ...]:
    return (
        position["item_id"],
        position["reference"],
        position["status"],
        position["pay_group"],
        position["fte"],
        position["retirement_year"],
    )


def parse_staff(provider: Organization, rows: Sequence[Row]) -> list[dict[str, Any]]:
    """Check every line against the provider's portfolio; all problems at once as `StaffImportError`."""
    items = {i.code: i for i in PortfolioItem.objects.filter(provider=provider)}
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    positions: list[dict[str, Any]] = []
    for line, raw in rows:
        cells = Cells(line, raw, errors)
        missing = [c for c in STAFF.columns if c not in raw]
        for column in missing:
            cells.error(column, _("The column is missing."))
        if missing:
            continue
        code = cells.text("item", max_length=40, required=True)
        item = items.get(code)
        if code and item is None:
            cells.error("item", _("No item %(code)s in the provider's portfolio.") % {"code": code})
        reference = cells.text("reference", max_length=20, required=True)
        if reference and not STAFF_REFERENCE.match(reference):
            cells.error(
                "reference",
                _("Write an anonymous personnel number (letters, digits, . _ / -, with a digit), never a name."),
            )
            reference = ""
        elif reference in seen:
            cells.error("reference", _("Given twice (first in line %(line)s).") % {"line": seen[reference]})
            reference = ""
        elif reference:
            seen[reference] = line
        word = cells.get("status").lower()
        status = STAFF_STATUS_WORDS.get(word)
        if status is None:
            cells.error(
                "status",
                _(
                    'Unknown status "%(value)s"; write civil_servant or employee (also Beamter, Beamtin, '
                    "Tarifbeschäftigte(r))."
                )
                % {"value": cells.get("status")},
            )
        pay_group = normalise_pay_group(cells.get("pay_group"))
        if pay_group is None:
            cells.error(
                "pay_group",
                _('Not a pay group: "%(value)s"; write e.g. A 11, A 13, E 9b or E 12.')
                % {"value": cells.get("pay_group")},
            )
        fte = cells.decimal("fte", places=2, max_digits=3, minimum=None, maximum=None, required=True)
        if fte is not None and not Decimal(0) < fte <= Decimal(1):
            cells.error("fte", _("One person's FTE lies above 0 and at most 1."))
            fte = None
        year = cells.integer("retirement_year", minimum=2000, maximum=2100)
        if not cells.get("retirement_year"):
            cells.error("retirement_year", _("Required; the cell is empty."))
        if item is None or not reference or status is None or pay_group is None or fte is None or year is None:
            continue
        positions.append(
            {
                "item_id": item.pk,
                "reference": reference,
                "status": status,
                "pay_group": pay_group,
                "fte": fte,
                "retirement_year": year,
            }
        )
    if errors:
        raise StaffImportError(errors)
    return positions


@transaction.atomic
def staff_import(*, actor: Any, provider: Organization, rows: Sequence[Row]) -> StaffImportResult:
    """Replace the provider's staff positions as a whole by the checked `rows` and set every item's FTE and civil
    servant FTE to the sums of its positions. The same file again changes nothing (no write, no audit event)."""
    if not PortfolioItem.objects.filter(provider=provider).exists():
        raise ValidationError({"provider": _("The provider has no portfolio items.")})
    positions = parse_staff(provider, rows)
    existing = StaffPosition.objects.filter(provider=provider)
    old = {
        _staff_key(p) for p in existing.values("item_id", "reference", "status", "pay_group", "fte", "retirement_year")
    }
    new = {_staff_key(p) for p in positions}
    if old == new:
        return StaffImportResult(positions=len(positions), changed=False)
    before = {"positions": len(old), "fte": str(sum((k[4] for k in old), Decimal(0)))}
    existing.delete()
    StaffPosition.objects.bulk_create(StaffPosition(provider=provider, **p) for p in positions)
    totals: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for p in positions:
        totals[p["item_id"]][0] += p["fte"]
        if p["status"] == StaffStatus.CIVIL_SERVANT:
            totals[p["item_id"]][1] += p["fte"]
    items = list(PortfolioItem.objects.filter(provider=provider))
    for item in items:
        item.fte, item.civil_servant_fte = totals.get(item.pk, (Decimal(0), Decimal(0)))
    PortfolioItem.objects.bulk_update(items, ["fte", "civil_servant_fte"])
    after = {"positions": len(new), "fte": str(sum((p["fte"] for p in positions), Decimal(0)))}
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=provider,
        before=before,
        after=after,
        message=f"staff positions replaced: {len(new - old)} added, {len(old - new)} removed",
    )
    return StaffImportResult(positions=len(positions), changed=True, added=len(new - old), removed=len(old - new))
