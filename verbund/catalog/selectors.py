"""Reads for the catalogue, through the access layer."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from verbund.catalog.choices import ProductStatus, RevisionStatus
from verbund.catalog.engine.pricing import LineInput, LinePreview, line_preview
from verbund.catalog.models import CatalogueVersion, CatalogueVersionItem, PriceRevision, Product
from verbund.core.access import Action


def product_list(
    *, user: Any, category: str | None = None, q: str | None = None, status: str | None = None
) -> QuerySet[Product]:
    queryset: QuerySet[Product] = Product.objects.restrict(user, Action.VIEW).select_related("family")
    if category:
        queryset = queryset.filter(category=category)
    if status:
        queryset = queryset.filter(status=status)
    if q and q.strip():
        term = q.strip()
        queryset = queryset.filter(
            Q(name__icontains=term)
            | Q(name_en__icontains=term)
            | Q(number__iexact=term)
            | Q(description__icontains=term)
        )
    return queryset.distinct().order_by("number")


def product_get_for_user(*, user: Any, product_id: int, action: str = Action.VIEW) -> Product:
    return get_object_or_404(
        Product.objects.restrict(user, action)
        .select_related("family", "origin_provider", "product_manager", "variant_of")
        .distinct(),
        pk=product_id,
    )


def approved_price_on(*, product: Product, on: dt.date) -> PriceRevision | None:
    """The approved price in force on a date: latest valid_from, newest approval wins (corrections)."""
    return (
        PriceRevision.objects.filter(product=product, status=RevisionStatus.APPROVED, valid_from__lte=on)
        .order_by("-valid_from", "-approved_at", "-id")
        .first()
    )


def fee_preview(*, product: Product, revision: PriceRevision, member: Any, quantity: Decimal | None) -> LinePreview:
    """The fee of `quantity` of `product` for `member` at `revision`'s price (the pricing engine's input built in
    one place for the order form's preview, the preview API and order submission). Raises `PricingError`."""
    return line_preview(
        LineInput(
            unit=product.unit,
            unit_price=revision.unit_price,
            vat_rate=revision.vat_rate,
            entered_quantity=quantity,
            population=member.population,
        )
    )


def year_reference_date(year: int, product: Product | None = None) -> dt.date:
    """The date whose price counts as "the price of the year": 1 January (or the first price start in it)."""
    start = dt.date(year, 1, 1)
    if product is not None and approved_price_on(product=product, on=start) is None:
        first = (
            PriceRevision.objects.filter(product=product, status=RevisionStatus.APPROVED, valid_from__year=year)
            .order_by("valid_from")
            .first()
        )
        if first is not None:
            return first.valid_from
    return start


def prices_for_year(
    *, user: Any, year: int, provider_id: int | None = None
) -> list[tuple[Product, PriceRevision | None]]:
    """Every visible active product with the approved price in force on 1 January of `year` (2 queries); with
    `provider_id` only the products of that provider's catalogues (as its billing runs take them)."""
    end = dt.date(year, 12, 31)
    revisions = PriceRevision.objects.filter(status=RevisionStatus.APPROVED, valid_from__lte=end).order_by(
        "-valid_from", "-approved_at", "-id"
    )
    products = product_list(user=user, status=ProductStatus.ACTIVE).prefetch_related(
        Prefetch("price_revisions", queryset=revisions, to_attr="approved_revisions")
    )
    if provider_id is not None:
        products = products.filter(
            pk__in=CatalogueVersionItem.objects.filter(version__provider_id=provider_id).values("product_id")
        )
    result: list[tuple[Product, PriceRevision | None]] = []
    start = dt.date(year, 1, 1)
    for product in products:
        in_force = [r for r in product.approved_revisions if r.valid_from <= start]
        chosen = in_force[0] if in_force else (product.approved_revisions[-1] if product.approved_revisions else None)
        result.append((product, chosen))
    return result


def catalogue_version_list(*, user: Any) -> QuerySet[CatalogueVersion]:
    return CatalogueVersion.objects.restrict(user).select_related("provider")


def catalogue_version_get_for_user(*, user: Any, version_id: int) -> CatalogueVersion:
    return get_object_or_404(catalogue_version_list(user=user), pk=version_id)


def product_provider_ids(*, product: Product, year: int) -> list[int]:
    """The providers whose catalogue of `year` lists the product, or else the catalogue of its latest year:
    who provides it, and so whose agreement a member must be a party of to order it (orders, ADR 0043)."""
    versions = CatalogueVersion.objects.filter(items__product=product)
    found = list(versions.filter(year=year).values_list("provider_id", flat=True).distinct())
    if not found:
        latest = versions.order_by("-year").values_list("year", flat=True).first()
        if latest is None:
            return []
        found = list(versions.filter(year=latest).values_list("provider_id", flat=True).distinct())
    return sorted(found)


def catalogue_providers() -> list[tuple[int, str]]:
    """(id, name) of every provider with a catalogue, for the provider filter of the catalogue (1 query)."""
    rows = CatalogueVersion.objects.values_list("provider_id", "provider__short_name", "provider__name").distinct()
    return sorted({(pk, short or name) for pk, short, name in rows}, key=lambda row: row[1].lower())


def provider_names_by_product(product_ids: list[int]) -> dict[int, str]:
    """The providers whose catalogues list each product, as one text ("citeq", "KAAW, citeq"; 1 query)."""
    names: dict[int, set[str]] = {}
    rows = CatalogueVersionItem.objects.filter(product_id__in=product_ids).values_list(
        "product_id", "version__provider__short_name", "version__provider__name"
    )
    for product_id, short, name in rows:
        names.setdefault(product_id, set()).add(short or name)
    return {product_id: ", ".join(sorted(found)) for product_id, found in names.items()}
