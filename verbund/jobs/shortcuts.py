"""What a view does after starting a job: go to the job's page (its progress bar), or, when the job has already
finished (the immediate backend, or a very fast worker), straight to the result with its summary."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from verbund.jobs.choices import JobStatus
from verbund.jobs.models import Job


def job_redirect(request: HttpRequest, job: Job) -> HttpResponse:
    job.refresh_from_db(fields=["status", "result_text", "result_url", "result_name", "error"])
    if job.status == JobStatus.SUCCEEDED and job.result_url and not job.result_name:
        if job.result_text:
            messages.success(request, job.result_text)
        return redirect(job.result_url)
    return redirect(job.get_absolute_url())


def job_file_or_redirect(request: HttpRequest, job: Job, filename: str = "") -> HttpResponse:
    """The job's result file when it is ready, otherwise its progress page. `filename` names the download in the
    reader's language where the file was built for someone else (a reused ZIP); default: the stored name."""
    if job.status == JobStatus.SUCCEEDED:
        stored = Job.objects.filter(pk=job.pk).values("result_data", "result_name", "result_content_type").first()
        if stored and stored["result_data"] is not None and stored["result_name"]:
            response = HttpResponse(bytes(stored["result_data"]), content_type=stored["result_content_type"])
            response["Content-Disposition"] = f'attachment; filename="{filename or stored["result_name"]}"'
            return response
    return redirect(job.get_absolute_url())
