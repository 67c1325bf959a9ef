"""The only readers of the availability app for a user; every query starts from `restrict` (core.access).

`availability_report` loads commitments, subscriptions and outages with a fixed number of queries, passes the
NRW public holidays into the pure engine and returns the figures per member × product × month and year."""

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from verbund.availability.engine import Cell, Incident, YearResult, compute_many, parse_windows
from verbund.availability.engine import Commitment as EngineCommitment
from verbund.availability.engine.assemble import CommitmentRow, OutageFacts, assemble
from verbund.availability.models import Commitment, Outage
from verbund.catalog.models import Product
from verbund.core.access import Action, user_sees_all
from verbund.orders.selectors import subscriptions_in_year
from verbund.registry.models import Organization

HUNDRED = Decimal(100)


@lru_cache(maxsize=32)
def nrw_holidays(year: int) -> frozenset[dt.date]:
    """The public holidays of North Rhine-Westphalia (the `holidays` library), passed into the engine."""
    import holidays

    return frozenset(holidays.country_holidays("DE", subdiv="NW", years=year).keys())


def commitment_list(*, user: Any) -> QuerySet[Commitment]:
    return Commitment.objects.restrict(user, Action.VIEW).select_related("product", "member", "provider")


def outage_list(*, user: Any, year: int | None = None) -> QuerySet[Outage]:
    outages = Outage.objects.restrict(user, Action.VIEW).prefetch_related("products", "members")
    if year is not None:
        start = dt.datetime(year, 1, 1, tzinfo=dt.UTC) - dt.timedelta(days=1)
        end = dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=1)
        outages = outages.filter(start__lt=end).filter(Q(end__isnull=True) | Q(end__gt=start))
    return outages


def outage_get_for_user(*, user: Any, outage_id: int, action: str = Action.VIEW) -> Outage:
    outage = Outage.objects.restrict(user, action).prefetch_related("products", "members").filter(pk=outage_id).first()
    if outage is None:
        raise Http404
    return outage


def member_get_for_user(*, user: Any, member_id: int) -> Organization:
    """A member whose report the user may open: staff any, a member contact only its own."""
    if not user.has_perm("availability.view_outage"):
        raise Http404
    if not user_sees_all(user) and getattr(user, "organization_id", None) != member_id:
        raise Http404
    member = Organization.objects.filter(pk=member_id).first()
    if member is None:
        raise Http404
    return member


def engine_commitment(row: Commitment) -> EngineCommitment:
    return EngineCommitment(
        windows=parse_windows(row.service_hours),
        exclude_holidays=row.exclude_holidays,
        target_month=row.target_month / HUNDRED,
        target_year=row.target_year / HUNDRED,
        notice_days=row.notice_days,
    )


def incident_of(outage: Outage, all_members: bool) -> Incident:
    return Incident(
        key=str(outage.pk),
        start=outage.start,
        end=outage.end,
        maintenance=outage.kind == "maintenance",
        announced_at=outage.announced_at,
        impact=outage.impact,
        all_members=all_members,
    )


@dataclass
class Report:
    year: int
    as_of: dt.datetime
    members: dict[int, Organization]
    products: dict[int, Product]
    results: dict[tuple[int, int], YearResult]
    commitments: dict[tuple[int, int], Commitment]
    cells: dict[tuple[int, int], Cell]
    outages: dict[int, Outage]
    touched: dict[int, list[int]] = field(default_factory=dict)  # member → outage ids touching it

    def member_rows(self, member_id: int) -> list[tuple[Product, YearResult, Commitment]]:
        rows = [
            (self.products[p], result, self.commitments[(m, p)])
            for (m, p), result in self.results.items()
            if m == member_id
        ]
        return sorted(rows, key=lambda row: row[0].number)

    def member_outages(self, member_id: int) -> list[Outage]:
        return sorted((self.outages[i] for i in self.touched.get(member_id, ())), key=lambda o: (o.start, o.pk))


def provider_members(*, user: Any) -> QuerySet[Organization]:
    """The members whose report the user may open (staff: every member with a subscription)."""
    members = Organization.objects.filter(subscriptions__isnull=False).distinct().order_by("name")
    if not user.has_perm("availability.view_outage"):
        return members.none()
    if user_sees_all(user):
        return members
    organization_id = getattr(user, "organization_id", None)
    return members.filter(pk=organization_id) if organization_id is not None else members.none()


