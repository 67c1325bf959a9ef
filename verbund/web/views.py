from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from verbund.core.access import user_sees_all
from verbund.core.models import AuditEvent
from verbund.registry import selectors as registry_selectors
from verbund.registry.choices import OrganizationKind


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    counts = registry_selectors.organization_counts_by_kind(user=request.user)
    kinds = [(label, counts.get(value, 0)) for value, label in OrganizationKind.choices if counts.get(value)]
    agreements = registry_selectors.agreement_list(user=request.user)[:5]
    recent = AuditEvent.objects.restrict(request.user).select_related("content_type")[:10]
    own = getattr(request.user, "organization", None)
    return render(
        request,
        "web/dashboard.html",
        {
            "kinds": kinds,
            "agreements": agreements,
            "recent_events": recent,
            "own_organization": own,
            "sees_all": user_sees_all(request.user),
        },
    )


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "web/about.html")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
