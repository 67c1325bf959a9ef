"""The demo federation: citeq with the partners of its public-law agreement (seed 001), KAAW and Kreis Steinfurt
as further providers (seed 000), and demo users for every role. Idempotent: a second run adds nothing.

Partner names in the agreement are ambiguous for Coesfeld and Warendorf (town or district). We take the
districts (Kreis Coesfeld, Kreis Warendorf): the list names the two district-free cities Münster and Hamm first,
then Coesfeld and Warendorf, and only then the towns and municipalities; the agreement speaks of cities, towns
*and districts*, and without the two districts no district would be a partner at all. Every other listed name
is a municipality inside these two districts, which fits districts joining together with their municipalities.
"""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from verbund.accounts.models import User
from verbund.accounts.roles import Role
from verbund.accounts.services import user_create
from verbund.costing.models import PlanVersion
from verbund.demo.billing import load_demo_billing
from verbund.demo.catalogue import load_demo_catalogue, load_demo_subscriptions
from verbund.demo.closing import load_demo_closing
from verbund.demo.costing import demo_plan, load_demo_costing
from verbund.demo.governance import approve_demo_plan, hold_demo_meeting, load_demo_governance
from verbund.demo.ownership import load_demo_ownership
from verbund.demo.scenarios import load_demo_scenarios
from verbund.demo.steinfurt import load_demo_steinfurt
from verbund.demo.transfers import load_demo_transfers
from verbund.registry import gv100ad
from verbund.registry.choices import OrganizationKind, PartyRole
from verbund.registry.keys import make_leitweg_id
from verbund.registry.models import Agreement, AgreementParty, Organization
from verbund.registry.services import (
    agreement_accession_record,
    agreement_create,
    gemeindeverzeichnis_import,
    organization_create,
    organization_update,
)

DEMO_PASSWORD = "Verbund-Demo-2026"
AGREEMENT_REFERENCE = "ÖrV citeq 2019"
AGREEMENT_START = dt.date(2019, 1, 1)

