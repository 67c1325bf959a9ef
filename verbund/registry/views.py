from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from pydantic import ValidationError as PydanticValidationError

from verbund.core.access import Action, can, require_permission
from verbund.core.audit import audit_events_for
from verbund.jobs.services import job_start
from verbund.jobs.shortcuts import job_redirect
from verbund.registry import gv100ad, selectors, services
from verbund.registry.choices import OrganizationKind
from verbund.registry.filters import OrganizationFilter
from verbund.registry.forms import DirectoryImportForm
from verbund.registry.keys import LAND_NAMES
from verbund.registry.tasks import DIRECTORY_IMPORT, error_rows, parse_directory

PAGE_SIZE = 50


def _parse_filters(request: HttpRequest) -> tuple[OrganizationFilter, dict[str, str]]:
    """Read the filter from the query string; invalid values are dropped and reported by field."""
    raw = {key: value for key in ("kind", "land", "ags_prefix", "q") if (value := request.GET.get(key, "").strip())}
    try:
        return OrganizationFilter.model_validate(raw), {}
    except PydanticValidationError as exc:
        errors = {str(err["loc"][0]): str(err["msg"]) for err in exc.errors()}
        clean = {key: value for key, value in raw.items() if key not in errors}
        return OrganizationFilter.model_validate(clean), errors


@login_required
def organization_list(request: HttpRequest) -> HttpResponse:
    filters, errors = _parse_filters(request)
    queryset = selectors.organization_list(user=request.user, filters=filters)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "errors": errors,
        "kinds": OrganizationKind.choices,
        "lands": sorted(LAND_NAMES.items()),
        "querystring": query.urlencode(),
    }
    is_htmx = bool(getattr(request, "htmx", False))
    template = "registry/_organization_results.html" if is_htmx else "registry/organization_list.html"
    return render(request, template, context)


@login_required
def organization_detail(request: HttpRequest, organization_id: int) -> HttpResponse:
    organization = selectors.organization_get_for_user(user=request.user, organization_id=organization_id)
    return render(
        request,
        "registry/organization_detail.html",
        {
            "organization": organization,
            "ancestors": selectors.organization_ancestors(organization),
            "parties": selectors.organization_parties(user=request.user, organization=organization),
            "events": audit_events_for(organization)[:50],
            "may_edit": can(request.user, Action.CHANGE, organization),
        },
    )


@login_required
def organization_contact_edit(request: HttpRequest, organization_id: int) -> HttpResponse:
    """Correct an organisation's address and Leitweg-ID (provider administrators); the change is audited."""
    from verbund.registry.forms import OrganizationContactForm

    organization = selectors.organization_get_for_user(user=request.user, organization_id=organization_id)
    if not can(request.user, Action.CHANGE, organization):
        raise PermissionDenied
    initial = {name: getattr(organization, name) for name in services.ORGANIZATION_CONTACT_FIELDS}
    form = OrganizationContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_contact_correct(actor=request.user, organization=organization, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The address and Leitweg-ID were saved."))
            return redirect(organization.get_absolute_url())
    return render(request, "registry/organization_contact_form.html", {"organization": organization, "form": form})


@login_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    return render(request, "registry/agreement_list.html", {"agreements": selectors.agreement_list(user=request.user)})


@login_required
def agreement_detail(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = selectors.agreement_get_for_user(user=request.user, agreement_id=agreement_id)
    return render(
        request,
        "registry/agreement_detail.html",
        {
            "agreement": agreement,
            "events": audit_events_for(agreement)[:50],
        },
    )


@login_required
def directory_import(request: HttpRequest) -> HttpResponse:
    """Upload a GV100AD file: parsed at once (line errors on the page, nothing written), then imported by a
    background job that stores the file (`registry.tasks.DIRECTORY_IMPORT`, ADR 0026)."""
    require_permission(request.user, "registry.add_organization")
    form = DirectoryImportForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            parse_directory(data)
        except gv100ad.Gv100ParseError as exc:
            context["import_errors"] = error_rows(exc)
        else:
            job = job_start(
                actor=request.user,
                kind=DIRECTORY_IMPORT,
                params={"deactivate_missing": form.cleaned_data["deactivate_missing"]},
                input_name=upload.name,
                input_data=data,
            )
            return job_redirect(request, job)
    return render(request, "registry/directory_import.html", context)