def availability_report(
    *,
    user: Any,
    year: int,
    as_of: dt.datetime,
    member_ids: Collection[int] | None = None,
) -> Report:
    """The figures of `year` for the members the user may see (or those of `member_ids` among them)."""
    allowed = provider_members(user=user)
    if member_ids is not None:
        allowed = allowed.filter(pk__in=list(member_ids))
    return _report(
        year=year,
        as_of=as_of,
        members=allowed,
        commitments=commitment_list(user=user),
        outages=outage_list(user=user, year=year),
    )


def provider_report(
    *, provider_id: int, year: int, as_of: dt.datetime, member_id: int | None = None, product_id: int | None = None
) -> Report:
    """The figures of one provider's commitments for the controlling app (core.kpi): no user, the controlling
    app decides who sees the KPI."""
    members = Organization.objects.filter(subscriptions__isnull=False).distinct()
    if member_id is not None:
        members = members.filter(pk=member_id)
    commitments = Commitment.objects.filter(provider_id=provider_id).select_related("product", "member")
    if product_id is not None:
        commitments = commitments.filter(product_id=product_id)
    outages = Outage.objects.filter(provider_id=provider_id).prefetch_related("products", "members")
    start = dt.datetime(year, 1, 1, tzinfo=dt.UTC) - dt.timedelta(days=1)
    end = dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=1)
    outages = outages.filter(start__lt=end).filter(Q(end__isnull=True) | Q(end__gt=start))
    return _report(year=year, as_of=as_of, members=members, commitments=commitments, outages=outages)


def system_report(*, year: int, as_of: dt.datetime, member_ids: Collection[int] | None = None) -> Report:
    """Every member's figures without a user (the CLI `availability-report`, run by an operator)."""
    members = Organization.objects.filter(subscriptions__isnull=False).distinct()
    if member_ids is not None:
        members = members.filter(pk__in=list(member_ids))
    start = dt.datetime(year, 1, 1, tzinfo=dt.UTC) - dt.timedelta(days=1)
    end = dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=1)
    outages = Outage.objects.prefetch_related("products", "members").filter(start__lt=end)
    outages = outages.filter(Q(end__isnull=True) | Q(end__gt=start))
    return _report(
        year=year,
        as_of=as_of,
        members=members,
        commitments=Commitment.objects.select_related("product", "member"),
        outages=outages,
    )


def committed_product_ids(*, provider_id: int, until: dt.date) -> list[int]:
    """The products the provider has committed a service level for, from a date up to `until` (one query)."""
    rows = Commitment.objects.filter(provider_id=provider_id, valid_from__lte=until)
    return sorted(set(rows.values_list("product_id", flat=True)))


def provider_has_commitments(provider_id: int) -> bool:
    return Commitment.objects.filter(provider_id=provider_id).exists()


def _report(
    *,
    year: int,
    as_of: dt.datetime,
    members: QuerySet[Organization],
    commitments: QuerySet[Commitment],
    outages: QuerySet[Outage],
) -> Report:
    member_map = {m.pk: m for m in members}
    commitment_rows = list(commitments.filter(valid_from__lte=dt.date(year, 12, 31)).order_by("valid_from", "pk"))
    by_id = {c.pk: c for c in commitment_rows}
    rows = [CommitmentRow(c.product_id, c.member_id, c.valid_from, engine_commitment(c), c.pk) for c in commitment_rows]
    products_wanted = {c.product_id for c in commitment_rows}
    pairs = set(
        subscriptions_in_year(member_ids=list(member_map), product_ids=products_wanted, year=year)
        .values_list("member_id", "product_id")
        .distinct()
    )
    outage_map = {o.pk: o for o in outages.filter(products__in=products_wanted).distinct()}
    facts = []
    for outage in outage_map.values():
        member_set = frozenset(m.pk for m in outage.members.all())
        product_set = frozenset(p.pk for p in outage.products.all())
        facts.append(OutageFacts(incident_of(outage, not member_set), product_set, member_set))
    cells = assemble(year=year, commitments=rows, subscriptions=pairs, outages=facts)
    results = compute_many(year=year, cells=cells, holidays=nrw_holidays(year), as_of=as_of)
    touched: dict[int, set[int]] = {}
    for (member_id, _product_id), cell in cells.items():
        touched.setdefault(member_id, set()).update(int(i.key) for i in (*cell.incidents, *cell.extra))
    products = {p.pk: p for p in Product.objects.filter(pk__in={p for _m, p in cells})}
    return Report(
        year=year,
        as_of=as_of,
        members=member_map,
        products=products,
        results=results,
        commitments={key: by_id[cell.row_id] for key, cell in cells.items()},
        cells=cells,
        outages=outage_map,
        touched={m: sorted(ids) for m, ids in touched.items()},
    )
