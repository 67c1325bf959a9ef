"""Background job kinds of the registry app (see `verbund.jobs.kinds`)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from verbund.jobs.kinds import Outcome, Progress, job_kind
from verbund.jobs.models import Job
from verbund.registry import gv100ad
from verbund.registry.services import ImportReport, gemeindeverzeichnis_import

DIRECTORY_IMPORT = "registry.import_gv100ad"
MAX_ERRORS_SHOWN = 200
_LEVELS = 4  # Länder, Regierungsbezirke, Kreise, Gemeinden: the service reports once per level


def parse_directory(data: bytes) -> list[gv100ad.Gv100Record]:
    """GV100AD bytes (UTF-8 as published since 2020; older Latin-1 files are accepted too) → records."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return gv100ad.parse_lines(text.splitlines())


def error_text(error: gv100ad.Gv100Error) -> str:
    """A parser error's message in the active language (the parser keeps an English template and its values)."""
    return _(error.template) % dict(error.params) if error.params else _(error.template)


def error_rows(exc: gv100ad.Gv100ParseError) -> list[dict[str, object]]:
    """The errors of a refused file for `web/_import_errors.html`: line, field, translated message, value."""
    return [{"line": e.line, "column": e.field, "message": error_text(e), "value": e.value.strip()} for e in exc.errors]


def directory_import(
    *,
    actor: Any,
    records: list[gv100ad.Gv100Record],
    source_name: str,
    deactivate_missing: bool,
    progress: Progress,
) -> ImportReport:
    """Import parsed GV100AD records (atomic and idempotent), reporting each level as it is written."""
    done = 0
    progress(done, _LEVELS, gettext_noop("Writing the organisations of %(name)s"), name=source_name)

    def level_done(kind: str, count: int) -> None:
        nonlocal done
        done += 1
        progress(min(done, _LEVELS), _LEVELS, gettext_noop("%(kind)s written: %(n)s"), kind=kind, n=count)

    return gemeindeverzeichnis_import(
        actor=actor,
        records=records,
        source_name=source_name,
        deactivate_missing=deactivate_missing,
        progress=level_done,
    )


def report_summary(report: ImportReport) -> str:
    return "\n".join(
        [
            _("Municipalities: %(n)s, population %(pop)s")
            % {"n": report.counts_by_kind.get("municipality", 0), "pop": report.population_municipalities},
            _("Created: %(c)s, changed: %(u)s, unchanged: %(s)s, other records skipped: %(k)s")
            % {"c": report.created, "u": report.updated, "s": report.unchanged, "k": report.skipped_records},
        ]
    )


@job_kind(DIRECTORY_IMPORT, label=gettext_lazy("Municipality directory import"))
def directory_import_job(job: Job, progress: Progress) -> Outcome:
    """Import a stored GV100AD file. A refused file fails the job with its line errors, in the job's language."""
    try:
        records = parse_directory(bytes(job.input_data or b""))
    except gv100ad.Gv100ParseError as exc:
        lines = [
            _("Line %(line)s, field %(field)s: %(message)s")
            % {"line": e.line, "field": e.field, "message": error_text(e)}
            for e in exc.errors[:MAX_ERRORS_SHOWN]
        ]
        raise ValidationError(lines) from exc
    report = directory_import(
        actor=job.started_by,
        records=records,
        source_name=job.input_name,
        deactivate_missing=bool(job.params.get("deactivate_missing")),
        progress=progress,
    )
    return Outcome(summary=report_summary(report), url=reverse("registry:organization_list"))
