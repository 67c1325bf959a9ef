from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from verbund.catalog import selectors, services, spreadsheet
from verbund.catalog.choices import Category, ProductStatus
from verbund.catalog.models import PriceRevision
from verbund.catalog.tasks import CATALOGUE_IMPORT, check_rows
from verbund.core.audit import audit_events_for
from verbund.core.params import query_year
from verbund.jobs.services import job_start
from verbund.jobs.shortcuts import job_redirect


def _year(request: HttpRequest) -> int:
    return query_year(request.GET.get("year")) or timezone.localdate().year


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    """The catalogue browser: active products with the prices valid for the chosen year."""
    year = _year(request)
    category = request.GET.get("category", "")
    category = category if category in Category.values else ""
    q = request.GET.get("q", "").strip()[:100]
    providers = selectors.catalogue_providers()
    provider_id = next((pk for pk, _name in providers if str(pk) == request.GET.get("provider", "")), None)
    rows = selectors.prices_for_year(user=request.user, year=year, provider_id=provider_id)
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
    names = selectors.provider_names_by_product([product.pk for product, _price in page.object_list])
    shown: Any = [(product, price, names.get(product.pk, "")) for product, price in page.object_list]
    page.object_list = shown  # with each product's providers
    context = {
        "page": page,
        "providers": providers,
        "provider": provider_id,
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


# ---------------------------------------------------------------- import / export and version workflow


@login_required
def catalogue_export(request: HttpRequest, file_format: str) -> HttpResponse:
    """The catalogue as CSV or Excel: what the user may see, with the prices of the chosen year."""
    import io

    year = _year(request)
    rows = spreadsheet.export_rows(
        selectors.product_list(user=request.user), year, PriceRevision.objects.restrict(request.user)
    )
    if file_format == "xlsx":
        buffer = io.BytesIO()
        spreadsheet.write_xlsx(rows, buffer)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(buffer.getvalue(), content_type=content_type)
    else:
        text = io.StringIO()
        spreadsheet.write_csv(rows, text)
        response = HttpResponse(text.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="produktkatalog-{year}.{file_format}"'
    return response


@login_required
def catalogue_import(request: HttpRequest) -> HttpResponse:
    """Upload a CSV or Excel file; every row is checked first, nothing is written when any row is wrong."""
    from verbund.catalog.forms import CatalogueImportForm

    if not request.user.has_perm("catalog.add_product"):
        raise PermissionDenied
    form = CatalogueImportForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.name.lower().endswith(".xlsx"):
                rows = spreadsheet.read_xlsx(upload)
            else:
                rows = spreadsheet.read_csv(upload)
            if not form.cleaned_data["dry_run"]:  # the import itself is a background job (ADR 0026)
                check_rows(rows)
                job = job_start(
                    actor=request.user, kind=CATALOGUE_IMPORT, params={"rows": rows}, input_name=upload.name
                )
                return job_redirect(request, job)
            context["result"] = spreadsheet.import_rows(actor=request.user, rows=rows, dry_run=True)
        except spreadsheet.CatalogueImportError as exc:
            context["import_errors"] = exc.errors
    return render(request, "catalog/import.html", context)


@login_required
@require_POST
def version_action(request: HttpRequest, version_id: int, action: str) -> HttpResponse:
    """Compose or propose a draft catalogue version (product managers); record the committee's approval
    (provider administrators, until the governance module records it through a decision)."""
    version = selectors.catalogue_version_get_for_user(user=request.user, version_id=version_id)
    needed = "catalog.approve_catalogueversion" if action == "approve" else "catalog.change_catalogueversion"
    if not request.user.has_perm(needed):
        raise PermissionDenied
    try:
        if action == "compose":
            services.catalogue_version_compose(actor=request.user, version=version)
        elif action == "propose":
            services.catalogue_version_propose(actor=request.user, version=version)
        else:
            try:
                approved_on = parse_date(request.POST.get("approved_on", ""))
            except ValueError:
                approved_on = None
            if approved_on is None:
                raise ValidationError({"approved_on": _("Enter the date of the decision.")})
            services.catalogue_version_approve(
                actor=request.user,
                version=version,
                decision_reference=request.POST.get("decision_reference", ""),
                approved_on=approved_on,
            )
        messages.success(request, _("Done."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("catalog:version_detail", version_id=version.pk)


@login_required
@require_POST
def product_transition(request: HttpRequest, product_id: int) -> HttpResponse:
    """Propose a draft product, take it back to draft, activate an approved one or retire an active one."""
    if not request.user.has_perm("catalog.change_product"):
        raise PermissionDenied
    product = selectors.product_get_for_user(user=request.user, product_id=product_id)
    try:
        services.product_transition(actor=request.user, product=product, to_status=request.POST.get("to", ""))
        messages.success(request, _("Done."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(product.get_absolute_url())


@login_required
@require_POST
def version_create(request: HttpRequest) -> HttpResponse:
    """Start a draft catalogue version for a year (then compose and propose it)."""
    from verbund.registry.choices import PROVIDER_KINDS
    from verbund.registry.models import Organization

    if not request.user.has_perm("catalog.add_catalogueversion"):
        raise PermissionDenied
    organization_id: int | None = getattr(request.user, "organization_id", None)
    provider = (
        Organization.objects.filter(pk=organization_id, kind__in=PROVIDER_KINDS).first()
        if organization_id is not None
        else None
    )
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        year = 0
    try:
        if provider is None:
            raise ValidationError({"provider": _("Only staff of a provider can start a catalogue version.")})
        previous = selectors.catalogue_version_list(user=request.user).filter(provider=provider).first()
        version = services.catalogue_version_create(
            actor=request.user,
            provider=provider,
            year=year,
            name=request.POST.get("name", "").strip() or _("Product catalogue %(year)s") % {"year": year},
            predecessor=previous,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("catalog:version_list")
    return redirect(version.get_absolute_url())
