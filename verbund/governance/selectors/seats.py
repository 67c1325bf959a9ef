"""Who the user is in the committees: their seats, whether a governance page opens for them, whether they see
non-public items."""

from typing import Any

from django.db.models import QuerySet

from verbund.core.access import Action, permission_name, user_sees_all
from verbund.governance.models import (
    Committee,
    Membership,
    Person,
)


def seats_of(user: Any) -> QuerySet[Membership]:
    """The user's own seats (live seats of the live person linked to the login), any committee, any role."""
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    return Membership.objects.alive().filter(person__user=user, person__deleted=False)


def may_view(user: Any, permission: str) -> bool:
    """May the user open a governance page at all: the role's view permission, or a seat in some committee.
    Which rows the page then shows is the access layer's business (`restrict(user, relations=True)`)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.has_perm(permission)) or seats_of(user).exists()


def sees_internal(user: Any, committee: Committee | None = None) -> bool:
    """May the user see non-public agenda items (of this committee)?"""
    if not getattr(user, "is_authenticated", False):
        return False
    if user_sees_all(user):
        return True
    seats = seats_of(user)
    if committee is not None:
        seats = seats.filter(committee=committee)
    return seats.exists()


def shows_internal(user: Any, model: type[Any], seats: bool, committee: Committee | None = None) -> bool:
    """`sees_internal` for rows read through `restrict(user, relations=seats)`: rows a user without the view
    permission gets through seats belong to the committees of those seats, so they include the non-public items
    (no query needed)."""
    if seats and not user.has_perm(permission_name(model, Action.VIEW)):
        return True
    return sees_internal(user, committee)


def person_for_user(user: Any) -> Person | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.alive().filter(user=user).first()
