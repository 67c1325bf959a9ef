"""Reads of the ownership app for a user: the entities (holding, operating company), their owners at a date,
their agreements and the providers they hold. Every read starts from the access layer."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from verbund.core.access import Action, user_sees_all
from verbund.ownership.choices import ENTITY_KINDS
from verbund.ownership.models import Ownership
from verbund.registry.choices import PROVIDER_KINDS
from verbund.registry.models import Agreement, Organization


def ownership_rows(*, user: Any, action: str = Action.VIEW) -> QuerySet[Ownership]:
    return Ownership.objects.restrict(user, action).select_related("entity", "owner")


def entity_list(*, user: Any) -> QuerySet[Organization]:
    """The holding and the operating company. Staff see every entity; a member contact the entities in which its
    organisation holds (or held) a stake; a user without the permission nothing."""
    if not user.has_perm("ownership.view_ownership"):
        return Organization.objects.none()
    entities = Organization.objects.filter(kind__in=ENTITY_KINDS).select_related("parent")
    if not user_sees_all(user):
        entities = entities.filter(pk__in=Ownership.objects.restrict(user, Action.VIEW).values("entity_id"))
    return entities.order_by("kind", "name")


def entity_get_for_user(*, user: Any, entity_id: int) -> Organization:
    entity = entity_list(user=user).filter(pk=entity_id).first()
    if entity is None:
        raise Http404
    return entity


def owners_on(*, entity: Organization, day: dt.date) -> list[Ownership]:
    """The stakes in `entity` valid on `day`, largest first. The caller has checked that the user sees `entity`
    (its owners are public: the Beteiligungsbericht names them)."""
    return list(
        Ownership.objects.filter(entity=entity, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .select_related("owner")
        .order_by("-share", "owner__name")
    )


def ownership_history(*, entity: Organization) -> list[Ownership]:
    return list(Ownership.objects.filter(entity=entity).select_related("owner").order_by("valid_from", "owner__name"))


def entity_agreements(*, user: Any, entity: Organization) -> list[Agreement]:
    """The agreements in which `entity` is the provider, as far as the user sees them."""
    return list(Agreement.objects.restrict(user, Action.VIEW).filter(provider=entity).order_by("valid_from", "name"))


@dataclass(frozen=True)
class Held:
    organization: Organization
    share: Any  # Decimal, or None for a provider that belongs to the entity without a recorded stake
    board_seats: int | None


def entity_holdings(*, entity: Organization, day: dt.date) -> list[Held]:
    """What `entity` holds on `day`: its stakes in other entities (the holding in its operating company) and the
    providers that belong to it (registry parent)."""
    stakes = (
        Ownership.objects.filter(owner=entity, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .select_related("entity")
        .order_by("entity__name")
    )
    held = [Held(row.entity, row.share, row.board_seats) for row in stakes]
    seen = {item.organization.pk for item in held}
    for provider in Organization.objects.filter(parent=entity, kind__in=PROVIDER_KINDS).order_by("name"):
        if provider.pk not in seen:
            held.append(Held(provider, None, None))
    return held


def provider_entities() -> QuerySet[Organization]:
    """Every organisation of a provider kind (the one definition: registry.choices.PROVIDER_KINDS)."""
    return Organization.objects.filter(kind__in=PROVIDER_KINDS).order_by("name")
