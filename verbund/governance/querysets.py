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


class SeatScoped:
    """The governance part of the access layer (`restrict(user, relations=True)`, ADR 0029): a user without the
    role's view permission who holds a seat in a committee sees that committee's business. A model names the path
    from a row to its committee (`seat_committee_path`) or, for papers, to the body whose committees discuss it
    (`seat_body_path`)."""

    seat_committee_path: ClassVar[str] = ""
    seat_body_path: ClassVar[str] = ""

    @classmethod
    def access_relation_filter(cls, user: Any) -> Q | None:
        if cls.seat_committee_path:
            return Q(**{f"{cls.seat_committee_path}__in": seat_committee_ids(user)})
        if cls.seat_body_path:
            from verbund.governance.models import Committee

            bodies = Committee.objects.filter(pk__in=seat_committee_ids(user)).values("body_id")
            return Q(**{f"{cls.seat_body_path}__in": bodies})
        return None
