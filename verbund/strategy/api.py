"""REST API of the digitalisation strategy (/api/v1/strategy/...): a municipality's inventory (list, one entry,
set one entry), its potential, and the coverage per Themenfeld across the members.

Reads go through the access layer: a member contact opens its own municipality only (another one is 404, as on
the pages, ADR 0022), and reads the inventory rows `InventoryEntry.objects.restrict` gives it; provider staff
open every municipality whose strategy they may read. The coverage across members is for provider staff only
(403 for a member contact). The write checks the change permission first (403 for a read-only role), then loads
the municipality (404), and leaves the rules to `services.inventory_entry_save`, whose refusals become 422
naming the field (ADR 0023).
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from verbund.catalog.models import Product
from verbund.core.access import Action, require_permission, user_sees_all
from verbund.core.api_types import BoundedLimitOffsetPagination, Day, Id
from verbund.core.explain import render_steps
from verbund.strategy import selectors, services
from verbund.strategy.choices import MaturityModelVersion, SolutionKind
from verbund.strategy.engine.maturity import MESSAGES as MATURITY_MESSAGES
from verbund.strategy.engine.maturity import MODELS, overall_level
from verbund.strategy.models import InventoryEntry, LeikaService

router = Router(tags=["strategy"])

Criterion = Annotated[str, Field(max_length=40, description="criterion code of the model, e.g. payment")]
Level = Annotated[int, Field(ge=0, le=7, description="level of the criterion (model 2020: 0–4, 2025: 0–7)")]


# ---------------------------------------------------------------- schemas


class EntryOut(Schema):
    organization_id: int
    leika_id: int
    leika_key: str = Field(..., description="14-digit LeiKa key; empty for services the LeiKa does not list")
    leika_name: str
    ozg_id: str | None
    online: bool
    described: bool
    solution_kind: str
    product_id: int | None
    solution_name: str
    url: str
    online_since: dt.date | None
    level_2020: int | None = Field(..., description="overall level of maturity model 1.1 (lowest criterion)")
    level_2025: int | None = Field(..., description="overall level of maturity model 2.0 (lowest criterion)")
    source: str
    modified: dt.datetime

    @staticmethod
    def resolve_leika_key(obj: InventoryEntry) -> str:
        return obj.leika.key

    @staticmethod
    def resolve_leika_name(obj: InventoryEntry) -> str:
        return obj.leika.name

    @staticmethod
    def resolve_ozg_id(obj: InventoryEntry) -> str | None:
        return obj.leika.ozg.ozg_id if obj.leika.ozg is not None else None


class EntryDetailOut(EntryOut):
    scores: dict[str, dict[str, int]] = Field(..., description="model version → criterion → level")
    explanation: list[str] = Field(..., description="how the overall levels follow from the criteria")

    @staticmethod
    def resolve_scores(obj: InventoryEntry) -> dict[str, dict[str, int]]:
        scores: dict[str, dict[str, int]] = {}
        for score in obj.scores.all():
            scores.setdefault(score.model_version, {})[score.criterion] = score.level
        return scores

    @staticmethod
    def resolve_explanation(obj: InventoryEntry) -> list[str]:
        lines = []
        for version, levels in EntryDetailOut.resolve_scores(obj).items():
            lines += render_steps(overall_level(MODELS[version], levels).trace, MATURITY_MESSAGES)
        return [line.text for line in lines]


class EntryIn(Schema):
    online: bool
    described: bool = Field(False, description="described in the portal (always true for a service online)")
    solution_kind: SolutionKind = SolutionKind.NONE
    product_id: Id | None = Field(None, description="the catalogue product, for solution_kind catalogue")
    solution_name: str = Field("", max_length=200)
    url: str = Field("", max_length=500, description="http:// or https:// address of the online service")
    online_since: Day | None = None
    scores: dict[MaturityModelVersion, dict[Criterion, Level]] | None = Field(
        None,
        description="model version → criterion → level, every criterion of a model or none; replaces the stored "
        "scores of each model given (an empty model clears them), leaves the others (omit to keep every score)",
    )


class OfferOut(Schema):
    product_id: int
    product_number: str
    product_name: str
    unit_price: Decimal | None = Field(..., description="approved unit price today (EUR), if any")


class PotentialOut(Schema):
    leika_id: int
    leika_key: str
    leika_name: str
    ozg_id: str | None
    kind: str = Field(..., description="catalogue (a product of the provider), efa (an EfA service) or others")
    efa: bool
    others_online: int = Field(..., description="other municipalities that offer the service online")
    offers: list[OfferOut]


class ThemenfeldCoverageOut(Schema):
    slug: str
    name: str
    in_scope: int = Field(..., description="services in scope of the Themenfeld, per member")
    online: int = Field(..., description="services in scope online, summed over the members")
    share: Decimal = Field(..., description="online / (members × in scope), percent")


class CoverageOut(Schema):
    members: int
    themenfelder: list[ThemenfeldCoverageOut]


# ---------------------------------------------------------------- helpers


_FIELDS = {"product": "product_id"}  # the service's names of the fields where the API's differ


def _entry_data(request: HttpRequest, payload: EntryIn) -> services.EntryData:
    """The payload as the service takes it; what only the API can check (the product the caller may see, the
    address) is refused here, naming the field."""
    errors: dict[str, list[str]] = {}
    product = None
    if payload.product_id is not None:
        products = Product.objects.restrict(request.user).filter(status="active")
        product = products.filter(pk=payload.product_id).first()
        if product is None:
            errors["product_id"] = [_("No active product of the catalogue has this id.")]
    if payload.url:
        try:
            URLValidator(schemes=["http", "https"])(payload.url)
        except ValidationError:
            errors["url"] = [_("Give an address that starts with http:// or https://.")]
    if errors:
        raise ValidationError(errors)
    scores = None
    if payload.scores is not None:
        scores = {str(version): dict(levels) for version, levels in payload.scores.items()}
    return services.EntryData(
        online=payload.online,
        described=payload.described,
        solution_kind=payload.solution_kind,
        product=product,
        solution_name=payload.solution_name.strip(),
        url=payload.url.strip(),
        online_since=payload.online_since,
        scores=scores,
    )


# ---------------------------------------------------------------- operations


@router.get(
    "/municipalities/{organization_id}/inventory",
    response=list[EntryOut],
    summary="A municipality's inventory: per LeiKa service online or not, solution, maturity levels",
)
@paginate(BoundedLimitOffsetPagination)
def strategy_inventory_list(request: HttpRequest, organization_id: Id, online: bool | None = None) -> Any:
    organization = selectors.strategy_organization(user=request.user, organization_id=organization_id)
    entries = selectors.inventory_for_user(user=request.user, organization=organization)
    return entries.filter(online=online) if online is not None else entries


@router.get(
    "/municipalities/{organization_id}/inventory/{leika_id}",
    response=EntryDetailOut,
    summary="One inventory entry with its maturity scores per criterion and how the levels follow",
)
def strategy_inventory_get(request: HttpRequest, organization_id: Id, leika_id: Id) -> Any:
    organization = selectors.strategy_organization(user=request.user, organization_id=organization_id)
    return selectors.inventory_entry_for_user(user=request.user, organization=organization, leika_id=leika_id)


@router.put(
    "/municipalities/{organization_id}/inventory/{leika_id}",
    response=EntryDetailOut,
    summary="Set the inventory entry of one LeiKa service (created if there is none)",
)
def strategy_inventory_set(request: HttpRequest, organization_id: Id, leika_id: Id, payload: EntryIn) -> Any:
    organization = selectors.strategy_organization(
        user=request.user, organization_id=organization_id, action=Action.CHANGE
    )
    leika = get_object_or_404(LeikaService.objects.restrict(request.user), pk=leika_id)
    data = _entry_data(request, payload)
    try:
        services.inventory_entry_save(actor=request.user, organization=organization, leika=leika, data=data)
    except ValidationError as exc:
        raise ValidationError({_FIELDS.get(name, name): errors for name, errors in exc.message_dict.items()}) from exc
    return selectors.inventory_entry_for_user(user=request.user, organization=organization, leika_id=leika.pk)


@router.get(
    "/municipalities/{organization_id}/potential",
    response=list[PotentialOut],
    summary="Services in scope not online here for which a solution exists (catalogue, EfA, other members)",
)
def strategy_potential(
    request: HttpRequest, organization_id: Id, limit: int = Query(300, ge=1, le=1000, description="at most")
) -> Any:
    organization = selectors.strategy_organization(user=request.user, organization_id=organization_id)
    lines = selectors.potential_lines(organization, as_of=timezone.localdate(), limit=limit)
    return [
        PotentialOut(
            leika_id=line.service.pk,
            leika_key=line.service.key,
            leika_name=line.service.name,
            ozg_id=line.service.ozg.ozg_id if line.service.ozg is not None else None,
            kind=line.row.kind,
            efa=line.row.efa,
            others_online=line.row.others_online,
            offers=[
                OfferOut(
                    product_id=offer.product.pk,
                    product_number=offer.product.number,
                    product_name=offer.product.name,
                    unit_price=offer.price.unit_price if offer.price is not None else None,
                )
                for offer in line.offers
            ],
        )
        for line in lines
    ]


@router.get(
    "/coverage",
    response=CoverageOut,
    summary="Coverage per Themenfeld across the members: services in scope online (provider staff only)",
)
def strategy_coverage(request: HttpRequest) -> Any:
    require_permission(request.user, "strategy.view_inventoryentry")
    if not user_sees_all(request.user):
        raise HttpError(403, "You are not allowed to do this.")
    result = selectors.themenfeld_coverage(user=request.user)
    return CoverageOut(
        members=result.members,
        themenfelder=[
            ThemenfeldCoverageOut(
                slug=row.themenfeld.slug,
                name=row.themenfeld.name,
                in_scope=row.in_scope,
                online=row.online,
                share=row.share,
            )
            for row in result.themen
        ],
    )
