"""Billing work as background jobs (immediate backend): a refused issue leaves the run as it was and can be
retried; the ZIP is built with progress and kept with its job."""

import datetime as dt
import io
import zipfile

import pytest
from django.test import Client

from verbund.billing.models import Invoice, InvoiceRun
from verbund.billing.services import billing_run_prepare
from verbund.billing.tasks import RUN_ISSUE, RUN_ZIP
from verbund.core.models import NumberSequence
from verbund.jobs.choices import JobStatus
from verbund.jobs.models import Job
from verbund.jobs.services import job_retry, job_start


@pytest.fixture
def run(approved_plan, seller, members, registry):
    return billing_run_prepare(
        actor=None,
        provider=registry["citeq"],
        kind="instalment",
        year=2026,
        period=1,
        billing_date=dt.date(2026, 1, 5),
    )


def test_a_refused_issue_job_changes_nothing_and_its_retry_issues(run, clerk, monkeypatch):
    from verbund.billing.services import common, issue

    real = issue.build_and_validate

    def failing(prepared):
        finding = {"rule": "BR-DE-15", "severity": "fatal", "message": "Buyer reference missing", "location": "/"}
        raise common.ValidationFailed([common.Failure(prepared[0][0], [finding])])

    monkeypatch.setattr(issue, "build_and_validate", failing)
    sequences = list(NumberSequence.objects.values_list("series", "year", "last"))
    job = job_start(actor=clerk, kind=RUN_ISSUE, subject=run)
    assert job.status == JobStatus.FAILED and "BR-DE-15" in job.error
    run.refresh_from_db()
    assert run.status == "draft"
    assert not Invoice.objects.filter(run=run).exclude(number="").exists()  # no number used
    assert list(NumberSequence.objects.values_list("series", "year", "last")) == sequences

    monkeypatch.setattr(issue, "build_and_validate", real)  # the cause is fixed
    job = job_retry(actor=clerk, job=job)
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 2
    run.refresh_from_db()
    assert run.status == "issued" and job.result_url == f"/abrechnung/laeufe/{run.pk}/"
    again = job_start(actor=clerk, kind=RUN_ISSUE, subject=run)  # repeating is idempotent
    assert again.status == JobStatus.SUCCEEDED
    assert InvoiceRun.objects.get(pk=run.pk).summary["numbers"] == run.summary["numbers"]


def test_the_zip_job_reports_each_invoice_and_is_served_again_from_the_job(run, clerk):
    from verbund.billing.services import billing_run_issue

    billing_run_issue(actor=None, run=run)
    client = Client()
    client.force_login(clerk)
    first = client.get(f"/abrechnung/laeufe/{run.pk}/download/")
    assert first.status_code == 200 and first["Content-Type"] == "application/zip"
    job = Job.objects.get(kind=RUN_ZIP)
    count = Invoice.objects.filter(run=run).count()
    assert job.progress_total == count == job.progress_done and job.status == JobStatus.SUCCEEDED
    names = zipfile.ZipFile(io.BytesIO(first.content)).namelist()
    assert len(names) >= count
    second = client.get(f"/abrechnung/laeufe/{run.pk}/download/")
    assert second.content == first.content and Job.objects.filter(kind=RUN_ZIP).count() == 1
