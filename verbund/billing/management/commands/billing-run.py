"""`verbund billing-run --kind instalment|final|extras --year YYYY [--period N] [--issue] [--provider P]`.

Without `--provider` it runs for every provider (registry.PROVIDER_KINDS) with a seller profile and an approved
plan or catalogue of the year, one after the other, each with its own seller data and number series; a provider
without any approved party of its agreements is named and skipped (nobody to bill).

Prepares the run (creating it or rebuilding its drafts), prints the summary and the problems; with `--issue`
issues it and prints the invoice numbers. Exits non-zero with the problems or the validation rule ids when the
run cannot be issued.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.billing.choices import RunKind, RunStatus
from verbund.billing.models import InvoiceRun
from verbund.billing.selectors import run_invoices
from verbund.billing.tasks import run_issue, run_prepare
from verbund.catalog.choices import CatalogueStatus
from verbund.costing.choices import PlanStatus
from verbund.jobs.progress import cli_progress
from verbund.registry.choices import PROVIDER_KINDS, ApprovalStatus
from verbund.registry.models import AgreementParty, Organization


def _amount(value: Any) -> str:
    return f"{Decimal(str(value)):,.2f} EUR"


def _providers(value: str | None, year: int) -> list[Organization]:
    """The provider given (short name or id, any kind of `PROVIDER_KINDS`), or else every provider with a seller
    profile and an approved plan or catalogue of the year: each bills with its own seller data and series."""
    providers = Organization.objects.filter(kind__in=PROVIDER_KINDS)
    if value:
        provider = (providers.filter(pk=int(value)) if value.isdigit() else providers.filter(short_name=value)).first()
        if provider is None:
            raise CommandError(f"no provider {value!r}")
        return [provider]
    found = list(
        providers.filter(seller_profile__isnull=False)
        .filter(
            Q(plan_versions__year=year, plan_versions__status=PlanStatus.APPROVED)
            | Q(catalogue_versions__year=year, catalogue_versions__status=CatalogueStatus.APPROVED)
        )
        .distinct()
        .order_by("name")
    )
    if not found:
        raise CommandError(f"no provider has a seller profile and an approved plan or catalogue for {year}")
    return found


def _without_members(providers: list[Organization]) -> set[int]:
    """The providers without an approved party of any of their agreements: they have nobody to bill (an
    operating company before the first accession), so running them would only leave an empty run behind."""
    with_members = set(
        AgreementParty.objects.filter(agreement__provider__in=providers, status=ApprovalStatus.APPROVED).values_list(
            "agreement__provider_id", flat=True
        )
    )
    return {provider.pk for provider in providers if provider.pk not in with_members}


def _user(username: str | None) -> Any:
    if not username:
        return None
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"no user {username!r}")
    return user


class Command(BaseCommand):
    help = "Prepare (and with --issue: issue) the invoice run of a period or year."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", required=True, choices=RunKind.values)
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--period", type=int, default=None, help="month (1–12) or quarter (1–4); not for final")
        parser.add_argument("--issue", action="store_true", help="issue the run after preparing it")
        parser.add_argument(
            "--billing-date", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)"
        )
        parser.add_argument(
            "--early-final-reason",
            default="",
            help="final settlement before the year has ended (a member leaves mid-year): the reason, audited",
        )
        parser.add_argument(
            "--provider",
            default=None,
            help="short name or id (default: every provider with a seller profile and an approved plan or catalogue)",
        )
        parser.add_argument("--user", default=None, help="username recorded in the audit trail (default: system)")

    def handle(self, *args: Any, **options: Any) -> None:
        providers = _providers(options["provider"], options["year"])
        actor = _user(options["user"])
        if not options["provider"]:
            empty = _without_members(providers)
            for provider in providers:
                if provider.pk in empty:
                    self.stdout.write(f"{provider.display_name}: no approved party of an agreement; nothing to bill.")
            providers = [provider for provider in providers if provider.pk not in empty] or providers
        failed = []
        for provider in providers:
            try:
                self._run(provider, actor, options)
            except CommandError as exc:
                if len(providers) == 1:
                    raise
                self.stderr.write(f"{provider.display_name}: {exc}")
                failed.append(provider.display_name)
        if failed:
            raise CommandError(f"not issued for: {', '.join(failed)}")

    def _run(self, provider: Organization, actor: Any, options: dict[str, Any]) -> None:
        today = timezone.localdate()
        billing_date = options["billing_date"] or today
        try:
            with cli_progress(_("Preparing the run")) as progress:  # the same steps as the background job
                run = run_prepare(
                    actor=actor,
                    provider=provider,
                    kind=options["kind"],
                    year=options["year"],
                    period=options["period"],
                    billing_date=billing_date,
                    as_of=today,
                    early_final_reason=options["early_final_reason"],
                    progress=progress,
                )
        except ValidationError as exc:
            issued = InvoiceRun.objects.filter(
                provider=provider,
                kind=options["kind"],
                year=options["year"],
                period=options["period"],
                status=RunStatus.ISSUED,
            ).first()
            if issued is None or getattr(exc, "code", None) != "run_issued":
                raise CommandError("; ".join(exc.messages)) from exc
            self.stdout.write(f"The run was already issued; nothing changed. {' '.join(exc.messages)}")
            self._summary(issued)
            self._numbers(issued)
            return
        self._summary(run)
        if not options["issue"]:
            return
        try:
            with cli_progress(_("Issuing the run")) as progress:
                run = run_issue(actor=actor, run=run, progress=progress)
        except ValidationError as exc:
            for message in exc.messages:
                self.stderr.write(f"  {message}")
            raise CommandError(f"run {run.pk} was not issued: no invoice issued, no number used") from exc
        self.stdout.write(self.style.SUCCESS(f"Issued run {run.pk}:"))
        self._numbers(run)

    def _summary(self, run: InvoiceRun) -> None:
        summary = run.summary or {}
        self.stdout.write(
            f"Run {run.pk}: {run.get_kind_display()} {run.year}"
            + (
                f", period {run.period} ({summary.get('period_start')} – {summary.get('period_end')})"
                if run.period
                else ""
            )
            + f", {run.provider.display_name}, billing date {run.billing_date:%d.%m.%Y}, status {run.status}"
        )
        self.stdout.write(
            f"  {summary.get('invoices', 0)} invoices for {summary.get('members', 0)} members "
            f"({summary.get('internal', 0)} internal settlements, {summary.get('credit_notes', 0)} credit notes); "
            f"invoices: net {_amount(summary.get('net', 0))}, VAT {_amount(summary.get('tax', 0))}, "
            f"gross {_amount(summary.get('gross', 0))}"
        )
        if summary.get("credit_notes"):
            self.stdout.write(
                f"  credit notes: net {_amount(summary.get('credit_net', 0))}, "
                f"VAT {_amount(summary.get('credit_tax', 0))}, gross {_amount(summary.get('credit_gross', 0))}; "
                f"balance (invoices − credit notes): net {_amount(summary.get('balance_net', 0))}, "
                f"gross {_amount(summary.get('balance_gross', 0))}"
            )
        if summary.get("plan") is None and run.kind != RunKind.EXTRAS:
            self.stdout.write("  No approved plan for the year: fees are approved prices × subscribed quantities.")
        problems = run.problems or []
        if problems:
            self.stdout.write(f"  Problems ({len(problems)}):")
            for problem in problems:
                self.stdout.write(f"    {problem['severity'].upper():<7} {problem['code']:<20} {problem['message']}")
        blocking = run.blocking_problems
        if blocking and run.status != RunStatus.ISSUED:
            self.stdout.write(self.style.WARNING(f"  {len(blocking)} problem(s) block issuing."))

    def _numbers(self, run: InvoiceRun) -> None:
        for invoice in run_invoices(run=run).order_by("number"):
            self.stdout.write(
                f"  {invoice.number:<16} {invoice.get_type_code_display():<12} {invoice.member.name[:40]:<40} "
                f"{_amount(invoice.gross_total):>18}  {invoice.title}"
            )
