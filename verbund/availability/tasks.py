"""Background job of the availability app (ADR 0026): every member's SLA report of a year, as one JSON file."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from verbund.availability import export, selectors
from verbund.jobs.kinds import Outcome, Progress, job_kind
from verbund.jobs.models import Job

AVAILABILITY_REPORT = "availability.report"


def reports_all(*, user: object, year: int, progress: Progress) -> tuple[str, dict[str, object]]:
    progress(0, 2, gettext_noop("Computing availability %(year)s"), year=year)
    report = selectors.availability_report(user=user, year=year, as_of=timezone.now())
    members = sorted(report.members)
    progress(1, 2, gettext_noop("Writing %(n)s member reports"), n=len(members))
    reports = [export.member_data(report, member_id) for member_id in members if report.member_rows(member_id)]
    data: dict[str, object] = {"year": year, "members": reports}
    progress(2, 2, gettext_noop("Done"))
    summary = _("The SLA reports of %(n)s members for %(year)s are ready.") % {"n": len(reports), "year": year}
    return summary, data


@job_kind(AVAILABILITY_REPORT, label=gettext_lazy("SLA reports of all members"))
def availability_report_job(job: Job, progress: Progress) -> Outcome:
    year = int(job.params["year"])
    summary, data = reports_all(user=job.started_by, year=year, progress=progress)
    return Outcome(
        summary=summary,
        file_name=f"sla-{year}.json",
        file_data=export.dumps(data).encode(),
        content_type="application/json",
    )
