"""Background jobs of the controlling app (ADR 0026): collecting the computed figures of a year, and rendering
the council report as PDF (weasyprint takes a few seconds for a full report)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from verbund.controlling import services
from verbund.controlling.models import Contract, Report
from verbund.controlling.report import report_data, report_pdf
from verbund.jobs.kinds import Outcome, Progress, job_kind
from verbund.jobs.models import Job

COLLECT = "controlling.collect"
REPORT_PDF = "controlling.report_pdf"


@job_kind(COLLECT, label=gettext_lazy("Collecting KPI figures"))
def collect_job(job: Job, progress: Progress) -> Outcome:
    contract = Contract.objects.get(pk=job.subject_key)
    year = int(job.params["year"])
    result = services.collect_computed(actor=job.started_by, contract=contract, year=year, progress=progress)
    summary = _("%(stored)s values stored, %(unchanged)s unchanged; no data yet: %(missing)s") % {
        "stored": result.stored,
        "unchanged": result.unchanged,
        "missing": ", ".join(result.no_data) or "–",
    }
    return Outcome(summary=summary, url=f"{contract.get_absolute_url()}?year={year}")


@job_kind(REPORT_PDF, label=gettext_lazy("Council report (PDF)"))
def report_pdf_job(job: Job, progress: Progress) -> Outcome:
    progress(0, 2, gettext_noop("Reading the stored figures"))
    if job.params.get("report"):  # a submitted report: rendered once from its snapshot and archived
        report = Report.objects.select_related("contract", "paper").get(pk=job.params["report"])
        year = report.year
        progress(1, 2, gettext_noop("Rendering the PDF"))
        data = services.report_render(actor=job.started_by, report=report)
    else:  # the draft of a year, from the stored figures as they are now
        contract = Contract.objects.select_related("provider", "city").get(pk=job.subject_key)
        year = int(job.params["year"])
        snapshot = report_data(contract=contract, year=year)
        progress(1, 2, gettext_noop("Rendering the PDF"))
        data = report_pdf(snapshot)
    progress(2, 2, gettext_noop("Rendered"))
    return Outcome(
        summary=_("The report %(year)s is ready.") % {"year": year},
        file_name=f"managementkontrakt-bericht-{year}.pdf",
        file_data=data,
        content_type="application/pdf",
    )
