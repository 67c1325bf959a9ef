from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from verbund.catalog import spreadsheet
from verbund.jobs.progress import cli_progress


class Command(BaseCommand):
    help = (
        "Import products and prices from a catalogue spreadsheet (.csv or .xlsx, the columns of export-catalogue). "
        "Every line is checked first; a file with any error imports nothing. Re-importing a file changes nothing."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="check the whole file and show what would change; write nothing"
        )

    def handle(self, *args, path: Path, dry_run: bool, **options):  # type: ignore[no-untyped-def]
        if not path.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": path})
        suffix = path.suffix.lower()
        try:
            if suffix == ".csv":
                with path.open("rb") as stream:
                    rows = spreadsheet.read_csv(stream)
            elif suffix == ".xlsx":
                rows = spreadsheet.read_xlsx(path)
            else:
                raise CommandError(_("Give a .csv or .xlsx file, not %(name)s.") % {"name": path.name})
            with cli_progress(_("Importing %(name)s") % {"name": path.name}) as progress:
                progress(0, 1, gettext_noop("Importing %(n)s lines"), n=len(rows))
                result = spreadsheet.import_rows(actor=None, rows=rows, dry_run=dry_run)
                progress(1, 1, gettext_noop("Imported"))
        except spreadsheet.CatalogueImportError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("The file has %(n)s error(s); nothing was imported.") % {"n": len(exc.errors)}
            ) from exc
        for line in result.changes:
            self.stdout.write("  " + line)
        self.stdout.write(
            _(
                "Products created: %(created)s, changed: %(updated)s, unchanged: %(unchanged)s; "
                "families created: %(families)s; draft prices created: %(prices_created)s, "
                "changed: %(prices_updated)s"
            )
            % {
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "families": result.families_created,
                "prices_created": result.prices_created,
                "prices_updated": result.prices_updated,
            }
        )
        if dry_run:
            self.stdout.write(_("Dry run: the file is valid; nothing was written."))
