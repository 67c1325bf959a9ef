"""Which rows the OParl endpoint publishes, with everything a list page needs in a fixed number of queries.

Each OParl type is a `Kind`: its rows (published ones, live or soft-deleted, with `select_related`/`Prefetch` for
the embedded objects), the condition that makes a row count as deleted, and how a row belongs to a Body.
Two annotations serve the serializers and the list filters:

- `oparl_modified`: the newest `modified` of the row and of the objects embedded in it (OParl 1.1: a change to
  an embedded object changes the embedding object), e.g. a meeting is modified when one of its public agenda
  items is (a decision recorded on it, a deletion). Reporting a change too often is harmless for a client;
  missing one is not.
- `oparl_gone`: soft-deleted, or without its parent for derived objects (a consultation of a deleted paper or
  agenda item, a file of a deleted paper).

Never published (absent from every list, 404 when fetched): agenda items marked non-public (with their decision,
which only appears as `result`/`resolutionText` of its agenda item), papers with `public=False`, papers discussed
only on non-public agenda items, and the consultations and files of such papers.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, Greatest

from verbund.governance.choices import CommitteeKind
from verbund.governance.models import (
    AgendaItem,
    Attachment,
    Committee,
    LegislativeTerm,
    Meeting,
    Membership,
    Paper,
    Person,
)
from verbund.registry.choices import OrganizationKind
from verbund.registry.models import Organization

# Organisations published as an OParl Body (when at least one committee belongs to them).
BODY_KINDS = (OrganizationKind.PROVIDER, OrganizationKind.ASSOCIATION)


def body_ids() -> "QuerySet[Organization, Any]":
    """The ids of the organisations published as a Body: provider or association with a committee."""
    return (
        Organization.objects.filter(kind__in=BODY_KINDS)
        .filter(Exists(Committee.objects.filter(body=OuterRef("pk"))))
        .values("pk")
    )


def _newest(queryset: QuerySet[Any], fk: str) -> Coalesce:
    """The newest `modified` among the related rows, or the row's own when there are none."""
    latest = queryset.filter(**{fk: OuterRef("pk")}).order_by("-modified").values("modified")[:1]
    return Coalesce(Subquery(latest), F("modified"))


def _modified(*related: Combinable) -> Combinable:
    return Greatest(F("modified"), *related) if related else F("modified")


