"""`verbund transfers-execute [--as-of DATE] [--transfer ID]`: execute the adopted transfers that are due."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.jobs.progress import cli_progress
from verbund.transfers import services
from verbund.transfers.models import ServiceTransfer
from verbund.transfers.tasks import transfer_execute_run


class Command(BaseCommand):
    help = "Execute the adopted service transfers whose effective date has come (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None, help="day to execute on (YYYY-MM-DD)")
        parser.add_argument("--transfer", type=int, default=None, help="only this transfer (id)")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = options["as_of"] or timezone.localdate()
        if options["transfer"] is not None:
            transfer = ServiceTransfer.objects.filter(pk=options["transfer"]).first()
            if transfer is None:
                raise CommandError(_("No transfer with id %(id)s.") % {"id": options["transfer"]})
            due = [transfer]
        else:
            due = services.transfers_due(as_of=as_of)
        if not due:
            self.stdout.write(_("No transfer is due."))
        for transfer in due:
            try:
                with cli_progress(str(transfer)) as progress:
                    self.stdout.write(
                        transfer_execute_run(actor=None, transfer=transfer, as_of=as_of, progress=progress)
                    )
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
