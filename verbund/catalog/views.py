from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from verbund.catalog import selectors
from verbund.catalog.choices import Category, ProductStatus
from verbund.catalog.models import PriceRevision
from verbund.core.audit import audit_events_for


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    """The catalogue browser: active products with the prices valid for the chosen year."""
    year = _year(request)
    category = request.GET.get("category", "")
    category = category if category in Category.values else ""
    q = request.GET.get("q", "").strip()[:100]
    rows = selectors.prices_for_year(user=request.user, year=year)
    if category:
        rows = [(p, r) for p, r in rows if p.category == category]
    if q:
        needle = q.lower()
        rows = [
            (p, r)
            for p, r in rows
            if needle in p.name.lower()
            or needle in p.name_en.lower()
            or needle == p.number.lower()
            or needle in p.description.lower()
        ]
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "year": year,
        "years": range(year - 2, year + 3),
        "category": category,
        "q": q,
        "categories": Category.choices,
    }
    template = "catalog/_catalogue_results.html" if getattr(request, "htmx", False) else "catalog/catalogue.html"
    return render(request, template, context)


@login_required
def product_detail(request: HttpRequest, product_id: int) -> HttpResponse:
    product = selectors.product_get_for_user(user=request.user, product_id=product_id)
    prices = PriceRevision.objects.restrict(request.user).filter(product=product).select_related("catalogue_version")
    today = timezone.localdate()
    return render(
        request,
        "catalog/product_detail.html",
        {
            "product": product,
            "prices": prices,
            "current_price": selectors.approved_price_on(product=product, on=today),
            "variants": product.variants.filter(status=ProductStatus.ACTIVE),
            "events": audit_events_for(product)[:30] if request.user.has_perm("catalog.change_product") else [],
        },
    )


@login_required
def version_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "catalog/version_list.html", {"versions": selectors.catalogue_version_list(user=request.user)}
    )


@login_required
def version_detail(request: HttpRequest, version_id: int) -> HttpResponse:
    version = selectors.catalogue_version_get_for_user(user=request.user, version_id=version_id)
    items = version.items.select_related("product", "price_revision").order_by("product__number")
    return render(
        request,
        "catalog/version_detail.html",
        {"version": version, "items": items, "events": audit_events_for(version)[:30]},
    )
