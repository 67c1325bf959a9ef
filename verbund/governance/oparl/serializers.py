"""One function per OParl type: a row, as prepared by `queries`, to its JSON object. No function queries the
database; every relation it reads was selected or prefetched by the row's `Kind`.

Mapping of the governance models: Committee → Organization, Person → Person, Membership → Membership, Meeting →
Meeting (its place → an embedded Location with the id /location/<meeting id>), public AgendaItem → AgendaItem
(`position` → `order`, renumbered over the public items), the Decision on an item → its `result` and
`resolutionText`, Paper → Paper, a public agenda item that discusses a paper → Consultation (id
/consultation/<agenda item id>), Attachment → File, LegislativeTerm → LegislativeTerm, the provider or association
→ Body.

Membership.onBehalfOf is left out: it must reference an OParl Organization of this system, and the member
(municipality, district) a seat is held for is a registry organisation, not a published committee. Person.title
(title or office) is output as `status`, OParl's property for offices such as "Bürgermeisterin".
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from verbund.governance.choices import OPARL_MEETING_STATE, MeetingState
from verbund.governance.oparl.common import (
    BODY_CLASSIFICATION,
    CLASSIFICATION_ADVISORY,
    CLASSIFICATION_DECIDING,
    CONSULTATION_DECIDING,
    CONSULTATION_NOTING,
    CONSULTATION_PREPARING,
    JSON,
    OPARL_VERSION,
    ORGANIZATION_TYPE,
    PAPER_TYPE_LABELS,
    RESULT_LABELS,
    ROLE_LABELS,
    Context,
    build,
    compact,
    date_or_none,
    license_url,
    oparl_type,
    timestamp,
)

BODY_LISTS = ("organization", "person", "meeting", "paper", "membership", "agendaItem", "consultation", "file")


def _decision(item: Any) -> Any:
    """The decision on an agenda item, or None (selected with the item, so this never queries)."""
    try:
        return item.decision
    except ObjectDoesNotExist:
        return None


def system(ctx: Context, *, website: str, vendor: str, product: str, bodies: list[Any]) -> JSON:
    """The endpoint. Created with the first body, modified with the latest change to a body."""
    emails = [org.email for org in bodies if org.email]
    first = min((org.created for org in bodies), default=timezone.now())
    last = max((org.modified for org in bodies), default=first)
    fields = {
        "oparlVersion": OPARL_VERSION,
        "body": ctx.url("body"),
        "name": "Verbund",
        "license": license_url(),
        "contactEmail": emails[0] if emails else None,
        "website": website,
        "vendor": vendor,
        "product": product,
    }
    return {
        "id": ctx.base,
        "type": oparl_type("System"),
        **compact(fields),
        "created": timestamp(first),
        "modified": timestamp(last),
    }


def body(org: Any, ctx: Context) -> JSON:
    fields: JSON = {
        "system": ctx.base,
        "name": org.name,
        "shortName": org.short_name,
        "ags": org.ags if len(org.ags) == 8 and org.ags.isdigit() else None,
        "rgs": org.ars if len(org.ars) == 12 and org.ars.isdigit() else None,
        "license": license_url(),
        "contactEmail": org.email,
        "classification": BODY_CLASSIFICATION.get(org.kind),
        "mainOrganization": ctx.url("organization", org.oparl_main) if org.oparl_main else None,
        **{name: ctx.url("body", org.pk, name) for name in BODY_LISTS},
        "legislativeTermList": ctx.url("body", org.pk, "legislativeTerm"),
        "locationList": ctx.url("body", org.pk, "location"),
        # Mandatory in Body.json, so it stays even with omit_internal (and is [] when there is no term).
        "legislativeTerm": [legislative_term(term, ctx) for term in org.oparl_terms],
    }
    return build(ctx, "Body", ("body", org.pk), org, fields, keep=frozenset({"legislativeTerm"}))


def legislative_term(term: Any, ctx: Context) -> JSON:
    fields = {
        "body": ctx.url("body", term.body_id),
        "name": term.name,
        "startDate": date_or_none(term.start_date),
        "endDate": date_or_none(term.end_date),
    }
    return build(ctx, "LegislativeTerm", ("legislativeTerm", term.pk), term, fields)


def organization(committee: Any, ctx: Context) -> JSON:
    fields = {
        "body": ctx.url("body", committee.body_id),
        "name": committee.name,
        "shortName": committee.short_name,
        "membership": [ctx.url("membership", seat.pk) for seat in committee.oparl_members],
        "meeting": ctx.url("organization", committee.pk, "meeting"),
        "consultation": ctx.url("organization", committee.pk, "consultation"),
        "subOrganizationOf": ctx.url("organization", committee.parent_id) if committee.parent_id else None,
        "organizationType": ORGANIZATION_TYPE,
        "classification": CLASSIFICATION_ADVISORY if committee.advisory else CLASSIFICATION_DECIDING,
        "startDate": date_or_none(committee.start_date),
    }
    return build(ctx, "Organization", ("organization", committee.pk), committee, fields)


def person(row: Any, ctx: Context) -> JSON:
    fields = {
        "body": ctx.url("body", row.oparl_body) if row.oparl_body else None,
        "name": row.name,
        "familyName": row.family_name,
        "givenName": row.given_name,
        "formOfAddress": row.form_of_address,
        "status": [row.title] if row.title else None,
        "membership": None
        if ctx.omit_internal
        else [membership(seat, ctx, embedded=True) for seat in row.oparl_members],
    }
    return build(ctx, "Person", ("person", row.pk), row, fields)


def membership(seat: Any, ctx: Context, *, embedded: bool = False) -> JSON:
    fields = {
        "person": None if embedded else ctx.url("person", seat.person_id),
        "organization": ctx.url("organization", seat.committee_id),
        "role": ROLE_LABELS.get(seat.role, seat.role),
        "votingRight": seat.voting_right,
        "startDate": date_or_none(seat.start_date),
        "endDate": date_or_none(seat.end_date),
    }
    return build(ctx, "Membership", ("membership", seat.pk), seat, fields)


def meeting(row: Any, ctx: Context) -> JSON:
    internal = not ctx.omit_internal
    fields = {
        "name": row.name,
        "meetingState": OPARL_MEETING_STATE.get(row.state),
        "cancelled": row.state == MeetingState.CANCELLED,
        "start": timestamp(row.start),
        "end": timestamp(row.end) if row.end else None,
        "location": location(row, ctx, embedded=True) if internal and row.location else None,
        "organization": [ctx.url("organization", row.committee_id)],
        "agendaItem": [agenda_item(item, ctx, order=index) for index, item in enumerate(row.oparl_items)]
        if internal
        else None,
    }
    return build(ctx, "Meeting", ("meeting", row.pk), row, fields)


def location(row: Any, ctx: Context, *, embedded: bool = False) -> JSON:
    """The place of a meeting (a Meeting row); `modified` is the meeting's own, wherever it is output."""
    fields = {"description": row.location, "meetings": None if embedded else [ctx.url("meeting", row.pk)]}
    return build(ctx, "Location", ("location", row.pk), row, fields, modified=row.modified)