HOST_AGS = "05515000"  # Münster, Stadt
# (kind, AGS) of the partners in the order of the agreement (seed 001), Münster first as host city.
PARTNERS: list[tuple[str, str]] = [
    (OrganizationKind.MUNICIPALITY, "05515000"),  # Münster
    (OrganizationKind.MUNICIPALITY, "05915000"),  # Hamm
    (OrganizationKind.DISTRICT, "05558"),  # Kreis Coesfeld
    (OrganizationKind.DISTRICT, "05570"),  # Kreis Warendorf
    (OrganizationKind.MUNICIPALITY, "05570004"),  # Ahlen
    (OrganizationKind.MUNICIPALITY, "05558004"),  # Ascheberg
    (OrganizationKind.MUNICIPALITY, "05570012"),  # Beelen
    (OrganizationKind.MUNICIPALITY, "05558016"),  # Dülmen
    (OrganizationKind.MUNICIPALITY, "05570024"),  # Everswinkel
    (OrganizationKind.MUNICIPALITY, "05558020"),  # Havixbeck
    (OrganizationKind.MUNICIPALITY, "05558024"),  # Lüdinghausen
    (OrganizationKind.MUNICIPALITY, "05558028"),  # Nordkirchen
    (OrganizationKind.MUNICIPALITY, "05558032"),  # Nottuln
    (OrganizationKind.MUNICIPALITY, "05558036"),  # Olfen
    (OrganizationKind.MUNICIPALITY, "05570032"),  # Ostbevern
    (OrganizationKind.MUNICIPALITY, "05570036"),  # Sassenberg
    (OrganizationKind.MUNICIPALITY, "05570040"),  # Sendenhorst
    (OrganizationKind.MUNICIPALITY, "05570048"),  # Wadersloh
    (OrganizationKind.MUNICIPALITY, "05570008"),  # Beckum
    (OrganizationKind.MUNICIPALITY, "05570016"),  # Drensteinfurt
    (OrganizationKind.MUNICIPALITY, "05570020"),  # Ennigerloh
    (OrganizationKind.MUNICIPALITY, "05570028"),  # Oelde
    (OrganizationKind.MUNICIPALITY, "05570044"),  # Telgte
    (OrganizationKind.MUNICIPALITY, "05558008"),  # Billerbeck
    (OrganizationKind.MUNICIPALITY, "05558040"),  # Rosendahl
    (OrganizationKind.MUNICIPALITY, "05558044"),  # Senden
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    organization: tuple[str, str] | str  # (kind, AGS) or a provider key
    first_name: str
    last_name: str
    is_staff: bool = False


DEMO_USERS: list[DemoUser] = [
    DemoUser("admin", Role.PROVIDER_ADMIN, "citeq", "Anna", "Admin", is_staff=True),
    DemoUser("controlling", Role.CONTROLLER, "citeq", "Carla", "Controlling"),
    DemoUser("produkt", Role.PRODUCT_MANAGER, "citeq", "Paul", "Produkt"),
    DemoUser("faktura", Role.BILLING_CLERK, "citeq", "Fatma", "Faktura"),
    DemoUser("analyse", Role.CONSOLIDATION_ANALYST, "citeq", "Arne", "Analyse"),
    DemoUser("pruefung", Role.AUDITOR, (OrganizationKind.MUNICIPALITY, HOST_AGS), "Rita", "Prüfung"),
    DemoUser("ausschuss", Role.COMMITTEE_MEMBER, (OrganizationKind.DISTRICT, "05570"), "Olaf", "Ausschuss"),
    DemoUser("muenster", Role.MEMBER_CONTACT, (OrganizationKind.MUNICIPALITY, "05515000"), "Mia", "Münster"),
    DemoUser("hamm", Role.MEMBER_CONTACT, (OrganizationKind.MUNICIPALITY, "05915000"), "Hans", "Hamm"),
    DemoUser("duelmen", Role.MEMBER_CONTACT, (OrganizationKind.MUNICIPALITY, "05558016"), "Dora", "Dülmen"),
    DemoUser("kreis-warendorf", Role.MEMBER_CONTACT, (OrganizationKind.DISTRICT, "05570"), "Kai", "Warendorf"),
    DemoUser("telgte", Role.MEMBER_CONTACT, (OrganizationKind.MUNICIPALITY, "05570044"), "Tina", "Telgte"),
]


@dataclass
class DemoReport:
    imported_registry: bool = False
    created_organizations: list[str] = field(default_factory=list)
    created_parties: int = 0
    created_users: list[str] = field(default_factory=list)
    catalogue: dict[str, int] = field(default_factory=dict)
    governance: dict[str, Any] = field(default_factory=dict)
    costing: dict[str, Any] = field(default_factory=dict)
    scenarios: dict[str, Any] = field(default_factory=dict)


class DemoDataMissing(RuntimeError):
    pass


def _official(kind: str, ags: str) -> Organization:
    try:
        return Organization.objects.get(kind=kind, ags=ags)
    except Organization.DoesNotExist as exc:
        raise DemoDataMissing(f"official record {kind} {ags} is not in the registry; import GV100AD first") from exc


def _ensure(report: DemoReport, lookup: dict[str, Any], **values: Any) -> Organization:
    existing = Organization.objects.filter(**lookup).first()
    if existing:
        return existing
    org = organization_create(actor=None, **values)
    report.created_organizations.append(org.name)
    return org


def _ensure_providers(report: DemoReport) -> dict[str, Organization]:
    muenster = _official(OrganizationKind.MUNICIPALITY, HOST_AGS)
    steinfurt = _official(OrganizationKind.DISTRICT, "05566")
    citeq = _ensure(
        report,
        {"kind": OrganizationKind.PROVIDER, "short_name": "citeq"},
        name="citeq – Informations-Technologie für Kommunen",
        short_name="citeq",
        kind=OrganizationKind.PROVIDER,
        legal_form="eigenbetriebsähnliche Einrichtung der Stadt Münster",
        parent=muenster,
        land="05",
        street="Scheibenstraße 109",
        postcode="48153",
        city="Münster",
        email="info@citeq.de",
    )
    kaaw = _ensure(
        report,
        {"kind": OrganizationKind.PROVIDER, "short_name": "KAAW"},
        name="Zweckverband KAAW",
        short_name="KAAW",
        kind=OrganizationKind.PROVIDER,
        legal_form="Zweckverband",
        land="05",
    )
    steinfurt_it = _ensure(
        report,
        {"kind": OrganizationKind.PROVIDER, "short_name": "Kreis Steinfurt IT"},
        name="Kreis Steinfurt – IT-Dienstleistungen",
        short_name="Kreis Steinfurt IT",
        kind=OrganizationKind.PROVIDER,
        legal_form="Kreisverwaltung",
        parent=steinfurt,
        land="05",
    )
    _ensure(
        report,
        {"kind": OrganizationKind.OFFICE, "parent": muenster, "short_name": "Amt 20"},
        name="Amt für Finanzen und Beteiligungen",
        short_name="Amt 20",
        kind=OrganizationKind.OFFICE,
        parent=muenster,
        land="05",
        city="Münster",
    )
    return {"citeq": citeq, "KAAW": kaaw, "Kreis Steinfurt IT": steinfurt_it}


HOLDING = "Münsterland IT"
OPERATING_COMPANY = "Münsterland IT Betrieb"


def _ensure_consolidation_entities(report: DemoReport) -> dict[str, Organization]:
    """The holding as umbrella and its operating company, into which services move in stages (seeds 000, 004).
    Their owners, agreements and the transfers are the demo of the operations apps."""
    holding = _ensure(
        report,
        {"kind": OrganizationKind.HOLDING, "short_name": HOLDING},
        name="Münsterland IT Holding AöR",
        short_name=HOLDING,
        kind=OrganizationKind.HOLDING,
        legal_form="gemeinsame Anstalt des öffentlichen Rechts",
        land="05",
        city="Münster",
    )
    operating = _ensure(
        report,
        {"kind": OrganizationKind.OPERATING_COMPANY, "short_name": OPERATING_COMPANY},
        name="Münsterland IT Betriebsgesellschaft mbH",
        short_name=OPERATING_COMPANY,
        kind=OrganizationKind.OPERATING_COMPANY,
        legal_form="GmbH",
        parent=holding,
        land="05",
        city="Münster",
    )
    return {HOLDING: holding, OPERATING_COMPANY: operating}


def _demo_leitweg_id(org: Organization) -> str:
    """Demo routing IDs built the usual way from the official key (Grob) plus a Fein part; check digits valid."""
    return make_leitweg_id(org.ags if len(org.ags) == 8 else org.ags.ljust(8, "0"), "ITDL")


def _ensure_agreement(report: DemoReport, citeq: Organization) -> Agreement:
    agreement = Agreement.objects.filter(reference=AGREEMENT_REFERENCE).first()
    if agreement is None:
        agreement = agreement_create(
            actor=None,
            name="Öffentlich-rechtliche Vereinbarung über die gemeinsame Inanspruchnahme der "
            "eigenbetriebsähnlichen Einrichtung citeq",
            provider=citeq,
            valid_from=AGREEMENT_START,
            reference=AGREEMENT_REFERENCE,
            description="Zentralausschuss der Hauptverwaltungsbeamten; Arbeitsausschuss beratend; "
            "Finanzierung über Entgelte.",
        )
    existing = set(AgreementParty.objects.filter(agreement=agreement).values_list("organization_id", flat=True))
    for index, (kind, ags) in enumerate(PARTNERS):
        org = _official(kind, ags)
        if not org.leitweg_id:
            org = organization_update(actor=None, organization=org, leitweg_id=_demo_leitweg_id(org))
        if org.pk in existing:
            continue
        agreement_accession_record(
            actor=None,
            agreement=agreement,
            organization=org,
            joined_on=AGREEMENT_START,
            role=PartyRole.HOST if index == 0 else PartyRole.PARTNER,
            council_resolution_date=dt.date(2018, 12, 13),
            committee_decision_ref="Gründungsvereinbarung 2019",
        )
        report.created_parties += 1
    return agreement


def _ensure_users(report: DemoReport, providers: dict[str, Organization]) -> None:
    for demo in DEMO_USERS:
        if User.objects.filter(username=demo.username).exists():
            continue
        org = providers[demo.organization] if isinstance(demo.organization, str) else _official(*demo.organization)
        user = user_create(
            actor=None,
            username=demo.username,
            password=DEMO_PASSWORD,
            role=demo.role,
            organization=org,
            first_name=demo.first_name,
            last_name=demo.last_name,
            email=f"{demo.username}@demo.invalid",
            validate_password=False,
        )
        if demo.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        report.created_users.append(demo.username)


def _add_counts(total: dict[str, Any], more: dict[str, Any]) -> None:
    for name, value in more.items():
        if isinstance(value, list):
            total[name] = [*total.get(name, []), *value]
        elif isinstance(value, int):
            total[name] = total.get(name, 0) + value


def load_demo(*, gv100ad_path: Path | None) -> DemoReport:
    report = DemoReport()
    if not Organization.objects.filter(kind=OrganizationKind.MUNICIPALITY).exists():
        if gv100ad_path is None or not gv100ad_path.is_file():
            raise DemoDataMissing(f"the municipality directory was not found at {gv100ad_path}")
        gemeindeverzeichnis_import(actor=None, records=gv100ad.read_file(gv100ad_path), source_name=gv100ad_path.name)
        report.imported_registry = True
    with transaction.atomic():
        providers = _ensure_providers(report)
        _ensure_consolidation_entities(report)
        load_demo_ownership()  # the owners of the holding and its operating company (verbund/demo/ownership.py)
        _ensure_agreement(report, providers["citeq"])
        _ensure_users(report, providers)
        # After the users (the product manager and the committee member are demo users). The 2026 catalogue is
        # proposed, approved by the Zentralausschuss decision of the governance demo, and only then do the
        # subscriptions from 1 Jan 2026 find approved 2026 prices. The plan costing needs the subscriptions'
        # quantities; its approval is a further item of the same meeting, so the meeting is closed last.
        report.catalogue = load_demo_catalogue()
        report.governance = load_demo_governance(hold_meeting=False)
        report.catalogue.update(load_demo_subscriptions())
        report.costing = load_demo_costing()
        plan = demo_plan()
        if plan is not None:
            _add_counts(report.governance, approve_demo_plan(plan))
            report.costing["status"] = PlanVersion.objects.get(pk=plan.pk).status
        load_demo_transfers()  # e-mail services to the operating company, while the 2025 ZA meeting is open
        load_demo_steinfurt()  # Kreis Steinfurt IT's own agreement, catalogue and subscriptions (the third provider)
        hold_demo_meeting()
        load_demo_closing()  # the demo year 2026 closed (verbund/demo/closing.py)
        load_demo_billing()  # citeq's seller profile (billing app)
        report.scenarios = load_demo_scenarios()  # after the plan: citeq's portfolio costs come from it
        _analyze()
    return report


def _analyze() -> None:
    """`ANALYZE` on PostgreSQL after the load (autovacuum would do it soon): the national directory and the demo
    rows otherwise meet the planner with the statistics of empty tables, and a query over them can take minutes
    instead of milliseconds (seen in the test suite, where the load is never committed and autovacuum never
    sees it; ANALYZE counts the rows the loading transaction inserted)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
