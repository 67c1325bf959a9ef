"""Reads for the registry, always through the access layer."""

import datetime as dt
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from verbund.core.access import Action, user_sees_all
from verbund.registry.filters import OrganizationFilter
from verbund.registry.models import Agreement, AgreementParty, Organization


def organization_list(*, user: Any, filters: OrganizationFilter | None = None) -> QuerySet[Organization]:
    queryset: QuerySet[Organization] = Organization.objects.restrict(user, Action.VIEW).select_related("parent")
    if filters is not None:
        queryset = filters.apply(queryset)
    return queryset.order_by("name", "id")


def organization_get_for_user(*, user: Any, organization_id: int, action: str = Action.VIEW) -> Organization:
    return get_object_or_404(
        Organization.objects.restrict(user, action).select_related("parent__parent__parent"),
        pk=organization_id,
    )


def organization_ancestors(organization: Organization) -> list[Organization]:
    """Parent chain up to the Land (loaded with the object by organization_get_for_user)."""
    chain: list[Organization] = []
    current = organization.parent
    while current is not None and len(chain) < 5:
        chain.append(current)
        current = current.parent
    return chain


def organization_counts_by_kind(*, user: Any) -> dict[str, int]:
    rows = Organization.objects.restrict(user).values("kind").annotate(n=Count("id")).order_by()
    return {row["kind"]: row["n"] for row in rows}


def organization_parties(*, user: Any, organization: Organization) -> QuerySet[AgreementParty]:
    return (
        AgreementParty.objects.restrict(user)
        .filter(organization=organization)
        .select_related("agreement")
        .order_by("-joined_on")
    )


def agreement_list(*, user: Any) -> QuerySet[Agreement]:
    """Agreements with the number of current parties the user may see (a member: only its own row)."""
    current = Q(parties__left_on__isnull=True, parties__status="approved")
    if not user_sees_all(user):
        current &= Q(parties__organization_id=getattr(user, "organization_id", None))
    return (
        Agreement.objects.restrict(user)
        .select_related("provider")
        .annotate(party_count=Count("parties", filter=current))
        .order_by("-valid_from", "name")
    )


def agreement_get_for_user(*, user: Any, agreement_id: int, action: str = Action.VIEW) -> Agreement:
    parties = (
        AgreementParty.objects.restrict(user).select_related("organization").order_by("role", "organization__name")
    )
    return get_object_or_404(
        Agreement.objects.restrict(user, action)
        .select_related("provider")
        .prefetch_related(Prefetch("parties", queryset=parties, to_attr="visible_parties")),
        pk=agreement_id,
    )


def agreement_members_on(*, agreement: Agreement, on: dt.date) -> QuerySet[AgreementParty]:
    """Parties in force on a given date (approved, joined on or before, not yet left)."""
    return agreement.parties.filter(status="approved", joined_on__lte=on).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=on)
    )
