"""The job pages: a list, a page per job with a progress bar that htmx polls every second (the user can leave
and come back), the retry of a failed job and the download of a result file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from verbund.jobs import selectors, services


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = selectors.job_list(user=request.user)[:50]
    return render(request, "jobs/job_list.html", {"jobs": jobs})


def _context(request: HttpRequest, job_id: int) -> dict[str, object]:
    job = selectors.job_get_for_user(user=request.user, job_id=job_id)
    return {"job": job, "may_retry": services.job_may_retry(user=request.user, job=job)}


@login_required
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    return render(request, "jobs/job_detail.html", _context(request, job_id))


@login_required
def job_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    """The fragment the page polls; once the job is finished it carries no trigger, so polling stops."""
    return render(request, "jobs/_progress.html", _context(request, job_id))


@login_required
@require_POST
def job_retry(request: HttpRequest, job_id: int) -> HttpResponse:
    """Retry a failed job: for the user who started it and administrators (PermissionDenied → 403 otherwise)."""
    job = selectors.job_get_for_user(user=request.user, job_id=job_id)
    try:
        job = services.job_retry(actor=request.user, job=job)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.info(request, _("The job was started again."))
    return redirect(job.get_absolute_url())


@login_required
def job_download(request: HttpRequest, job_id: int) -> HttpResponse:
    job = selectors.job_file_for_user(user=request.user, job_id=job_id)
    if job.result_data is None or not job.result_name:
        raise Http404("no file")
    response = HttpResponse(bytes(job.result_data), content_type=job.result_content_type or "application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{job.result_name}"'
    return response
