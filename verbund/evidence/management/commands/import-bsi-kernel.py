from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from verbund.evidence.engine.oscal import CatalogueError
from verbund.evidence.models import ATTRIBUTION
from verbund.evidence.services import catalogue_import
from verbund.evidence.tasks import catalogue_file, catalogue_summary, default_catalogue_dir


class Command(BaseCommand):
    help = (
        "Import the BSI Grundschutz++ kernel catalogue (OSCAL JSON, CC BY-SA 4.0) from DIR as the list of security "
        "controls. Importing the same file again changes nothing; a newer catalogue reports the controls it added, "
        "changed and withdrew."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "directory", nargs="?", type=Path, default=None, help="default: ../shared/data/bsi-grundschutz-kernel"
        )

    def handle(self, *args, directory: Path | None, **options):  # type: ignore[no-untyped-def]
        directory = directory or default_catalogue_dir()
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a directory")
        try:
            path = catalogue_file(directory)
            record = catalogue_import(actor=None, data=path.read_bytes(), source=str(path))
        except (FileNotFoundError, CatalogueError) as exc:
            raise CommandError(str(exc)) from exc
        if record is not None:
            for change in ("added", "changed", "withdrawn"):
                ids = record.diff.get(change, [])
                if ids and record.controls != len(ids):
                    self.stdout.write(f"{change}: {', '.join(ids[:200])}")
        with translation.override("en"):  # the command line speaks English, like the other import commands
            self.stdout.write(catalogue_summary(record))
        self.stdout.write(ATTRIBUTION)
