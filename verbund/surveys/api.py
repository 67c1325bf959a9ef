"""REST API of satisfaction surveys (/api/v1/surveys/...): questionnaires, waves and their results.

Reads go through the access layer: staff see every questionnaire and wave; a member contact sees no
questionnaire, the closed waves it was asked in, and of their results only its own member's figures and the
overall ones. Writes check the role's permission first (403); refused business rules are 422 naming the field.
The answers themselves are given on the answer page (a link with a token), never through the API.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from verbund.catalog.models import Product
from verbund.core.access import Action, require_permission
from verbund.core.api_types import BoundedLimitOffsetPagination, Day, Id, Year
from verbund.registry.models import Organization
from verbund.surveys import selectors, services
from verbund.surveys.choices import QuestionKind
from verbund.surveys.engine.stats import Interval
from verbund.surveys.models import Question, Questionnaire, Wave

router = Router(tags=["surveys"])


class OptionIO(Schema):
    code: str = Field(..., max_length=20)
    de: str = Field(..., max_length=200)
    en: str = Field("", max_length=200)


class QuestionIn(Schema):
    series_key: str = Field(..., max_length=40)
    kind: QuestionKind
    text: str = Field(..., min_length=1, max_length=500)
    text_en: str = Field("", max_length=500)
    options: list[OptionIO] = Field([], max_length=50)
    required: bool = False
    product_id: Id | None = None
    category: str = Field("", max_length=30)


class SectionIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    title_en: str = Field("", max_length=200)
    questions: list[QuestionIn] = Field(..., min_length=1, max_length=200)


class QuestionnaireIn(Schema):
    provider_id: Id
    name: str = Field(..., min_length=1, max_length=200)
    sections: list[SectionIn] = Field(..., min_length=1, max_length=50)


class QuestionOut(Schema):
    id: int
    section: str
    series_key: str
    kind: str
    text: str
    text_en: str
    options: list[dict[str, str]]
    required: bool
    product_id: int | None
    category: str
    wording: str = Field(..., description="fingerprint of the wording; a change breaks the year-over-year series")

    @staticmethod
    def resolve_section(obj: Question) -> str:
        return obj.section.title

    @staticmethod
    def resolve_options(obj: Question) -> list[dict[str, str]]:
        return obj.option_list()


class QuestionnaireOut(Schema):
    id: int
    provider_id: int
    name: str
    version: int
    previous_id: int | None
    used: bool
    demo: bool


class QuestionnaireDetailOut(QuestionnaireOut):
    questions: list[QuestionOut]

    @staticmethod
    def resolve_questions(obj: Questionnaire) -> list[Question]:
        return list(obj.questions.select_related("section"))


class WaveIn(Schema):
    questionnaire_id: Id
    year: Year
    name: str = Field("", max_length=200)
    opens_on: Day
    closes_on: Day


class WaveOut(Schema):
    id: int
    provider_id: int
    questionnaire_id: int
    year: int
    name: str
    status: str
    opens_on: dt.date
    closes_on: dt.date
    demo: bool
    analysed_at: dt.datetime | None


class FigureOut(Schema):
    value: float | None = Field(None, description="top-2-box share (1–5) or NPS as a fraction (0–10 item)")
    low: float | None = None
    high: float | None = None
    mean: float | None = None
    n: int = 0


class QuestionResultOut(Schema):
    series_key: str
    kind: str
    text: str
    overall: FigureOut
    member_weighted: FigureOut
    member: FigureOut | None
    previous: FigureOut | None
    comparable: bool | None = Field(None, description="False: the wording changed; no comparison")
    p_value: float | None = None


class SurveyResultsOut(Schema):
    wave_id: int
    responses: int
    invited: int
    member_id: int | None
    member_responses: int | None
    member_invited: int | None
    weighting: str
    questions: list[QuestionResultOut]


def _figure(head: Interval | None, mean: Interval | None = None, n: int = 0) -> FigureOut:
    return FigureOut(
        value=head.point if head else None,
        low=head.low if head else None,
        high=head.high if head else None,
        mean=mean.point if mean else None,
        n=n,
    )


@router.get("/questionnaires", response=list[QuestionnaireOut], summary="Questionnaires the caller may see")
@paginate(BoundedLimitOffsetPagination)
def surveys_questionnaires_list(request: HttpRequest) -> Any:
    return selectors.questionnaires_for_user(request.user)


@router.get("/questionnaires/{questionnaire_id}", response=QuestionnaireDetailOut, summary="One questionnaire")
def surveys_questionnaire_get(request: HttpRequest, questionnaire_id: Id) -> Any:
    return selectors.questionnaire_get_for_user(user=request.user, questionnaire_id=questionnaire_id)


@router.post("/questionnaires", response={201: QuestionnaireDetailOut}, summary="Create a questionnaire")
@transaction.atomic
def surveys_questionnaire_create(request: HttpRequest, payload: QuestionnaireIn) -> Any:
    require_permission(request.user, "surveys.add_questionnaire")
    provider = get_object_or_404(Organization.objects.restrict(request.user), pk=payload.provider_id)
    questionnaire = services.questionnaire_create(actor=request.user, provider=provider, name=payload.name)
    for section_in in payload.sections:
        section = services.section_add(
            actor=request.user, questionnaire=questionnaire, title=section_in.title, title_en=section_in.title_en
        )
        for q in section_in.questions:
            product = None
            if q.product_id is not None:
                product = Product.objects.filter(pk=q.product_id).first()
                if product is None:
                    raise ValidationError({"product_id": "Unknown product."})
            services.question_add(
                actor=request.user,
                section=section,
                series_key=q.series_key,
                kind=q.kind,
                text=q.text,
                text_en=q.text_en,
                options=[o.dict() for o in q.options],
                required=q.required,
                product=product,
                category=q.category,
            )
    return 201, questionnaire


@router.get("/waves", response=list[WaveOut], summary="Survey waves the caller may see")
@paginate(BoundedLimitOffsetPagination)
def surveys_waves_list(request: HttpRequest, year: Year | None = None) -> Any:
    waves = selectors.waves_for_user(request.user)
    return waves.filter(year=year) if year is not None else waves


@router.get("/waves/{wave_id}", response=WaveOut, summary="One survey wave")
def surveys_wave_get(request: HttpRequest, wave_id: Id) -> Any:
    return selectors.wave_get_for_user(user=request.user, wave_id=wave_id)


@router.post("/waves", response={201: WaveOut}, summary="Create a wave (a year's survey)")
def surveys_wave_create(request: HttpRequest, payload: WaveIn) -> Any:
    require_permission(request.user, "surveys.add_wave")
    questionnaire = get_object_or_404(
        Questionnaire.objects.restrict(request.user, Action.VIEW), pk=payload.questionnaire_id
    )
    wave = services.wave_create(
        actor=request.user,
        provider=questionnaire.provider,
        questionnaire=questionnaire,
        year=payload.year,
        name=payload.name,
        opens_on=payload.opens_on,
        closes_on=payload.closes_on,
    )
    return 201, wave


@router.get("/waves/{wave_id}/results", response=SurveyResultsOut, summary="Results of an analysed wave")
def surveys_wave_results(request: HttpRequest, wave_id: Id, member_id: Id | None = None) -> Any:
    wave: Wave = selectors.wave_get_for_user(user=request.user, wave_id=wave_id)
    results = selectors.wave_results(user=request.user, wave=wave, member_id=member_id)
    if results is None:
        raise HttpError(404, "The wave has not been analysed yet.")
    return SurveyResultsOut(
        wave_id=wave.pk,
        responses=results.responses,
        invited=results.invited,
        member_id=results.member.pk if results.member else None,
        member_responses=results.member_responses if results.member else None,
        member_invited=results.member_invited if results.member else None,
        weighting="each member counts equally (mean of member figures); overall counts every answer once",
        questions=[
            QuestionResultOut(
                series_key=row.question.series_key,
                kind=row.question.kind,
                text=row.question.text,
                overall=_figure(row.overall.headline, row.overall.mean, row.overall.n),
                member_weighted=_figure(row.weighted_head, row.weighted_mean),
                member=_figure(row.member.headline, row.member.mean, row.member.n) if row.member else None,
                previous=_figure(row.previous.headline, row.previous.mean, row.previous.n) if row.previous else None,
                comparable=row.comparison.comparable if row.comparison else None,
                p_value=row.comparison.headline.p_value if row.comparison and row.comparison.headline else None,
            )
            for row in results.rows
        ],
    )
