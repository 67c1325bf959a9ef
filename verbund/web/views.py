from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from verbund.jobs import selectors as job_selectors
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
    """For load balancers and monitoring, no login: the database answers, and the job queue is reachable and
    moving. 503 when the database is unreachable or a job has waited longer than `JOBS_MAX_QUEUE_AGE_SECONDS`
    (no worker is running, or all are stuck)."""
    healthy = True
    body: dict[str, object] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        body["database"] = "ok"
    except DatabaseError:
        healthy = False
        body["database"] = "unreachable"
    if healthy:
        try:
            state = job_selectors.queue_state()
        except DatabaseError:
            healthy = False
            body["jobs"] = {"status": "unreachable"}
        else:
            waiting_too_long = state["oldest_queued_seconds"] > settings.JOBS_MAX_QUEUE_AGE_SECONDS
            healthy = not waiting_too_long
            body["jobs"] = {"status": "stalled" if waiting_too_long else "ok", **state}
    body = {"status": "ok" if healthy else "unhealthy", **body}
    response = JsonResponse(body, status=200 if healthy else 503)
    response["Cache-Control"] = "no-store"
    return response
