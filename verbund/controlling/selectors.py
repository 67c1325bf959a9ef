"""Reads of the controlling app. Pages start from `restrict(user, action)`; the helpers below that take a
contract read figures of a contract already fetched through the access layer.

`current_measurements` is the one rule for "the value of a KPI in a year": the newest stored row per KPI, year
and breakdown (values are appended, never updated)."""

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from verbund.controlling.models import Contract, Kpi, Measure, Measurement, Report
from verbund.core.access import Action
from verbund.registry.choices import ApprovalStatus
from verbund.registry.models import AgreementParty, Organization


def contract_list(*, user: Any) -> QuerySet[Contract]:
    return Contract.objects.restrict(user).select_related("provider", "city")


def contract_get_for_user(*, user: Any, contract_id: int, action: str = Action.VIEW) -> Contract:
    from django.shortcuts import get_object_or_404

    queryset = Contract.objects.restrict(user, action).select_related("provider", "city")
    return get_object_or_404(queryset, pk=contract_id)


def kpi_get_for_user(*, user: Any, kpi_id: int, action: str = Action.VIEW) -> Kpi:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        Kpi.objects.restrict(user, action).select_related("goal__contract__provider", "goal__contract__city"),
        pk=kpi_id,
    )


def measurement_get_for_user(*, user: Any, measurement_id: int) -> Measurement:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        Measurement.objects.restrict(user).select_related("kpi__goal__contract", "target", "entered_by", "member"),
        pk=measurement_id,
    )


def measure_of_contract(*, contract: Contract, measure_id: int) -> Measure:
    """A measure of a goal of `contract` (fetched through the access layer by the caller)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Measure.objects.select_related("goal"), pk=measure_id, goal__contract=contract)


def report_list(*, user: Any) -> QuerySet[Report]:
    return Report.objects.restrict(user).select_related("contract", "paper")


def report_get_for_user(*, user: Any, report_id: int) -> Report:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(report_list(user=user), pk=report_id)


def contract_members(contract: Contract) -> list[Organization]:
    """The members of the provider (approved parties of its agreements, not left), for per-member breakdowns."""
    ids = AgreementParty.objects.filter(
        agreement__provider_id=contract.provider_id, status=ApprovalStatus.APPROVED, left_on__isnull=True
    ).values("organization_id")
    return list(Organization.objects.filter(pk__in=ids).order_by("name"))


def current_measurements(
    *, contract: Contract, years: Iterable[int] | None = None, members: bool = False
) -> dict[tuple[int, int, int | None], Measurement]:
    """(kpi id, year, member id or None) → the newest value; totals only unless `members`. One query."""
    rows = Measurement.objects.filter(kpi__goal__contract=contract, product__isnull=True, office__isnull=True).defer(
        "evidence_data", "records", "trace"
    )
    if years is not None:
        rows = rows.filter(year__in=list(years))
    if not members:
        rows = rows.filter(member__isnull=True)
    current: dict[tuple[int, int, int | None], Measurement] = {}
    for row in rows.order_by("id"):
        current[(row.kpi_id, row.year, row.member_id)] = row
    return current


def contract_kpis(contract: Contract) -> list[Kpi]:
    return list(
        Kpi.objects.filter(goal__contract=contract)
        .select_related("goal")
        .prefetch_related("targets", "changes")
        .order_by("goal__position", "position", "code")
    )


DIMENSIONS = ("member", "product", "office")


def _dimension_of(row: Measurement) -> tuple[str, int] | None:
    for name in DIMENSIONS:
        value = getattr(row, f"{name}_id")
        if value is not None:
            return name, value
    return None


def current_breakdowns(
    *, contract: Contract, years: Iterable[int], kpi: Kpi | None = None
) -> dict[tuple[int, int, str, int], Measurement]:
    """(kpi id, year, dimension, id) → the newest breakdown value (member, product or office) of `contract` in
    `years`, of one KPI or all. One query."""
    rows = Measurement.objects.filter(kpi__goal__contract=contract, year__in=list(years)).exclude(
        member__isnull=True, product__isnull=True, office__isnull=True
    )
    if kpi is not None:
        rows = rows.filter(kpi=kpi)
    current: dict[tuple[int, int, str, int], Measurement] = {}
    for row in rows.defer("evidence_data", "records", "trace").order_by("id"):
        dimension = _dimension_of(row)
        if dimension is not None:
            current[(row.kpi_id, row.year, *dimension)] = row
    return current


def _newest_breakdown_ids(*, kpi: Kpi, year: int, dimension: str) -> QuerySet[Measurement]:
    from django.db.models import Max

    others = {f"{name}__isnull": True for name in DIMENSIONS if name != dimension}
    return (
        Measurement.objects.filter(kpi=kpi, year=year, **{f"{dimension}__isnull": False}, **others)
        .values(f"{dimension}_id")
        .annotate(last=Max("id"))
        .values("last")
    )


def kpi_breakdown(*, kpi: Kpi, year: int, dimension: str, limit: int | None = None) -> list[Measurement]:
    """The current values of `kpi` in `year` per member, product or office, by name (at most `limit`), with the
    breakdown object and the target loaded. One query (the newest row per breakdown is a subquery)."""
    rows = (
        Measurement.objects.filter(pk__in=_newest_breakdown_ids(kpi=kpi, year=year, dimension=dimension))
        .select_related(dimension, "target")
        .defer("evidence_data", "records", "trace")
        .order_by(f"{dimension}__name", "id")
    )
    return list(rows if limit is None else rows[:limit])


def kpi_breakdown_count(*, kpi: Kpi, year: int, dimension: str) -> int:
    """How many members, products or offices have a value of `kpi` in `year`. One query."""
    from django.db.models import Count

    others = {f"{name}__isnull": True for name in DIMENSIONS if name != dimension}
    rows = Measurement.objects.filter(kpi=kpi, year=year, **{f"{dimension}__isnull": False}, **others)
    return int(rows.aggregate(n=Count(f"{dimension}_id", distinct=True))["n"])


def contract_offices(contract: Contract) -> dict[int, Organization]:
    """The offices of the provider's members (registry organisations of kind office), by id."""
    from verbund.registry.choices import OrganizationKind

    members = AgreementParty.objects.filter(
        agreement__provider_id=contract.provider_id, status=ApprovalStatus.APPROVED, left_on__isnull=True
    ).values("organization_id")
    rows = Organization.objects.filter(kind=OrganizationKind.OFFICE, parent_id__in=members)
    return {office.pk: office for office in rows}