def _flag(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


def paper_published(ref: str = "pk", prefix: str = "") -> Q:
    """Public papers, unless every live agenda item that discusses them is non-public."""
    items = AgendaItem.objects.alive().filter(paper=OuterRef(ref))
    return Q(**{f"{prefix}public": True}) & (Exists(items.filter(public=True)) | ~Exists(items.filter(public=False)))


# A public agenda item has a published consultation when its paper is public and not deleted.
CONSULTABLE = Q(paper__isnull=False, paper__public=True, paper__deleted=False)


def _public_order() -> Coalesce:
    """An agenda item's `order`: its index among the meeting's live public items (0-based, no gaps)."""
    before = (
        AgendaItem.objects.alive()
        .filter(meeting=OuterRef("meeting"), public=True, position__lt=OuterRef("position"))
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(before), Value(0))


def embedded_agenda_items() -> QuerySet[AgendaItem]:
    return (
        AgendaItem.objects.alive()
        .filter(public=True)
        .select_related("decision")
        .annotate(oparl_consultable=_flag(CONSULTABLE))
        .order_by("position", "pk")
    )


def embedded_memberships() -> QuerySet[Membership]:
    return Membership.objects.alive().order_by("pk")


def embedded_files() -> QuerySet[Attachment]:
    """Live files; `modified` as when fetched alone (see `_files`)."""
    return (
        Attachment.objects.alive()
        .defer("content")
        .annotate(oparl_modified=Greatest(F("modified"), F("paper__modified")))
        .order_by("pk")
    )


def embedded_consultations() -> QuerySet[AgendaItem]:
    """Live consultations (public agenda items) of a paper; `modified` as when fetched alone."""
    return (
        AgendaItem.objects.alive()
        .filter(public=True)
        .select_related("decision", "meeting__committee")
        .annotate(oparl_modified=Greatest(F("modified"), F("paper__modified")))
        .order_by("meeting__start", "position", "pk")
    )


def _bodies() -> QuerySet[Organization]:
    terms = LegislativeTerm.objects.alive().order_by("start_date", "pk")
    main = Committee.objects.alive().filter(body=OuterRef("pk"), kind=CommitteeKind.CENTRAL).order_by("pk")
    return (
        Organization.objects.filter(pk__in=body_ids())
        .annotate(
            oparl_modified=_modified(_newest(LegislativeTerm.objects.all(), "body")),
            oparl_gone=Value(False),
            oparl_main=Subquery(main.values("pk")[:1]),
        )
        .prefetch_related(Prefetch("legislative_terms", queryset=terms, to_attr="oparl_terms"))
    )


def _committees() -> QuerySet[Committee]:
    return Committee.objects.annotate(
        oparl_modified=_modified(_newest(Membership.objects.all(), "committee"))
    ).prefetch_related(
        Prefetch("memberships", queryset=embedded_memberships().only("pk", "committee_id"), to_attr="oparl_members")
    )


def _persons() -> QuerySet[Person]:
    first_body = (
        Membership.objects.filter(person=OuterRef("pk"), committee__body__in=body_ids())
        .order_by("pk")
        .values("committee__body_id")[:1]
    )
    return Person.objects.annotate(
        oparl_modified=_modified(_newest(Membership.objects.all(), "person")),
        oparl_body=Subquery(first_body),
    ).prefetch_related(Prefetch("memberships", queryset=embedded_memberships(), to_attr="oparl_members"))


def _memberships() -> QuerySet[Membership]:
    return Membership.objects.annotate(oparl_modified=F("modified"))


def _meetings() -> QuerySet[Meeting]:
    return Meeting.objects.annotate(
        oparl_modified=_modified(_newest(AgendaItem.objects.filter(public=True), "meeting"))
    ).prefetch_related(Prefetch("agenda_items", queryset=embedded_agenda_items(), to_attr="oparl_items"))


def _agenda_items() -> QuerySet[AgendaItem]:
    return (
        AgendaItem.objects.filter(public=True)
        .select_related("decision")
        .annotate(oparl_modified=F("modified"), oparl_order=_public_order(), oparl_consultable=_flag(CONSULTABLE))
    )


def _papers() -> QuerySet[Paper]:
    return (
        Paper.objects.filter(paper_published())
        .annotate(
            oparl_modified=_modified(
                _newest(AgendaItem.objects.filter(public=True), "paper"), _newest(Attachment.objects.all(), "paper")
            )
        )
        .prefetch_related(
            Prefetch("agenda_items", queryset=embedded_consultations(), to_attr="oparl_consultations"),
            Prefetch("attachments", queryset=embedded_files(), to_attr="oparl_files"),
        )
    )


def _consultations() -> QuerySet[AgendaItem]:
    return (
        AgendaItem.objects.filter(public=True, paper__isnull=False, paper__public=True)
        .select_related("decision", "meeting__committee")
        .annotate(
            oparl_modified=Greatest(F("modified"), F("paper__modified")),
            oparl_gone=_flag(Q(deleted=True) | Q(paper__deleted=True)),
        )
    )


def _files() -> QuerySet[Attachment]:
    return (
        Attachment.objects.defer("content")
        .filter(paper_published(ref="paper_id", prefix="paper__"))
        .annotate(
            oparl_modified=Greatest(F("modified"), F("paper__modified")),
            oparl_gone=_flag(Q(deleted=True) | Q(paper__deleted=True)),
        )
    )


def _terms() -> QuerySet[LegislativeTerm]:
    return LegislativeTerm.objects.annotate(oparl_modified=F("modified"))


def _locations() -> QuerySet[Meeting]:
    return Meeting.objects.exclude(location="").annotate(oparl_modified=F("modified"))


def _person_in(bodies: Any) -> Q:
    return Q(Exists(Membership.objects.filter(person=OuterRef("pk"), committee__body__in=bodies)))


@dataclass(frozen=True)
class Kind:
    """One OParl object type: its published rows, what counts as deleted, how a row belongs to a Body."""

    name: str  # the URL segment and OParl property name, e.g. "agendaItem"
    rows: Callable[[], QuerySet[Any]]
    gone: Q | None  # None: never deleted (Body)
    in_bodies: Callable[[Any], Q]  # rows of these bodies (a list of ids or a subquery)

    def published(self) -> QuerySet[Any]:
        """Every row that may be fetched alone: of a published Body, live or deleted."""
        return self.rows().filter(self.in_bodies(body_ids()))

    def live(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset if self.gone is None else queryset.exclude(self.gone)


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("body", _bodies, None, lambda bodies: Q(pk__in=bodies)),
        Kind("organization", _committees, Q(deleted=True), lambda bodies: Q(body__in=bodies)),
        Kind("person", _persons, Q(deleted=True), _person_in),
        Kind("membership", _memberships, Q(deleted=True), lambda bodies: Q(committee__body__in=bodies)),
        Kind("meeting", _meetings, Q(deleted=True), lambda bodies: Q(committee__body__in=bodies)),
        Kind("agendaItem", _agenda_items, Q(deleted=True), lambda bodies: Q(meeting__committee__body__in=bodies)),
        Kind("paper", _papers, Q(deleted=True), lambda bodies: Q(body__in=bodies)),
        Kind(
            "consultation",
            _consultations,
            Q(deleted=True) | Q(paper__deleted=True),
            lambda bodies: Q(meeting__committee__body__in=bodies),
        ),
        Kind("file", _files, Q(deleted=True) | Q(paper__deleted=True), lambda bodies: Q(paper__body__in=bodies)),
        Kind("legislativeTerm", _terms, Q(deleted=True), lambda bodies: Q(body__in=bodies)),
        Kind("location", _locations, Q(deleted=True), lambda bodies: Q(committee__body__in=bodies)),
    )
}

# External lists of an Organization (committee): Organization.meeting and Organization.consultation.
ORGANIZATION_LISTS: dict[str, Callable[[int], Q]] = {
    "meeting": lambda committee_id: Q(committee_id=committee_id),
    "consultation": lambda committee_id: Q(meeting__committee_id=committee_id),
}
