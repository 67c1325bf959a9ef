"""Background job kinds of the evidence app (see `verbund.jobs.kinds`): importing an evidence file and importing
the BSI kernel catalogue. Both call one atomic service, so a repeated run changes nothing."""

from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from verbund.config.env import env_str
from verbund.evidence import imports, services
from verbund.evidence.models import ControlCatalogue, EvidenceImport
from verbund.jobs.kinds import Outcome, Progress, job_kind
from verbund.jobs.models import Job
from verbund.registry.models import Organization

EVIDENCE_IMPORT = "evidence.import"
CATALOGUE_IMPORT = "evidence.catalogue"
CATALOGUE_FILE = "BSI-Stand-der-Technik-Kernel-catalog.json"


def default_catalogue_dir() -> Path:
    configured = getattr(settings, "EVIDENCE_BSI_DATA_DIR", None) or env_str("VERBUND_BSI_DATA_DIR", "")
    if configured:
        return Path(configured)
    return Path(settings.BASE_DIR).parent / "shared" / "data" / "bsi-grundschutz-kernel"


def catalogue_file(directory: Path) -> Path:
    """The catalogue JSON in `directory` (the BSI's file name, or the only *.json there)."""
    named = directory / CATALOGUE_FILE
    if named.is_file():
        return named
    found = sorted(directory.glob("*.json"))
    if len(found) != 1:
        raise FileNotFoundError(
            _("No BSI kernel catalogue (%(name)s) in %(dir)s.") % {"name": CATALOGUE_FILE, "dir": directory}
        )
    return found[0]


def import_summary(record: EvidenceImport | None) -> str:
    if record is None:
        return _("The file equals the records already there; nothing changed.")
    return _("%(rows)s lines imported: %(added)s added, %(changed)s changed, %(removed)s removed.") % {
        "rows": record.rows,
        "added": record.added,
        "changed": record.changed,
        "removed": record.removed,
    }


def catalogue_summary(record: ControlCatalogue | None) -> str:
    if record is None:
        return _("This catalogue version is already imported; nothing changed.")
    return _("%(controls)s controls: %(added)s added, %(changed)s changed, %(withdrawn)s withdrawn.") % {
        "controls": record.controls,
        "added": record.added,
        "changed": record.changed,
        "withdrawn": record.withdrawn,
    }


def evidence_import(
    *, actor: object, provider: Organization, year: int, kind: str, name: str, data: bytes, progress: Progress
) -> EvidenceImport | None:
    """Read, check every line, and replace the provider's records of `kind` and `year` (nothing on any error)."""
    progress(0, 2, gettext_noop("Reading %(name)s"), name=name)
    rows = imports.read_rows(name, data, imports.SHEETS[kind])
    progress(1, 2, gettext_noop("Checking %(n)s lines"), n=len(rows))
    records = imports.parse(kind, rows, year=year)
    record = services.evidence_replace(
        actor=actor, provider=provider, year=year, kind=kind, records=records, file_name=name
    )
    progress(2, 2, gettext_noop("Imported"))
    return record


@job_kind(EVIDENCE_IMPORT, label=gettext_lazy("Evidence import"))
def evidence_import_job(job: Job, progress: Progress) -> Outcome:
    provider = Organization.objects.get(pk=job.params["provider"])
    record = evidence_import(
        actor=job.started_by,
        provider=provider,
        year=job.params["year"],
        kind=job.params["kind"],
        name=job.input_name,
        data=bytes(job.input_data or b""),
        progress=progress,
    )
    url = reverse("evidence:home") + f"?provider={provider.pk}&year={job.params['year']}"
    return Outcome(summary=import_summary(record), url=url)


@job_kind(CATALOGUE_IMPORT, label=gettext_lazy("Import of the BSI kernel catalogue"))
def catalogue_import_job(job: Job, progress: Progress) -> Outcome:
    path = catalogue_file(default_catalogue_dir())
    progress(0, 1, gettext_noop("Reading %(name)s"), name=path.name)
    record = services.catalogue_import(actor=job.started_by, data=path.read_bytes(), source=str(path))
    progress(1, 1, gettext_noop("Imported"))
    return Outcome(summary=catalogue_summary(record), url=reverse("evidence:catalogue"))
