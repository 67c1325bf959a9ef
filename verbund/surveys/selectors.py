"""Reads of satisfaction surveys for a user. Everything starts from `restrict` (core/access.py): staff see every
wave; a member contact sees the closed waves its member was asked in, and of their results only its own member's
figures and the overall figures, never another member's."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from verbund.core.access import Action, user_sees_all
from verbund.registry.models import Organization
from verbund.surveys.choices import QuestionKind, WaveStatus
from verbund.surveys.engine.analysis import LIKERT, Comparison, Stat, compare, stat_from_json
from verbund.surveys.engine.stats import Interval
from verbund.surveys.models import Answer, Invitation, Question, Questionnaire, Target, Wave


def questionnaires_for_user(user: Any) -> "QuerySet[Questionnaire]":
    return Questionnaire.objects.restrict(user, Action.VIEW).select_related("provider")


def questionnaire_get_for_user(*, user: Any, questionnaire_id: int, action: str = Action.VIEW) -> Questionnaire:
    return get_object_or_404(Questionnaire.objects.restrict(user, action), pk=questionnaire_id)


def waves_for_user(user: Any) -> "QuerySet[Wave]":
    return Wave.objects.restrict(user, Action.VIEW).select_related("provider", "questionnaire")


def wave_get_for_user(*, user: Any, wave_id: int, action: str = Action.VIEW) -> Wave:
    return get_object_or_404(
        Wave.objects.restrict(user, action).select_related("provider", "questionnaire"), pk=wave_id
    )


def member_scope(user: Any) -> int | None:
    """None for staff (every member); a member contact's own organisation otherwise."""
    return None if user_sees_all(user) else user.organization_id


def wave_members(wave: Wave, user: Any) -> list[Organization]:
    """The members of the wave's target population the user may see results of."""
    targets = Target.objects.restrict(user, Action.VIEW).filter(wave=wave)
    return list(Organization.objects.filter(pk__in=targets.values("member_id")).order_by("name"))


def previous_wave(wave: Wave) -> Wave | None:
    return (
        Wave.objects.filter(provider_id=wave.provider_id, status=WaveStatus.CLOSED, year__lt=wave.year)
        .exclude(analysis=None)
        .order_by("-year")
        .first()
    )


@dataclass
class QuestionRow:
    question: Question
    overall: Stat
    weighted_head: Interval | None
    weighted_mean: Interval | None
    weighted_members: int
    member: Stat | None = None  # the chosen (or own) member's figures
    previous: Stat | None = None
    comparison: Comparison | None = None
    trace: list[Any] = field(default_factory=list)

    @property
    def is_likert(self) -> bool:
        return self.question.kind == QuestionKind.LIKERT

    @property
    def changed(self) -> bool:
        return self.comparison is not None and not self.comparison.comparable


@dataclass
class WaveResults:
    wave: Wave
    rows: list[QuestionRow]
    responses: int
    invited: int
    member: Organization | None
    member_responses: int = 0
    member_invited: int = 0
    previous: Wave | None = None
    members: list[tuple[Organization, int, int, float | None]] = field(default_factory=list)  # staff only
    products: list[tuple[Any, Stat, Stat | None]] = field(default_factory=list)
    offices: list[tuple[str, list[Stat | None]]] = field(default_factory=list)  # the member's offices × rows

    @property
    def rate(self) -> float | None:
        return self.responses / self.invited if self.invited else None

    @property
    def member_rate(self) -> float | None:
        return self.member_responses / self.member_invited if self.member_invited else None


def _stat(data: dict[str, Any] | None, kind: str) -> Stat | None:
    return None if not data else stat_from_json(kind, data)


def _interval(data: Sequence[float] | None) -> Interval | None:
    return None if not data else Interval(*data)


