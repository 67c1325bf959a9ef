"""Demo of the operating company's agreement and of modular joining (issue #14, ADR 0043).

- The operating company "Münsterland IT Betrieb" gets its own framework agreement from 1 Jan 2026 (no parties of
  its own: members become parties when their services move to it, `transfers.services.execution`, or when they
  join for a single product).
- Two municipalities of Kreis Borken, Heek and Heiden, that are members of neither citeq nor the operating
  company, order the operating company's e-mail product from 1 Jan 2026 and apply for the accession with the
  order; the Zentralausschuss meeting of 19 Nov 2025 approves both accessions, and with them the orders take
  effect (demo figures, not real data).

Written through the services; idempotent (what exists is left as it is). Runs inside `load_demo_transfers`, after
the transfers were executed and while the 2025 meeting is still invited.
"""

import datetime as dt
from decimal import Decimal

from verbund.demo.governance.common import Counter
from verbund.demo.governance.meetings import ensure_attendance, ensure_item, ensure_paper, vote_and_decide
from verbund.governance.choices import PaperType, SubjectKind
from verbund.governance.models import Meeting
from verbund.orders.choices import OrderStatus
from verbund.orders.models import Order
from verbund.orders.services import order_submit_new
from verbund.registry.choices import ApprovalStatus, OrganizationKind
from verbund.registry.keys import make_leitweg_id
from verbund.registry.models import Agreement, AgreementParty, Organization
from verbund.registry.services import agreement_create, organization_update
from verbund.transfers.models import TransferItem

OPCO_AGREEMENT = "MIB-RV-2026"
OPCO_START = dt.date(2026, 1, 1)
JOINING = (("05554024", 35, "ZA-V-2025/33"), ("05554028", 50, "ZA-V-2025/34"))  # Heek, Heiden: users (demo figures)
ORDERED_ON = dt.date(2025, 11, 10)


def ensure_opco_agreement(opco: Organization) -> Agreement:
    agreement = Agreement.objects.filter(provider=opco, reference=OPCO_AGREEMENT).first()
    if agreement is None:
        agreement = agreement_create(
            actor=None,
            name="Rahmenvereinbarung Münsterland IT Betrieb",
            provider=opco,
            valid_from=OPCO_START,
            reference=OPCO_AGREEMENT,
            description="Leistungsbezug bei der Betriebsgesellschaft (Inhouse-Vergabe); Beitritt je Kommune "
            "für einzelne Produkte (modularer Ansatz), Entgelte nach Leistungskatalog (Demo).",
        )
    return agreement


def _with_leitweg_id(org: Organization) -> Organization:
    """Members of the operating company need a routing ID on their e-invoices (as citeq's members in the demo)."""
    if org.leitweg_id:
        return org
    return organization_update(actor=None, organization=org, leitweg_id=make_leitweg_id(org.ags, "ITDL"))


def give_parties_routing_ids(agreement: Agreement) -> None:
    for party in AgreementParty.objects.filter(agreement=agreement).select_related("organization"):
        _with_leitweg_id(party.organization)


def load_demo_joining(counter: Counter, held: Meeting | None, citeq: Organization, opco: Organization) -> None:
    item = (
        TransferItem.objects.filter(transfer__to_provider=opco, product__number="KOM-010", new_product__isnull=False)
        .select_related("new_product")
        .first()
    )
    if item is None or held is None:
        counter.note("modular joining skipped: the e-mail transfer or the 2025 meeting is missing")
        return
    product = item.new_product
    assert product is not None
    for ags, users, paper_ref in JOINING:
        member = Organization.objects.filter(kind=OrganizationKind.MUNICIPALITY, ags=ags).first()
        if member is None:
            continue
        member = _with_leitweg_id(member)
        order = Order.objects.filter(member=member, product=product).first()
        if order is None:
            order = order_submit_new(
                actor=None,
                member=member,
                product=product,
                quantity=Decimal(users),
                start_date=OPCO_START,
                as_of=ORDERED_ON,
                comment="Modularer Beitritt: nur E-Mail-Postfach (Demo)",
                accede=True,
            )
            counter.note(f"modular joining: {member.name} ordered {product.number}")
        party = order.accession
        if order.status != OrderStatus.SUBMITTED or party is None or party.status == ApprovalStatus.APPROVED:
            continue
        name = f"Beitritt {member.name} zur Rahmenvereinbarung Münsterland IT Betrieb"
        paper = ensure_paper(
            None,
            counter,
            citeq,
            paper_ref,
            party,
            name=name,
            date=dt.date(2025, 11, 12),
            paper_type=PaperType.RESOLUTION,
            text=f"{member.name} tritt für das E-Mail-Postfach der Betriebsgesellschaft bei (modularer Ansatz); "
            "Beitritt und Bestellung werden zum 01.01.2026 gemeinsam wirksam.",
            proposed_resolution=f"Der Zentralausschuss stimmt dem {name} zum 01.01.2026 zu.",
            subject_kind=SubjectKind.ACCESSION,
        )
        if paper is None:
            continue
        agenda_item = ensure_item(None, counter, held, name, paper)
        if agenda_item is not None:
            vote_and_decide(None, counter, agenda_item, ensure_attendance(None, counter, held), abstaining=None)
