from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from verbund.web import dashboard as work_dashboard


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The work dashboard of the user's role (see verbund/web/dashboard.py)."""
    board = work_dashboard.build(request.user, timezone.localdate())
    return render(
        request,
        "web/dashboard.html",
        {"board": board, "own_organization": getattr(request.user, "organization", None)},
    )


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "web/about.html")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
