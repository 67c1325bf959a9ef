"""Entry points of the governance demo: `load_demo_governance`, `approve_demo_plan`, `hold_demo_meeting`."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from verbund.costing.choices import PlanStatus
from verbund.costing.models import PlanVersion
from verbund.demo.governance.common import (
    AGREEMENT_REFERENCE,
    HELD_START,
    ITEM_PERSONNEL,
    ITEM_PLAN,
    PLAN_PAPER,
    PROVIDER_SHORT_NAME,
    Counter,
    DemoGovernanceError,
)
from verbund.demo.governance.meetings import (
    ensure_attendance,
    ensure_item,
    ensure_paper,
    held_meeting,
    hold_meeting_now,
    upcoming_meeting,
    vote_and_decide,
)
from verbund.demo.governance.seats import aa_seats, ba_seats, ensure_committee, za_seats
from verbund.governance import services
from verbund.governance.choices import (
    CommitteeKind,
    MajorityRule,
    PaperType,
    SubjectKind,
)
from verbund.governance.models import (
    AgendaItem,
    Committee,
    Meeting,
    Paper,
)
from verbund.registry.choices import OrganizationKind
from verbund.registry.models import Agreement, Organization

# ---------------------------------------------------------------- entry point


@transaction.atomic
def load_demo_governance(*, actor: Any = None, hold_meeting: bool = True) -> dict[str, Any]:
    """Load the demo committees, seats, meetings, papers, votes and decisions (see the module docstring).

    Needs the demo federation (citeq, the agreement "ÖrV citeq 2019" with its partners) and, for the catalogue
    item, the proposed "Produktkatalog 2026" of `load_demo_catalogue`. With `hold_meeting=False` the meeting of
    19 Nov 2025 stays invited, so that `approve_demo_plan` can still add the plan to its agenda; then call
    `hold_demo_meeting` at the end. Returns the counts of what was created and the notes on skipped items; a
    second call creates nothing."""
    citeq = Organization.objects.filter(kind=OrganizationKind.PROVIDER, short_name=PROVIDER_SHORT_NAME).first()
    if citeq is None:
        raise DemoGovernanceError(f"the provider {PROVIDER_SHORT_NAME!r} does not exist; load the federation first")
    agreement = Agreement.objects.filter(reference=AGREEMENT_REFERENCE, provider=citeq).first()
    if agreement is None:
        raise DemoGovernanceError(f"the agreement {AGREEMENT_REFERENCE!r} does not exist; load the federation first")
    counter = Counter()
    founded = agreement.valid_from
    za = ensure_committee(
        actor,
        counter,
        citeq,
        "ZA",
        name="Zentralausschuss",
        kind=CommitteeKind.CENTRAL,
        weighted_votes=True,
        majority_rule=MajorityRule.SIMPLE,
        quorum_share=Decimal("0.500"),
        start_date=founded,
    )
    aa = ensure_committee(
        actor,
        counter,
        citeq,
        "AA",
        name="Arbeitsausschuss",
        kind=CommitteeKind.WORKING,
        parent=za,
        advisory=True,
        weighted_votes=False,
        start_date=founded,
    )
    ba = ensure_committee(
        actor,
        counter,
        citeq,
        "BA",
        name="Betriebsausschuss citeq",
        kind=CommitteeKind.WORKS,
        weighted_votes=False,
        start_date=founded,
    )
    za_seats(actor, counter, za, agreement)
    aa_seats(actor, counter, aa, agreement, citeq)
    ba_seats(actor, counter, ba, agreement, citeq)
    held_meeting(actor, counter, za, citeq, agreement, hold=hold_meeting)
    za_seats(actor, counter, za, agreement)  # the new partner's seat, from its accession on
    upcoming_meeting(actor, counter, za, citeq, agreement)
    return counter.as_dict()


def _held_za_meeting(citeq: Organization) -> Meeting | None:
    za = Committee.objects.filter(body=citeq, short_name="ZA").first()
    if za is None:
        return None
    return Meeting.objects.alive().filter(committee=za, start=HELD_START).first()


def _plan_paper_text(plan: PlanVersion) -> str:
    total = plan.result_total or Decimal(0)
    shown = f"{total / Decimal(1_000_000):.1f}".replace(".", ",")
    return (
        f"Die citeq legt die Plankostenrechnung {plan.year} vor: geplante Kosten von rund {shown} Mio. EUR in "
        "drei Hilfs- und fünf Endkostenstellen, Verrechnung der Hilfskostenstellen nach dem Gleichungsverfahren, "
        "Kalkulation der Entgelte je Produkt aus den Planmengen der Kooperationspartner. Grundpauschale, "
        "Serviceportal und Einkaufskoordinierung werden nach Schlüsseln umgelegt."
    )


@transaction.atomic
def approve_demo_plan(plan: PlanVersion, *, actor: Any = None) -> dict[str, Any]:
    """Put the submitted demo plan on the agenda of the ZA meeting of 19 Nov 2025 (paper ZA-V-2025/10, before
    the non-public item) and decide it by the recorded votes of the seats present: the decision approves the plan
    through the costing service. The meeting must still be invited for a new item (see the module docstring);
    otherwise the item is skipped with a note. Returns the counts of what was created; idempotent."""
    counter = Counter()
    meeting = _held_za_meeting(plan.provider)
    if meeting is None:
        counter.note(f"item {ITEM_PLAN!r} skipped: no ZA meeting of {HELD_START:%d.%m.%Y} (load the governance demo)")
        return counter.as_dict()
    if plan.status != PlanStatus.SUBMITTED and not Paper.objects.filter(reference=PLAN_PAPER).exists():
        counter.note(f"item {ITEM_PLAN!r} skipped: {plan} is {plan.status}, not submitted")
        return counter.as_dict()
    paper = ensure_paper(
        actor,
        counter,
        plan.provider,
        PLAN_PAPER,
        plan,
        name=f"Plankostenrechnung {plan.year}",
        date=dt.date(2025, 10, 15),
        paper_type=PaperType.RESOLUTION,
        text=_plan_paper_text(plan),
        proposed_resolution=f"Der Zentralausschuss beschließt die Plankostenrechnung {plan.year}. Die daraus "
        f"kalkulierten Entgelte gelten ab dem 01.01.{plan.year}.",
        subject_kind=SubjectKind.PLAN_VERSION,
    )
    if paper is None:
        return counter.as_dict()
    new = not AgendaItem.objects.alive().filter(meeting=meeting, name=ITEM_PLAN).exists()
    item = ensure_item(actor, counter, meeting, ITEM_PLAN, paper)
    if item is None:
        return counter.as_dict()
    personnel = AgendaItem.objects.alive().filter(meeting=meeting, name=ITEM_PERSONNEL).first()
    if new and personnel is not None and personnel.position < item.position:
        ordered = [i.pk for i in meeting.agenda_items.order_by("position", "id")]
        item = services.agenda_item_move(actor=actor, item=item, position=ordered.index(personnel.pk))
    seats = ensure_attendance(actor, counter, meeting)
    vote_and_decide(actor, counter, item, seats, abstaining=None)
    return counter.as_dict()


@transaction.atomic
def hold_demo_meeting(*, actor: Any = None) -> None:
    """Close the ZA meeting of 19 Nov 2025 (invited → held), once every item of the demo is on its agenda."""
    citeq = Organization.objects.filter(kind=OrganizationKind.PROVIDER, short_name=PROVIDER_SHORT_NAME).first()
    meeting = _held_za_meeting(citeq) if citeq is not None else None
    if meeting is not None:
        hold_meeting_now(actor, meeting)


def summary_line(result: dict[str, Any]) -> str:
    """One line for the load-demo command."""
    return (
        f"Demo governance: {result['committees']} committees, {result['memberships']} seats, "
        f"{result['meetings']} meetings, {result['papers']} papers, {result['votes']} votes, "
        f"{result['decisions']} decisions created (existing ones kept)."
    )