def wave_results(*, user: Any, wave: Wave, member_id: int | None = None) -> WaveResults | None:
    """The results of an analysed wave for the user: overall, member-weighted and (staff: any chosen member;
    a member contact: always its own) one member's figures, with the comparison to the previous closed wave."""
    analysis = wave.analysis
    if not analysis:
        return None
    scope = member_scope(user)
    if scope is not None:
        member_id = scope
    member = Organization.objects.filter(pk=member_id).first() if member_id else None
    previous = previous_wave(wave)
    previous_by_key: dict[str, tuple[str, str, dict[str, Any]]] = {}
    if previous is not None and previous.analysis:
        for data in previous.analysis["questions"].values():
            previous_by_key[data["series_key"]] = (data["kind"], data["wording"], data)
    questions = {
        str(q.pk): q
        for q in Question.objects.filter(questionnaire_id=wave.questionnaire_id).select_related("section", "product")
    }
    rows = []
    for key, data in analysis["questions"].items():
        question = questions.get(key)
        if question is None:
            continue
        kind = data["kind"]
        overall = stat_from_json(kind, data["overall"])
        row = QuestionRow(
            question=question,
            overall=overall,
            weighted_head=_interval(data["weighted"]["head"]),
            weighted_mean=_interval(data["weighted"]["mean"]),
            weighted_members=data["weighted"]["members"],
            member=_stat(data["members"].get(str(member_id)), kind) if member_id else None,
            trace=data.get("trace", []),
        )
        before = previous_by_key.get(data["series_key"])
        if before is not None:
            row.previous = stat_from_json(before[0], before[2]["overall"])
            row.comparison = compare(
                row.previous,
                overall,
                same_wording=before[1] == data["wording"] and before[0] == kind,
                series_key=data["series_key"],
            )
        rows.append(row)
    rows.sort(key=lambda r: (r.question.section.position, r.question.position))
    responses, invited = analysis["rate"]
    result = WaveResults(wave=wave, rows=rows, responses=responses, invited=invited, member=member, previous=previous)
    if member_id:
        result.member_responses, result.member_invited = analysis["rate_by_member"].get(str(member_id), [0, 0])
        by_office: dict[str, dict[str, Stat]] = {}
        for row in rows:
            data = analysis["questions"][str(row.question.pk)]
            for m, office, compact in data["offices"]:
                if m == member_id:
                    by_office.setdefault(office, {})[data["series_key"]] = stat_from_json(data["kind"], compact)
        result.offices = [
            (office, [cells.get(row.question.series_key) for row in rows])
            for office, cells in sorted(by_office.items())
        ]
    if scope is None:
        names = {o.pk: o for o in Organization.objects.filter(pk__in=[int(m) for m in analysis["rate_by_member"]])}
        for m, (r, i) in sorted(analysis["rate_by_member"].items(), key=lambda kv: names[int(kv[0])].name):
            result.members.append((names[int(m)], r, i, r / i if i else None))
    from verbund.catalog.models import Product

    products = {str(p.pk): p for p in Product.objects.filter(pk__in=[int(p) for p in analysis["products"]])}
    own = {str(p): s for p, m, s in analysis["product_members"] if member_id and m == member_id}
    for p, data in analysis["products"].items():
        if p in products:
            result.products.append((products[p], stat_from_json(LIKERT, data), _stat(own.get(p), LIKERT)))
    result.products.sort(key=lambda t: t[0].number)
    return result


@dataclass(frozen=True)
class TrendPoint:
    year: int
    point: float
    low: float
    high: float
    break_before: bool  # the wording changed against the previous point: the line is not drawn across it


def trend(*, user: Any, wave: Wave, series_key: str, member_id: int | None = None) -> list[TrendPoint]:
    """A question's headline figure over the closed waves of the provider up to this wave (overall, or the
    member's own)."""
    scope = member_scope(user)
    if scope is not None:
        member_id = scope
    points: list[TrendPoint] = []
    last_wording = None
    waves = (
        Wave.objects.restrict(user, Action.VIEW)
        .filter(provider_id=wave.provider_id, year__lte=wave.year)
        .exclude(analysis=None)
        .order_by("year")
    )
    for w in waves:
        for data in (w.analysis or {}).get("questions", {}).values():
            if data["series_key"] != series_key:
                continue
            source = data["members"].get(str(member_id)) if member_id else data["overall"]
            stat = _stat(source, data["kind"])
            if stat is None or stat.headline is None:
                continue
            head = stat.headline
            points.append(
                TrendPoint(
                    w.year,
                    head.point,
                    head.low,
                    head.high,
                    last_wording is not None and last_wording != data["wording"],
                )
            )
            last_wording = data["wording"]
    return points


@dataclass(frozen=True)
class OfficeProgress:
    member: str
    office: str
    staff: int
    invited: int
    unanswered: int


def outstanding_by_office(wave: Wave) -> list[OfficeProgress]:
    """Per office only how many invitations are not yet answered — never who."""
    rows = (
        Target.objects.filter(wave=wave)
        .select_related("member")
        .annotate(
            invited=Count("invitations"),
            unanswered=Count("invitations", filter=Q(invitations__used=False)),
        )
        .order_by("member__name", "office")
    )
    return [OfficeProgress(t.member.name, t.office, t.staff, t.invited, t.unanswered) for t in rows]  # type: ignore[attr-defined]


@dataclass(frozen=True)
class FreeText:
    question: str
    product: str
    text: str


def free_texts(
    *, user: Any, wave: Wave, query: str = "", product_id: int | None = None, limit: int = 500
) -> list[FreeText]:
    """The free-text answers the user may read (a member contact: its own member's), per product, searchable.
    Only the text: no member, office, date or any other detail that could lead to a person."""
    answers = (
        Answer.objects.restrict(user, Action.VIEW)
        .filter(response__wave=wave, question__kind=QuestionKind.TEXT)
        .exclude(text="")
        .select_related("question", "question__product")
        .order_by("question__product__number", "question__position", "id")
    )
    if query:
        answers = answers.filter(text__icontains=query[:100])
    if product_id:
        answers = answers.filter(question__product_id=product_id)
    return [
        FreeText(
            a.question.display_text,
            a.question.product.display_name if a.question.product else "",
            a.text,
        )
        for a in answers[:limit]
    ]


def latest_closed_wave(*, provider_id: int, year: int) -> Wave | None:
    """The KPIs' wave: the latest closed and analysed wave of the provider in `year` (system read, no user)."""
    return (
        Wave.objects.filter(provider_id=provider_id, year=year, status=WaveStatus.CLOSED)
        .exclude(analysis=None)
        .order_by("-closes_on", "-id")
        .first()
    )


def invitations_total(wave: Wave) -> int:
    return Invitation.objects.filter(wave=wave).count()
