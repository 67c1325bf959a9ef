"""The governance querysets and the seat rule of the access layer (ADR 0029), used by `governance.models`.

`PublishedQuerySet.alive()` leaves out soft-deleted rows. `SeatScoped` gives the governance models the
`access_relation_filter` that `core.access.restrict(user, relations=True)` applies to a user without the role's
view permission: the business of the committees in which the user holds a seat.
"""

from typing import Any, ClassVar, Self, TypeVar

from django.db import models
from django.db.models import Q

from verbund.core.access import RestrictedQuerySet

_P = TypeVar("_P", bound=models.Model)


class PublishedQuerySet(RestrictedQuerySet[_P]):
    def alive(self) -> Self:
        """The rows that are not soft-deleted: what every page, list and API read starts from (OParl alone also
        shows deleted objects, as `deleted: true`)."""
        return self.filter(deleted=False)


def seat_committee_ids(user: Any) -> "models.QuerySet[Any]":
    """The committees in which the user holds a seat (a live seat of a live person linked to the login), as a
    subquery: the seat rule of the governance pages (ADR 0029)."""
    from verbund.governance.models import Membership

    return Membership.objects.alive().filter(person__user=user, person__deleted=False).values("committee_id")


def seat_paper_ids(user: Any) -> "models.QuerySet[Any]":
    """The papers a seat holder sees, as a subquery: the public papers of the bodies of the user's seat committees,
    and any paper (a non-public one too) that one of those committees consults, i.e. that is on a live agenda item
    of a live meeting of the committee. A non-public paper consulted only in other committees of the same body
    stays hidden (issue #11)."""
    from verbund.governance.models import AgendaItem, Committee, Paper

    seats = seat_committee_ids(user)
    consulted = AgendaItem.objects.alive().filter(
        meeting__committee__in=seats, meeting__deleted=False, paper__isnull=False
    )
    bodies = Committee.objects.filter(pk__in=seats).values("body_id")
    return Paper.objects.filter(Q(pk__in=consulted.values("paper_id")) | Q(public=True, body__in=bodies)).values("pk")


class SeatScoped:
    """The governance part of the access layer (`restrict(user, relations=True)`, ADR 0029): a user without the
    role's view permission who holds a seat in a committee sees that committee's business. A model names the path
    from a row to its committee (`seat_committee_path`) or, for papers and their attachments, to the paper
    (`seat_paper_path`: the paper itself is "pk"), which the seat holder sees by `seat_paper_ids`."""

    seat_committee_path: ClassVar[str] = ""
    seat_paper_path: ClassVar[str] = ""

    @classmethod
    def access_relation_filter(cls, user: Any) -> Q | None:
        if cls.seat_committee_path:
            return Q(**{f"{cls.seat_committee_path}__in": seat_committee_ids(user)})
        if cls.seat_paper_path:
            return Q(**{f"{cls.seat_paper_path}__in": seat_paper_ids(user)})
        return None
