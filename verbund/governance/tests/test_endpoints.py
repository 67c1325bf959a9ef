"""Generic endpoint tests of governance (verbund.core.testing), API and pages.

Committee business is seen through the role's permission (staff, auditors, committee members) or, for a member
contact, through a seat: alice (Telgte) and bob (Ahlen) hold seats in the Zentralausschuss (ZA) only. So
"another member cannot see it" is checked on the business of the Arbeitsausschuss (AA), where neither holds a
seat (pages: 404, absent from lists; the API, where a member contact has no governance permission: 404), and on
alice's seat (bob cannot vote for it). The read-only role is the committee member of the Kreis (it sees
everything, and may vote for its own seat only) or the auditor.
"""

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from verbund.core.testing import Bad, Endpoint, EndpointTests


def _business(ctx):
    """The ZA meeting (invited, everybody present) with a voting item; an AA meeting with a paper and an item."""
    from verbund.governance import services

    setup = ctx.committee_setup
    meeting = setup["meeting"]
    for key in ("telgte", "ahlen", "kreis"):
        services.attendance_record(actor=None, meeting=meeting, membership=setup["seats"][key], present=True)
    item = services.agenda_item_add(actor=None, meeting=meeting, name="Haushalt 2027")
    closed = services.meeting_schedule(
        actor=None,
        committee=setup["working"],
        name="Sitzung des Arbeitsausschusses",
        start=dt.datetime(2026, 11, 12, 10, 0, tzinfo=dt.UTC),
    )
    closed_item = services.agenda_item_add(actor=None, meeting=closed, name="Netzwerk")
    # A non-public paper, consulted only in the AA (in a non-public item): for the AA's seats and staff only.
    paper = services.paper_create(
        actor=None,
        body=ctx.registry["citeq"],
        reference="AA-V-2026/01",
        name="Personalsache",
        date=dt.date(2026, 11, 1),
        public=False,
    )
    services.agenda_item_add(actor=None, meeting=closed, name="Personalsache", paper=paper, public=False)
    return {
        "meeting": meeting,
        "item": item,
        "closed": closed,
        "closed_item": closed_item,
        "paper": paper,
        "committee": setup["working"],
        "kreis_user": setup["kreis_user"],
        "seats": setup["seats"],
    }


def _voted(ctx):
    from verbund.governance import services

    objects = _business(ctx)
    for key, user in (("telgte", ctx.alice), ("ahlen", ctx.bob), ("kreis", objects["kreis_user"])):
        services.vote_cast(actor=user, agenda_item=objects["item"], membership=objects["seats"][key], choice="yes")
    return objects


def _decided(ctx):
    from verbund.governance import services

    objects = _voted(ctx)
    return {**objects, "decision": services.decision_record(actor=None, agenda_item=objects["item"])}


def _two_items(ctx):
    from verbund.governance import services

    objects = _business(ctx)
    services.agenda_item_add(actor=None, meeting=objects["closed"], name="Verschiedenes")
    return objects


def _closed_meeting(ctx):
    return {"meeting_id": ctx.closed.pk}


def _closed_item(ctx):
    return {"item_id": ctx.closed_item.pk}


def _item(ctx):
    return {"item_id": ctx.item.pk}


def _vote(ctx, choice="yes"):
    return {"membership": ctx.seats["telgte"].pk, "choice": choice}


def _paper_form(ctx, **values):
    return {
        "body": ctx.registry["citeq"].pk,
        "reference": "ZA-V-2026/09",
        "name": "Vorlage Rechenzentrum",
        "paper_type": "resolution",
        "date": "2026-11-20",
        **values,
    }


def _new_meeting(ctx, **values):
    return {"committee_id": ctx.committee.pk, "name": "Zweite Sitzung", "start": "2026-12-10T10:00:00+01:00", **values}


