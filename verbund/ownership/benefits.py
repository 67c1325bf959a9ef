"""Plan vs realised benefits from the database: the decided scenario's projection (`Scenario.result`, written by
`scenarios.services.scenario_calculate`) against the approved plans (costing) and approved closings (closing) of
its entities, judged by the pure `engine.benefits`."""

from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from verbund.closing.choices import ClosingStatus
from verbund.closing.models import Closing
from verbund.costing.choices import PlanStatus
from verbund.costing.models import PlanVersion
from verbund.ownership.choices import ENTITY_KINDS
from verbund.ownership.engine import benefits as engine
from verbund.registry.choices import PROVIDER_KINDS
from verbund.registry.models import Organization
from verbund.scenarios.choices import ScenarioStatus
from verbund.scenarios.models import Scenario


def decided_scenarios(*, user: Any) -> QuerySet[Scenario]:
    return Scenario.objects.restrict(user).filter(status=ScenarioStatus.DECIDED).exclude(result={}).order_by("id")


def _organisations(scenario: Scenario) -> tuple[dict[str, int], dict[str, str]]:
    """Entity code of the projection → organisation id: a provider's code is its id; a new entity of the scenario
    (code `e<id>`) is the organisation of an entity or provider kind with the same name or short name."""
    codes: dict[str, int] = {}
    names: dict[str, str] = {}
    entities = scenario.result.get("entities", {})
    by_name: dict[str, Organization] = {}
    wanted = {str(e.get("name", "")) for code, e in entities.items() if not code.isdigit()}
    if wanted:
        kinds = (*ENTITY_KINDS, *PROVIDER_KINDS)
        for org in Organization.objects.filter(kind__in=kinds).filter(Q(name__in=wanted) | Q(short_name__in=wanted)):
            by_name.setdefault(org.name, org)
            if org.short_name:
                by_name.setdefault(org.short_name, org)
    for code, entity in entities.items():
        names[code] = str(entity.get("name", code))
        if code.isdigit():
            codes[code] = int(code)
        elif (match := by_name.get(str(entity.get("name", "")))) is not None:
            codes[code] = match.pk
    return codes, names


def tracking(*, scenario: Scenario) -> tuple[engine.Tracking, dict[str, str]]:
    """Three queries: the organisations of the new entities, the closings, the plans."""
    codes, names = _organisations(scenario)
    years = [int(y["year"]) for y in scenario.result.get("years", [])]
    org_ids = set(codes.values())
    actual: dict[tuple[int, int], Decimal | None] = {}
    for provider_id, year, total in Closing.objects.filter(
        provider_id__in=org_ids, year__in=years, status=ClosingStatus.APPROVED, actual_total__isnull=False
    ).values_list("provider_id", "year", "actual_total"):
        actual[(provider_id, year)] = total
    planned: dict[tuple[int, int], Decimal | None] = {}
    for provider_id, year, total in (
        PlanVersion.objects.filter(
            provider_id__in=org_ids,
            year__in=years,
            status__in=[PlanStatus.APPROVED, PlanStatus.FROZEN],
            result_total__isnull=False,
        )
        .order_by("id")
        .values_list("provider_id", "year", "result_total")
    ):
        planned[(provider_id, year)] = total  # the latest approved version wins
    inputs = []
    for row in scenario.result.get("years", []):
        year = int(row["year"])
        entities = []
        for code, projected in sorted(row.get("cost_by_entity", {}).items()):
            org_id = codes.get(code)
            realised, source = None, ""
            if org_id is not None and (org_id, year) in actual:
                realised, source = actual[(org_id, year)], engine.ACTUAL
            elif org_id is not None and (org_id, year) in planned:
                realised, source = planned[(org_id, year)], engine.PLAN
            entities.append(engine.EntityYear(code, Decimal(str(projected)), realised, source))
        inputs.append(
            engine.YearInput(
                year,
                Decimal(str(row["total"])),  # as the scenario promised it (VAT included on both sides)
                Decimal(str(row["status_quo_total"])),
                tuple(entities),
            )
        )
    return engine.track(inputs), names