def agenda_item(item: Any, ctx: Context, *, order: int | None = None) -> JSON:
    decision = _decision(item)
    fields = {
        "meeting": ctx.url("meeting", item.meeting_id),
        "number": item.number,
        "order": item.oparl_order if order is None else order,
        "name": item.name,
        "public": item.public,
        "consultation": ctx.url("consultation", item.pk) if item.oparl_consultable else None,
        "result": RESULT_LABELS.get(decision.result) if decision else None,
        "resolutionText": decision.resolution_text if decision else None,
    }
    return build(ctx, "AgendaItem", ("agendaItem", item.pk), item, fields)


def paper(row: Any, ctx: Context) -> JSON:
    internal = not ctx.omit_internal
    files = row.oparl_files if internal else []
    fields = {
        "body": ctx.url("body", row.body_id),
        "name": row.name,
        "reference": row.reference,
        "date": date_or_none(row.date),
        "paperType": PAPER_TYPE_LABELS.get(row.paper_type),
        "mainFile": file(files[0], ctx, embedded=True) if files else None,
        "auxiliaryFile": [file(extra, ctx, embedded=True) for extra in files[1:]],
        "consultation": [consultation(item, ctx) for item in row.oparl_consultations] if internal else None,
    }
    return build(ctx, "Paper", ("paper", row.pk), row, fields)


def consultation(item: Any, ctx: Context) -> JSON:
    """A public agenda item that discusses a paper. Authoritative when a decision was recorded by a deciding
    (not advisory) committee; the role follows the committee and whether the item is voted on."""
    committee = item.meeting.committee
    if committee.advisory:
        role = CONSULTATION_PREPARING
    else:
        role = CONSULTATION_DECIDING if item.decides else CONSULTATION_NOTING
    fields = {
        "paper": ctx.url("paper", item.paper_id),
        "agendaItem": ctx.url("agendaItem", item.pk),
        "meeting": ctx.url("meeting", item.meeting_id),
        "organization": [ctx.url("organization", committee.pk)],
        "authoritative": _decision(item) is not None and not committee.advisory,
        "role": role,
    }
    return build(ctx, "Consultation", ("consultation", item.pk), item, fields)


def file(attachment: Any, ctx: Context, *, embedded: bool = False) -> JSON:
    fields = {
        "name": attachment.name,
        "fileName": attachment.file_name,
        "mimeType": attachment.mime_type,
        "size": attachment.size,
        "sha512Checksum": attachment.sha512,
        "accessUrl": ctx.url("file", attachment.pk, "download"),
        "paper": None if embedded else [ctx.url("paper", attachment.paper_id)],
    }
    return build(ctx, "File", ("file", attachment.pk), attachment, fields)


SERIALIZERS: dict[str, Callable[[Any, Context], JSON]] = {
    "body": body,
    "organization": organization,
    "person": person,
    "membership": membership,
    "meeting": meeting,
    "agendaItem": agenda_item,
    "paper": paper,
    "consultation": consultation,
    "file": file,
    "legislativeTerm": legislative_term,
    "location": location,
}
