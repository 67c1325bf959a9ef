"""The one access layer: which rows a user may see or change.

`Model.objects.restrict(user, action)` returns only the rows the user may act on. The rule:
1. Anonymous or inactive users get nothing.
2. The user's role must grant the permission `<app>.<action>_<model>` (see `accounts.roles`).
3. Users whose role has the "all organisations" scope (provider staff, auditors, committee members) get every row.
4. Everybody else (a member contact) gets only rows owned by their organisation: the model names the paths from
   the row to its owning organisation in `access_owner_paths`, or, for shared data such as the catalogue, a
   classmethod `access_member_filter(organization_id) -> Q`; a model with neither is invisible to members.
   A member sees its own rows and its own offices' rows, never another member's, even one below it in the
   official hierarchy (a district does not see its municipalities; ADR 0022).
5. Where the caller asks for it (`restrict(user, VIEW, relations=True)`), a user whose role lacks the view
   permission still sees the rows they hold a relation to, as the model names it in the classmethod
   `access_relation_filter(user) -> Q | None`: a seat in a committee shows that committee's business on the
   governance pages (ADR 0029). Without that classmethod, or for any other action, rule 2 stands.

Every app's views and API endpoints fetch objects through this layer, never with a raw `.get(pk=...)`.
"""

from collections.abc import Iterable
from enum import StrEnum
from typing import Any, Self, TypeVar

from django.db import models
from django.db.models import Q

_M = TypeVar("_M", bound=models.Model)


class Action(StrEnum):
    VIEW = "view"
    ADD = "add"
    CHANGE = "change"
    DELETE = "delete"


def permission_name(model: type[models.Model], action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def require_permission(user: Any, permission: str) -> None:
    """Refuse (PermissionDenied: 403 on a page and, through the API's handler, in the API) unless the user's role
    grants `permission`. The one check for a write or a page that needs more than seeing its rows."""
    if not user.has_perm(permission):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied


def user_sees_all(user: Any) -> bool:
    """True for superusers and roles with the all-organisations scope."""
    if user.is_superuser:
        return True
    from verbund.accounts.roles import role_sees_all

    return role_sees_all(getattr(user, "role", ""))


def restrict_queryset(
    queryset: "models.QuerySet[_M]",
    user: Any,  # User, AnonymousUser or None
    action: str = Action.VIEW,
    *,
    relations: bool = False,
) -> "models.QuerySet[_M]":
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    model = queryset.model
    if not user.has_perm(permission_name(model, action)):
        relation_filter = getattr(model, "access_relation_filter", None)
        if relations and action == Action.VIEW and relation_filter is not None:
            condition = relation_filter(user)
            return queryset.none() if condition is None else queryset.filter(condition)
        return queryset.none()
    if user_sees_all(user):
        return queryset
    organization_id = getattr(user, "organization_id", None)
    if organization_id is None:
        return queryset.none()
    member_filter = getattr(model, "access_member_filter", None)
    if member_filter is not None:
        return queryset.filter(member_filter(organization_id))
    paths: tuple[str, ...] = getattr(model, "access_owner_paths", ())
    if not paths:
        return queryset.none()
    condition = Q()
    for path in paths:
        condition |= Q(**{path: organization_id})
    filtered = queryset.filter(condition)
    if any("__" in path for path in paths):
        filtered = filtered.distinct()
    return filtered


def can(user: Any, action: str, obj: models.Model) -> bool:
    """May `user` perform `action` on this one object? Same rule as `restrict`."""
    manager = type(obj)._default_manager
    return restrict_queryset(manager.all(), user, action).filter(pk=obj.pk).exists()


class RestrictedQuerySet(models.QuerySet[_M]):
    def restrict(self, user: Any, action: str = Action.VIEW, *, relations: bool = False) -> Self:
        return restrict_queryset(self, user, action, relations=relations)  # type: ignore[return-value]


def openable_ids(user: Any, model: type[models.Model], ids: Iterable[Any]) -> set[Any]:
    """Of these objects, the ids whose page the user may open: one query through the access layer, for a list
    that would otherwise ask `may_open` once per row."""
    wanted = {pk for pk in ids if pk is not None}
    if not wanted or user is None or not getattr(user, "is_authenticated", False):
        return set()
    manager: Any = model._default_manager
    return set(manager.restrict(user, Action.VIEW).filter(pk__in=wanted).values_list("pk", flat=True))
