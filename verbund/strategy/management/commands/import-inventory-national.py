from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from verbund.jobs.progress import cli_progress
from verbund.jobs.services import job_start
from verbund.strategy.services.bulk import BulkLoadError, inventory_bulk_load, national_rows
from verbund.strategy.tasks import INVENTORY_NATIONAL_IMPORT, count_lines, national_summary


class Command(BaseCommand):
    help = (
        "Import the inventories of many municipalities from FILE in the federal dashboard's export format (columns "
        "ars, leika_key, ozgid, url, online_status, aktiv, art_flaechendeckung; the per-ARS exports one after the "
        "other). Every line is checked first: a file with errors changes nothing. Importing again changes nothing."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("file", type=Path)
        parser.add_argument("--background", action="store_true", help="queue it as a job instead of running it here")

    def handle(self, *args, file: Path, background: bool, **options):  # type: ignore[no-untyped-def]
        if not file.is_file():
            raise CommandError(f"{file} is not a file")
        if background:
            job = job_start(actor=None, kind=INVENTORY_NATIONAL_IMPORT, params={"path": str(file.resolve())})
            self.stdout.write(f"job {job.pk} queued")
            return
        try:
            with cli_progress() as progress, file.open(encoding="utf-8-sig", newline="") as stream:
                result = inventory_bulk_load(
                    actor=None, rows=national_rows(stream), total=count_lines(file), progress=progress
                )
        except BulkLoadError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(exc.errors)} error(s); nothing was imported") from exc
        self.stdout.write(national_summary(result))
