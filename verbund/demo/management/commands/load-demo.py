from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from verbund.demo.availability import load_demo_availability
from verbund.demo.availability import summary_line as availability_summary
from verbund.demo.catalogue import DemoCatalogueError, summary_line
from verbund.demo.controlling import load_demo_controlling
from verbund.demo.costing import summary_line as costing_summary_line
from verbund.demo.evidence import load_demo_evidence
from verbund.demo.evidence import summary_line as evidence_summary_line
from verbund.demo.federation import DEMO_PASSWORD, DEMO_USERS, DemoDataMissing, load_demo
from verbund.demo.governance import AGREEMENT_REFERENCE
from verbund.demo.governance import summary_line as governance_summary_line
from verbund.demo.scenarios import summary_line as scenarios_summary_line
from verbund.demo.strategy import load_demo_strategy
from verbund.demo.strategy import summary_line as strategy_summary_line
from verbund.demo.surveys import load_demo_surveys
from verbund.governance.choices import DecisionResult, SubjectKind
from verbund.governance.models import Decision
from verbund.registry.choices import ApprovalStatus
from verbund.registry.models import AgreementParty


def partners_line() -> str:
    """The partners of the demo agreement as the web interface counts them (approved, not left), founding
    partners and accessions decided by the committee included, so that the command and the UI agree."""
    parties = AgreementParty.objects.filter(
        agreement__reference=AGREEMENT_REFERENCE, status=ApprovalStatus.APPROVED, left_on__isnull=True
    )
    total = parties.count()
    decided = Decision.objects.filter(subject_kind=SubjectKind.ACCESSION, result=DecisionResult.ADOPTED)
    joined = parties.filter(pk__in=decided.values("subject_id")).count()
    return (
        f"Demo partners: {AGREEMENT_REFERENCE} has {total} partners "
        f"({total - joined} from the start, {joined} by accession decided in the committee)."
    )


class Command(BaseCommand):
    help = "Load the demo federation (citeq and its partners, KAAW, Kreis Steinfurt, demo users). Idempotent."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--gv100ad",
            type=Path,
            default=None,
            help="GV100AD file to import when the registry is empty (default: ../shared/...)",
        )

    def handle(self, *args, gv100ad: Path | None, **options):  # type: ignore[no-untyped-def]
        path = gv100ad or settings.GV100AD_DEFAULT_PATH
        try:
            report = load_demo(gv100ad_path=path)
            strategy = load_demo_strategy()  # after the catalogue: tags citeq's products (issue #17)
            self.stdout.write(availability_summary(load_demo_availability()))  # SLA commitments, outages (#16)
        except (DemoDataMissing, DemoCatalogueError) as exc:
            raise CommandError(str(exc)) from exc
        if report.imported_registry:
            self.stdout.write(f"Imported the municipality directory from {path}")
        self.stdout.write(
            f"Demo federation: {len(report.created_organizations)} organisations, {report.created_parties} "
            f"founding partners, {len(report.created_users)} users created (existing ones kept)."
        )
        self.stdout.write(summary_line(report.catalogue))
        self.stdout.write(governance_summary_line(report.governance))
        self.stdout.write(costing_summary_line(report.costing))
        self.stdout.write(scenarios_summary_line(report.scenarios))
        self.stdout.write(partners_line())
        self.stdout.write(strategy_summary_line(strategy))
        self.stdout.write(evidence_summary_line(load_demo_evidence()))  # issue #15: citeq's demo evidence
        self.stdout.write(load_demo_surveys())  # the satisfaction surveys 2024-2026 (issue #16)
        self.stdout.write(load_demo_controlling())  # last: the source apps' demo figures exist by now (issue #15)
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
        for demo in DEMO_USERS:
            self.stdout.write(f"  {demo.username:<17} {demo.role}")