def _new_paper(ctx, **values):
    body = ctx.registry["citeq"].pk
    return {"body_id": body, "reference": "AA-V-2026/02", "name": "Vorlage Telefonie", "date": "2026-11-20", **values}


# Found by these tests (issue #11), fixed since: a seat holder sees a non-public paper only where one of its seat
# committees consults it (`governance.querysets.seat_paper_ids`), so bob's ZA seat does not open the AA's paper.
BUSINESS: dict[str, Any] = {"setup": _business}
# Staff actions: a member contact lacks the permission (403 before any object is fetched); the committee member
# of the Kreis sees everything but may not act as staff (403).
STAFF: dict[str, Any] = {"kind": "write", "other_status": 403, "read_only": "kreis_user", **BUSINESS}
API_STAFF: dict[str, Any] = {**STAFF, "status": 201}


class TestEndpoints(EndpointTests):
    endpoints = (
        # REST API (a member contact has no governance permission: empty lists, 404)
        Endpoint("api:committees_list", kind="list", shows=lambda ctx: "Arbeitsausschuss", **BUSINESS),
        Endpoint("api:committees_get", kwargs=lambda ctx: {"committee_id": ctx.committee.pk}, **BUSINESS),
        Endpoint("api:meetings_list", kind="list", shows=lambda ctx: "Sitzung des Arbeitsausschusses", **BUSINESS),
        Endpoint("api:meetings_get", kwargs=_closed_meeting, **BUSINESS),
        Endpoint("api:papers_list", kind="list", shows=lambda ctx: "AA-V-2026/01", **BUSINESS),
        Endpoint("api:agenda_items_tally", kwargs=_closed_item, **BUSINESS),
        # Decisions of public items are public record (ADR 0016): every member contact with a seat sees them.
        Endpoint("api:decisions_list", kind="list", shows=lambda ctx: ctx.decision.number, setup=_decided, other=None),
        Endpoint(
            "api:meetings_create",
            data=_new_meeting,
            bad=Bad(lambda ctx: _new_meeting(ctx, start="morgen"), field="start"),
            **API_STAFF,
        ),
        Endpoint(
            "api:meetings_state",
            kwargs=_closed_meeting,
            data={"state": "invited"},
            bad=Bad({"state": "vertagt"}, field="state"),
            **{**STAFF, "status": 200},
        ),
        Endpoint(
            "api:agenda_items_create",
            kwargs=_closed_meeting,
            data={"name": "Verschiedenes"},
            bad=Bad({"name": "x" * 256}, field="name"),
            **API_STAFF,
        ),
        Endpoint(
            "api:attendance_record",
            kwargs=lambda ctx: {"meeting_id": ctx.meeting.pk},
            data=lambda ctx: {"membership_id": ctx.seats["telgte"].pk, "present": False},
            bad=Bad({"membership_id": 0}, field="membership_id"),
            **{**STAFF, "status": 200},
        ),
        Endpoint(
            "api:papers_create",
            data=_new_paper,
            bad=Bad(lambda ctx: _new_paper(ctx, date="2026-13-01"), field="date"),
            **API_STAFF,
        ),
        Endpoint(
            "api:votes_cast",
            kind="write",
            kwargs=_item,
            user="alice",
            status=201,
            data=lambda ctx: {"membership_id": ctx.seats["telgte"].pk, "choice": "no"},
            bad=Bad(lambda ctx: {"membership_id": ctx.seats["telgte"].pk, "choice": "vielleicht"}, field="choice"),
            other_status=422,  # bob may not vote for Telgte's seat: the service names the seat
            read_only="kreis_user",
            read_only_status=422,
            **BUSINESS,
        ),
        Endpoint(
            "api:decisions_record",
            kwargs=_item,
            data={},
            bad=Bad({"decided_on": "gestern"}, field="decided_on"),
            **{**STAFF, "setup": _voted, "status": 201},
        ),
        # Pages
        Endpoint("governance:committee_list", kind="list", shows=lambda ctx: "Arbeitsausschuss", **BUSINESS),
        Endpoint("governance:committee_detail", kwargs=lambda ctx: {"committee_id": ctx.committee.pk}, **BUSINESS),
        Endpoint(
            "governance:meeting_list",
            kind="list",
            query={"year": 2026},
            shows=lambda ctx: "Sitzung des Arbeitsausschusses",
            **BUSINESS,
        ),
        Endpoint("governance:meeting_detail", kwargs=_closed_meeting, **BUSINESS),
        Endpoint("governance:meeting_invitation_pdf", kwargs=_closed_meeting, **BUSINESS),
        Endpoint("governance:meeting_minutes_pdf", kwargs=_closed_meeting, **BUSINESS),
        Endpoint("governance:agenda_item_detail", kwargs=_closed_item, **BUSINESS),
        Endpoint("governance:agenda_item_tally", kwargs=_closed_item, **BUSINESS),
        Endpoint(
            "governance:paper_list",
            kind="list",
            shows=lambda ctx: "AA-V-2026/01",
            **BUSINESS,
        ),
        Endpoint("governance:paper_detail", kwargs=lambda ctx: {"paper_id": ctx.paper.pk}, **BUSINESS),
        # The register lists decisions of public items, public record for every seat holder (ADR 0016).
        Endpoint("governance:decision_register", kind="list", other=None, **BUSINESS),
        Endpoint(
            "governance:meeting_state",
            kwargs=_closed_meeting,
            data={"state": "invited"},
            bad=Bad({"state": "vertagt"}, field="state", message=lambda: "vertagt"),
            bad_status=302,
            **STAFF,
        ),
        Endpoint(
            "governance:agenda_item_add",
            kwargs=_closed_meeting,
            data={"agenda-name": "Verschiedenes", "agenda-public": "on"},
            bad=Bad({"agenda-name": "", "agenda-paper": ""}, field="name"),
            **STAFF,
        ),
        Endpoint(
            "governance:agenda_item_move",
            kwargs=_closed_item,
            setup=_two_items,
            data={"direction": "down"},
            **{key: value for key, value in STAFF.items() if key != "setup"},
        ),
        Endpoint(
            "governance:attendance_record",
            kwargs=lambda ctx: {"meeting_id": ctx.meeting.pk},
            data=lambda ctx: {f"attendance-seat_{ctx.seats['telgte'].pk}": "absent"},
            bad=Bad(
                lambda ctx: {f"attendance-seat_{ctx.seats['telgte'].pk}": "vielleicht"},
                field=lambda ctx: f"seat_{ctx.seats['telgte'].pk}",
            ),
            **STAFF,
        ),
        Endpoint("governance:paper_create", other_status=403, **BUSINESS),
        Endpoint(
            "governance:paper_create",
            data=_paper_form,
            bad=Bad(lambda ctx: _paper_form(ctx, date="gestern"), field="date"),
            **STAFF,
        ),
        Endpoint(
            "governance:vote_cast",
            kind="write",
            kwargs=_item,
            user="alice",
            data=_vote,
            bad=Bad(
                lambda ctx: _vote(ctx, "vielleicht"),
                field="choice",
                message=lambda: _("Choose a seat and vote yes, no or abstain."),
            ),
            bad_status=302,
            other_status=302,  # bob may not vote for Telgte's seat: back to the item with the service's message
            read_only="kreis_user",
            read_only_status=302,
            **BUSINESS,
        ),
        Endpoint(
            "governance:decision_record",
            kwargs=_item,
            data={"resolution_text": "Der Haushalt 2027 wird beschlossen."},
            bad=Bad(
                {"resolution_text": "Haushalt\x00"},
                field="resolution_text",
                message=lambda: _("The resolution could not be read."),
            ),
            bad_status=302,
            **{**STAFF, "setup": _voted},
        ),
    )
