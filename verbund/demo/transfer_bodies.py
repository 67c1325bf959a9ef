"""Demo of a transfer that needs identical resolutions of several bodies (issue #14): KAAW's e-mail service moves
to the operating company only by the resolutions of KAAW's Verbandsversammlung (its four demo member towns of
Kreis Borken, one vote each) and of the operating company's Gesellschafterversammlung (the holding as its only
shareholder). Each body meets in November 2025, votes and decides; the transfer is adopted with the second
resolution. Demo figures, not real data; written through the services and idempotent.
"""

import datetime as dt
from typing import Any

from verbund.demo.governance.common import BERLIN, Counter, office_title, org_label
from verbund.demo.governance.meetings import ensure_attendance, ensure_item, ensure_paper, vote_and_decide
from verbund.demo.governance.seats import ensure_committee, ensure_seat, login_for
from verbund.governance import services as governance
from verbund.governance.choices import CommitteeKind, MeetingState, PaperType, SubjectKind
from verbund.governance.models import Committee, Meeting, Person
from verbund.registry.choices import OrganizationKind
from verbund.registry.models import Organization
from verbund.transfers.models import ServiceTransfer

SEATS_FROM = dt.date(2025, 1, 1)
VV_START = dt.datetime(2025, 11, 18, 16, 0, tzinfo=BERLIN)
GV_START = dt.datetime(2025, 11, 25, 11, 0, tzinfo=BERLIN)


def _seat(counter: Counter, committee: Committee, org: Organization, name: str) -> None:
    person = Person.objects.alive().filter(name=name, organization=org).first()
    if person is None:
        person = governance.person_create(
            actor=None,
            name=name,
            family_name=org_label(org),
            title=office_title(org),
            organization=org,
            user=login_for(None, counter, org, name),
        )
        counter.persons += 1
    ensure_seat(None, counter, committee, person, start=SEATS_FROM, org=org)


def transfer_bodies(
    counter: Counter, kaaw: Organization, opco: Organization, member_ags: list[str]
) -> tuple[Committee, Committee]:
    """KAAW's Verbandsversammlung and the operating company's Gesellschafterversammlung, with their seats."""
    vv = ensure_committee(None, counter, kaaw, "VV", name="Verbandsversammlung KAAW", kind=CommitteeKind.OTHER)
    for org in Organization.objects.filter(kind=OrganizationKind.MUNICIPALITY, ags__in=member_ags).order_by("ags"):
        _seat(counter, vv, org, f"Bürgermeister/in {org_label(org)}")
    gv = ensure_committee(
        None, counter, opco, "GV", name="Gesellschafterversammlung Münsterland IT Betrieb", kind=CommitteeKind.OTHER
    )
    holding = Organization.objects.filter(kind=OrganizationKind.HOLDING).order_by("pk").first()
    if holding is not None:
        _seat(counter, gv, holding, "Vorstand Münsterland IT Holding")
    return vv, gv


def _meeting(counter: Counter, committee: Committee, start: dt.datetime, name: str) -> Meeting:
    meeting = Meeting.objects.alive().filter(committee=committee, start=start).first()
    if meeting is None:
        meeting = governance.meeting_schedule(
            actor=None, committee=committee, name=name, start=start, end=start + dt.timedelta(hours=2)
        )
        counter.meetings += 1
    if meeting.state == MeetingState.SCHEDULED:
        meeting = governance.meeting_set_state(actor=None, meeting=meeting, state=MeetingState.INVITED)
    return meeting


def decide_in_bodies(counter: Counter, transfer: ServiceTransfer, vv: Committee, gv: Committee) -> None:
    """Each body resolves the transfer in its own meeting (its own paper, the same subject); both meetings are
    then closed."""
    for committee, start, reference, meeting_name in (
        (vv, VV_START, "VV-V-2025/12", "Sitzung der Verbandsversammlung"),
        (gv, GV_START, "GV-V-2025/03", "Gesellschafterversammlung"),
    ):
        meeting = _meeting(counter, committee, start, meeting_name)
        if meeting.state != MeetingState.INVITED:
            continue
        paper = ensure_paper(
            None,
            counter,
            committee.body,
            reference,
            transfer,
            name=transfer.name,
            date=start.date() - dt.timedelta(days=14),
            paper_type=PaperType.RESOLUTION,
            text="Gleichlautender Beschluss beider Gremien: die Leistung geht mit allen laufenden Abonnements zum "
            "Stichtag auf die Betriebsgesellschaft über.",
            proposed_resolution=f"Das Gremium beschließt die {transfer.name} zum {transfer.effective_date:%d.%m.%Y}.",
            subject_kind=SubjectKind.SERVICE_TRANSFER,
        )
        if paper is not None:
            item = ensure_item(None, counter, meeting, transfer.name, paper)
            if item is not None:
                vote_and_decide(None, counter, item, ensure_attendance(None, counter, meeting), abstaining=None)
        governance.meeting_set_state(actor=None, meeting=meeting, state=MeetingState.HELD)


def bodies_for(key: str, za: Committee, bodies: tuple[Committee, Committee] | None) -> list[Any]:
    return list(bodies) if key == "KAAW" and bodies is not None else [za]
