from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from verbund.jobs.progress import cli_progress
from verbund.registry import gv100ad
from verbund.registry.tasks import directory_import


class Command(BaseCommand):
    help = "Import Länder, Regierungsbezirke, Kreise and Gemeinden from a Destatis GV100AD file (idempotent)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--deactivate-missing",
            action="store_true",
            help="deactivate imported organisations that the file no longer contains",
        )
        parser.add_argument("--show-changes", type=int, default=20, help="how many changed rows to list")

    def handle(self, *args, path: Path, deactivate_missing: bool, show_changes: int, **options):  # type: ignore[no-untyped-def]
        if not path.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": path})
        try:
            records = gv100ad.read_file(path)
        except gv100ad.Gv100ParseError as exc:
            for error in exc.errors[:50]:
                self.stderr.write(
                    _("Line %(line)s, field %(field)s: %(message)s %(value)s")
                    % {
                        "line": error.line,
                        "field": error.field,
                        "message": error.message,
                        "value": repr(error.value) if error.value else "",
                    }
                )
            if len(exc.errors) > 50:
                self.stderr.write(_("… and %(n)s more errors") % {"n": len(exc.errors) - 50})
            raise CommandError(_("The file was rejected; nothing was imported.")) from exc
        with cli_progress(_("Importing %(name)s") % {"name": path.name}) as progress:  # as the background job
            report = directory_import(
                actor=None,
                records=records,
                source_name=path.name,
                deactivate_missing=deactivate_missing,
                progress=progress,
            )
        self.stdout.write(
            _("Municipalities: %(n)s, population %(pop)s")
            % {"n": report.counts_by_kind.get("municipality", 0), "pop": report.population_municipalities}
        )
        self.stdout.write(
            _("Created: %(c)s, changed: %(u)s, unchanged: %(s)s, other records skipped: %(k)s")
            % {"c": report.created, "u": report.updated, "s": report.unchanged, "k": report.skipped_records}
        )
        for line in report.changes[:show_changes]:
            self.stdout.write("  " + line)
        if report.missing:
            self.stdout.write(
                _("Not in the file any more: %(n)s (deactivated: %(d)s)")
                % {"n": len(report.missing), "d": report.deactivated}
            )
            for line in report.missing[:show_changes]:
                self.stdout.write("  " + line)
