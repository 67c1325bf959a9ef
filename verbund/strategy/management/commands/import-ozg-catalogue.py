from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from verbund.jobs.progress import cli_progress
from verbund.strategy import scope
from verbund.strategy.services import CatalogueFileError, catalogue_import


class Command(BaseCommand):
    help = (
        "Import the OZG/LeiKa catalogue (themenfelder.csv, lebenslagen.csv, ozg_leistungen.csv, "
        "leika_leistungen.csv, optional prioritaeten.csv and nrw_kommunen.csv) from DIR. Rows that cannot be "
        "used are reported and skipped; importing again is idempotent; a newer catalogue is compared with the "
        "stored one (added, changed, withdrawn)."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("directory", nargs="?", type=Path, default=None, help="default: ../shared/data/ozg-leika")
        parser.add_argument("--quiet-skips", action="store_true", help="do not list the skipped rows")

    def handle(self, *args, directory: Path | None, quiet_skips: bool, **options):  # type: ignore[no-untyped-def]
        directory = directory or scope.default_data_dir()
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a directory")
        try:
            with cli_progress() as progress:
                report = catalogue_import(actor=None, directory=directory, progress=progress)
        except CatalogueFileError as exc:
            raise CommandError("; ".join(str(e) for e in exc.errors)) from exc
        if not quiet_skips:
            for row in report.skipped:
                self.stdout.write(f"skipped {row}")
        for line in report.changes[:200]:
            self.stdout.write(line)
        for commune in report.communes_unmatched:
            candidates = ", ".join(commune["candidates"]) or "-"
            self.stdout.write(f"municipality {commune['match']}: {commune['name']} (candidates: {candidates})")
        self.stdout.write(
            f"Municipalities matched to an AGS: {report.communes_matched}, not matched: "
            f"{len(report.communes_unmatched)}"
        )
        self.stdout.write(report.diff_line())
        self.stdout.write(scope.ATTRIBUTION)
        self.stdout.write(report.summary_line())
