"""Background job kinds of satisfaction surveys (see `verbund.jobs.kinds`): the analysis of a wave (ADR 0026).
A big wave (tens of thousands of responses) takes longer than a page request should; the job calls the atomic
`wave_analyse` service, so a repeated run stores the same analysis."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from verbund.jobs.kinds import Outcome, Progress, job_kind
from verbund.jobs.models import Job
from verbund.surveys import services
from verbund.surveys.models import Wave

SURVEYS_ANALYSE = "surveys.analyse"


@job_kind(SURVEYS_ANALYSE, label=gettext_lazy("Analysis of a survey wave"))
def wave_analyse_job(job: Job, progress: Progress) -> Outcome:
    wave = Wave.objects.get(pk=job.subject_key)
    services.wave_analyse(actor=job.started_by, wave=wave, progress=progress)
    return Outcome(summary=_("The wave %(wave)s was analysed.") % {"wave": wave.name}, url=wave.get_absolute_url())
