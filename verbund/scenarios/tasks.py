"""Background job kinds of the scenarios app (see `verbund.jobs.kinds`): the Monte Carlo risk run."""

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from verbund.jobs.kinds import Outcome, Progress, job_kind
from verbund.jobs.models import Job
from verbund.scenarios import services
from verbund.scenarios.models import Scenario

SCENARIO_RISK = "scenarios.risk"


def scenario_risk(*, actor: object, scenario: Scenario, draws: int, seed: int, progress: Progress) -> str:
    """Run the Monte Carlo (atomic, seeded: repeating gives the same result) and return the summary."""
    progress(0, 1, gettext_noop("Drawing %(draws)s samples for %(scenario)s"), draws=draws, scenario=str(scenario))

    def report(done: int, total: int, message: str = "", **params: object) -> None:
        progress(done, total, gettext_noop("Simulated %(blocks)s of %(all)s blocks of draws"), blocks=done, all=total)

    data = services.scenario_risk_run(actor=actor, scenario=scenario, draws=draws, seed=seed, progress=report)
    share = number_format(data["probability_better"] * 100, decimal_pos=1, use_l10n=True)
    return _("Monte Carlo with %(draws)s draws: the scenario beats the status quo with probability %(share)s %%.") % {
        "draws": draws,
        "share": share,
    }


@job_kind(SCENARIO_RISK, label=gettext_lazy("Scenario risk (Monte Carlo)"))
def scenario_risk_job(job: Job, progress: Progress) -> Outcome:
    scenario = Scenario.objects.get(pk=job.subject_key)
    summary = scenario_risk(
        actor=job.started_by,
        scenario=scenario,
        draws=int(job.params.get("draws", 2000)),
        seed=int(job.params.get("seed", 1)),
        progress=progress,
    )
    return Outcome(summary=summary, url=scenario.get_absolute_url() + "#risk")
