"""Papers and decisions: the lists, one paper with its consultations, the register of decisions."""

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from verbund.governance.models import (
    AgendaItem,
    Decision,
    Paper,
)
from verbund.governance.selectors.seats import shows_internal
from verbund.registry.models import Organization


def paper_list(*, user: Any, q: str | None = None, seats: bool = False) -> QuerySet[Paper]:
    queryset = Paper.objects.restrict(user, relations=seats).alive().select_related("body")
    if not shows_internal(user, Paper, seats):
        queryset = queryset.filter(public=True)
    if q and q.strip():
        term = q.strip()
        queryset = queryset.filter(Q(name__icontains=term) | Q(reference__icontains=term) | Q(text__icontains=term))
    return queryset.order_by("-date", "-id")


def paper_get_for_user(*, user: Any, paper_id: int, seats: bool = False) -> Paper:
    consultations = AgendaItem.objects.restrict(user, relations=seats).alive()
    paper = get_object_or_404(
        Paper.objects.restrict(user, relations=seats)
        .alive()
        .select_related("body")
        .prefetch_related(
            Prefetch("agenda_items", queryset=consultations.select_related("meeting__committee", "decision"))
        ),
        pk=paper_id,
    )
    if not paper.public and not shows_internal(user, Paper, seats):
        raise Http404
    return paper


def paper_bodies(*, user: Any) -> list[Organization]:
    """The bodies a new paper may belong to: organisations the user sees that have a live committee."""
    return list(Organization.objects.restrict(user).filter(committees__deleted=False).distinct().order_by("name"))


def papers_of_body(*, user: Any, body_id: int) -> list[Paper]:
    """The papers a meeting of this body may put on its agenda."""
    return list(Paper.objects.restrict(user).alive().filter(body_id=body_id).order_by("-date", "-id"))


def decision_of(item: AgendaItem) -> Decision | None:
    """The decision recorded on the item, or None (reads the `select_related("decision")` cache when there)."""
    try:
        return item.decision
    except Decision.DoesNotExist:
        return None


def decision_register(
    *,
    user: Any,
    q: str | None = None,
    committee_id: int | None = None,
    year: int | None = None,
    seats: bool = False,
) -> QuerySet[Decision]:
    """Every recorded decision the user may see, newest first, searchable by number, title and text."""
    queryset = Decision.objects.restrict(user, relations=seats).select_related(
        "agenda_item__meeting__committee", "agenda_item__paper", "amends", "repeals"
    )
    if not shows_internal(user, Decision, seats):
        queryset = queryset.filter(agenda_item__public=True)
    if committee_id:
        queryset = queryset.filter(agenda_item__meeting__committee_id=committee_id)
    if year:
        queryset = queryset.filter(decided_on__year=year)
    if q and q.strip():
        term = q.strip()
        queryset = queryset.filter(
            Q(number__icontains=term)
            | Q(agenda_item__name__icontains=term)
            | Q(resolution_text__icontains=term)
            | Q(agenda_item__paper__reference__icontains=term)
        )
    return queryset.order_by("-decided_on", "-id")


def decision_years(*, user: Any, seats: bool = False) -> list[int]:
    """The years with a decision the user may see, newest first (the register's year filter)."""
    days = Decision.objects.restrict(user, relations=seats).dates("decided_on", "year")
    return sorted({day.year for day in days}, reverse=True)
