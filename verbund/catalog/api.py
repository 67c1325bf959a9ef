import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from verbund.catalog import selectors
from verbund.catalog.choices import Category, ProductStatus
from verbund.catalog.engine.pricing import MESSAGES as PRICING_MESSAGES
from verbund.catalog.engine.pricing import PricingError
from verbund.catalog.models import PriceRevision, Product
from verbund.core.api_types import BoundedLimitOffsetPagination, Day, Id, Year
from verbund.core.explain import render_steps
from verbund.registry.models import Organization

router = Router(tags=["catalogue"])


class PriceOut(Schema):
    id: int
    valid_from: dt.date
    unit_price: Decimal
    vat_treatment: str
    vat_rate: Decimal
    vat_exemption_reason: str
    status: str


class ProductOut(Schema):
    id: int
    number: str
    name: str
    name_en: str
    family_id: int
    variant_of_id: int | None
    category: str
    unit: str
    status: str
    in_standard_package: bool
    origin_provider_id: int | None
    notice_period_months: int
    sla_service_hours: str
    sla_target_availability: Decimal | None
    sla_support_hours: str


class ProductDetailOut(ProductOut):
    description: str
    description_en: str
    prices: list[PriceOut]

    @staticmethod
    def resolve_prices(obj: Product, context: dict[str, Any]) -> list[PriceRevision]:
        """Members see approved prices only (access layer); staff also see drafts."""
        return list(PriceRevision.objects.restrict(context["request"].user).filter(product=obj))


class ProductFilter(Schema):
    category: Category | None = None
    status: ProductStatus | None = None
    q: str | None = Field(None, max_length=100)


class YearPriceOut(Schema):
    product_id: int
    number: str
    name: str
    unit: str
    unit_price: Decimal | None
    vat_rate: Decimal | None
    vat_treatment: str | None
    valid_from: dt.date | None


class PreviewOut(Schema):
    product_id: int
    quantity: Decimal
    unit_price: Decimal
    net: Decimal
    vat: Decimal
    gross: Decimal
    recurring: bool
    price_valid_from: dt.date
    trace: list[str]


@router.get("/catalog/products", response=list[ProductOut], summary="Catalogue products")
@paginate(BoundedLimitOffsetPagination)
def products_list(request: HttpRequest, filters: Query[ProductFilter]):  # type: ignore[no-untyped-def]
    """Members see active products (and those they subscribe to); provider staff see all."""
    return selectors.product_list(user=request.user, category=filters.category, q=filters.q, status=filters.status)


@router.get("/catalog/products/{product_id}", response=ProductDetailOut, summary="One product with its prices")
def products_get(request: HttpRequest, product_id: Id):  # type: ignore[no-untyped-def]
    return selectors.product_get_for_user(user=request.user, product_id=product_id)


@router.get("/catalog/prices", response=list[YearPriceOut], summary="Prices of all active products for a year")
def prices_for_year(request: HttpRequest, year: Year, provider_id: Id | None = None):  # type: ignore[no-untyped-def]
    """With `provider_id`, only the products of that provider's catalogues (several providers side by side)."""
    rows = selectors.prices_for_year(user=request.user, year=year, provider_id=provider_id)
    return [
        YearPriceOut(
            product_id=p.pk,
            number=p.number,
            name=p.name,
            unit=p.unit,
            unit_price=r.unit_price if r else None,
            vat_rate=r.vat_rate if r else None,
            vat_treatment=r.vat_treatment if r else None,
            valid_from=r.valid_from if r else None,
        )
        for p, r in rows
    ]


@router.get("/catalog/products/{product_id}/preview", response=PreviewOut, summary="Fee preview for a quantity")
def product_preview(  # type: ignore[no-untyped-def]
    request: HttpRequest,
    product_id: Id,
    member_id: Id,
    on: Day | None = None,
    quantity: Decimal | None = Query(None, gt=0, max_digits=14, decimal_places=2),
):
    product = selectors.product_get_for_user(user=request.user, product_id=product_id)
    member = get_object_or_404(Organization.objects.restrict(request.user), pk=member_id)
    day = on or timezone.localdate()
    revision = selectors.approved_price_on(product=product, on=day)
    if revision is None:
        raise HttpError(422, f"{product.number} has no approved price on {day.isoformat()}")
    try:
        preview = selectors.fee_preview(product=product, revision=revision, member=member, quantity=quantity)
    except PricingError as exc:
        raise HttpError(422, f"{exc.field}: {exc}") from exc
    return PreviewOut(
        product_id=product.pk,
        quantity=preview.quantity,
        unit_price=preview.unit_price,
        net=preview.net,
        vat=preview.vat,
        gross=preview.gross,
        recurring=preview.recurring,
        price_valid_from=revision.valid_from,
        trace=[line.text for line in render_steps(preview.trace, PRICING_MESSAGES)],
    )
