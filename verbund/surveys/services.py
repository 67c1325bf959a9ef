"""Writes of satisfaction surveys. Every service is keyword-only, atomic, validates first and writes an audit event.

The answer page's services (`draft_save`, `response_submit`) have no user: they are called with the token of the
link. `response_submit` locks the invitation row, refuses a used invitation or a wave that does not accept answers,
and writes the response without any reference to the invitation; the invitation keeps only `used = True`.
"""

import datetime as dt
import logging
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from verbund.catalog.models import Product
from verbund.core.audit import audit_record, model_snapshot
from verbund.core.models import AuditAction
from verbund.jobs.kinds import Progress, no_progress
from verbund.registry.models import Organization
from verbund.surveys import engine
from verbund.surveys.choices import QuestionKind, ResponseSource, WaveStatus
from verbund.surveys.engine.analysis import result_json
from verbund.surveys.models import (
    Answer,
    Invitation,
    Question,
    Questionnaire,
    ReminderRun,
    Response,
    Section,
    Target,
    Wave,
    token_hash,
)

MAX_TEXT = 4000
logger = logging.getLogger(__name__)


class InvitationNotFound(LookupError):
    """No invitation has this token (the page answers 404, whatever the reason)."""


def _audit(actor: Any, action: AuditAction, obj: Any, scope: int | None, **extra: Any) -> None:
    audit_record(actor=actor, action=action, obj=obj, scope_organization_id=scope, **extra)


# ---------------------------------------------------------------- questionnaires


@transaction.atomic
def questionnaire_create(*, actor: Any, provider: Organization, name: str, demo: bool = False) -> Questionnaire:
    questionnaire = Questionnaire(provider=provider, name=name.strip(), version=1, demo=demo)
    questionnaire.full_clean()
    questionnaire.save()
    _audit(actor, AuditAction.CREATE, questionnaire, provider.pk, after=model_snapshot(questionnaire))
    return questionnaire


def _require_unused(questionnaire: Questionnaire) -> None:
    if questionnaire.used:
        raise ValidationError(
            {"questionnaire": _("This version is used by a wave and cannot be changed; make a new version.")}
        )


@transaction.atomic
def section_add(*, actor: Any, questionnaire: Questionnaire, title: str, title_en: str = "") -> Section:
    _require_unused(questionnaire)
    position = questionnaire.sections.count() + 1
    section = Section(questionnaire=questionnaire, position=position, title=title.strip(), title_en=title_en.strip())
    section.full_clean()
    section.save()
    _audit(actor, AuditAction.CREATE, section, questionnaire.provider_id, after=model_snapshot(section))
    return section


def _clean_options(kind: str, options: Sequence[Mapping[str, str]]) -> list[dict[str, str]]:
    cleaned = [
        {"code": str(o.get("code", "")).strip(), "de": str(o.get("de", "")).strip(), "en": str(o.get("en", "")).strip()}
        for o in options
    ]
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        if len(cleaned) < 2:
            raise ValidationError({"options": _("A choice question needs at least two options.")})
    elif kind == QuestionKind.LIKERT:
        if cleaned and len(cleaned) != 5:
            raise ValidationError({"options": _("A 1–5 question has exactly five labels (or none for the default).")})
        cleaned = [{**o, "code": str(i + 1)} for i, o in enumerate(cleaned)]
    else:
        cleaned = []
    codes = [o["code"] for o in cleaned]
    if any(not o["code"] or not o["de"] for o in cleaned) or len(set(codes)) != len(codes):
        raise ValidationError({"options": _("Every option needs a unique code and a German label.")})
    return cleaned


@transaction.atomic
def question_add(
    *,
    actor: Any,
    section: Section,
    series_key: str,
    kind: str,
    text: str,
    text_en: str = "",
    options: Sequence[Mapping[str, str]] = (),
    required: bool = False,
    product: Product | None = None,
    category: str = "",
) -> Question:
    questionnaire = section.questionnaire
    _require_unused(questionnaire)
    from verbund.catalog.choices import Category

    if category and category not in Category.values:
        raise ValidationError({"category": _("Unknown product category.")})
    question = Question(
        questionnaire=questionnaire,
        section=section,
        position=section.questions.count() + 1,
        series_key=series_key.strip().lower(),
        kind=kind,
        text=text.strip(),
        text_en=text_en.strip(),
        options=_clean_options(kind, options),
        required=required,
        product=product,
        category=category or (product.category if product else ""),
    )
    question.full_clean()
    question.save()
    _audit(actor, AuditAction.CREATE, question, questionnaire.provider_id, after=model_snapshot(question))
    return question


@transaction.atomic
def question_change(*, actor: Any, question: Question, text: str, text_en: str = "") -> Question:
    """Change a question's wording (only in a version no wave uses; a used version is copied first)."""
    _require_unused(question.questionnaire)
    before = model_snapshot(question)
    question.text, question.text_en = text.strip(), text_en.strip()
    question.full_clean()
    question.save()
    _audit(
        actor,
        AuditAction.UPDATE,
        question,
        question.questionnaire.provider_id,
        before=before,
        after=model_snapshot(question),
    )
    return question


@transaction.atomic
def questionnaire_new_version(*, actor: Any, questionnaire: Questionnaire) -> Questionnaire:
    """A copy of a questionnaire as its next version (series keys kept), to be edited."""
    latest = (
        Questionnaire.objects.filter(provider_id=questionnaire.provider_id, name=questionnaire.name)
        .order_by("-version")
        .first()
    )
    assert latest is not None
    copy = Questionnaire.objects.create(
        provider_id=questionnaire.provider_id,
        name=questionnaire.name,
        version=latest.version + 1,
        previous=questionnaire,
        demo=questionnaire.demo,
    )
    for section in questionnaire.sections.all():
        new_section = Section.objects.create(
            questionnaire=copy, position=section.position, title=section.title, title_en=section.title_en
        )
        for q in section.questions.all():
            Question.objects.create(
                questionnaire=copy,
                section=new_section,
                position=q.position,
                series_key=q.series_key,
                kind=q.kind,
                text=q.text,
                text_en=q.text_en,
                options=q.options,
                required=q.required,
                product_id=q.product_id,
                category=q.category,
            )
    _audit(
        actor,
        AuditAction.CREATE,
        copy,
        copy.provider_id,
        after=model_snapshot(copy),
        message=f"new version of {questionnaire.pk}",
    )
    return copy


# ---------------------------------------------------------------- waves, population, invitations


@transaction.atomic
def wave_create(
    *,
    actor: Any,
    provider: Organization,
    questionnaire: Questionnaire,
    year: int,
    opens_on: dt.date,
    closes_on: dt.date,
    name: str = "",
    demo: bool = False,
) -> Wave:
    if questionnaire.provider_id != provider.pk:
        raise ValidationError({"questionnaire": _("The questionnaire belongs to another provider.")})
    if not questionnaire.questions.exists():
        raise ValidationError({"questionnaire": _("The questionnaire has no questions yet.")})
    if closes_on < opens_on:
        raise ValidationError({"closes_on": _("The wave closes before it opens.")})
    if Wave.objects.filter(provider=provider, year=year).exists():
        raise ValidationError({"year": _("There is already a wave for this year.")})
    wave = Wave(
        provider=provider,
        questionnaire=questionnaire,
        year=year,
        name=(name or _("Satisfaction survey %(year)s") % {"year": year}).strip()[:200],
        opens_on=opens_on,
        closes_on=closes_on,
        demo=demo,
    )
    wave.full_clean()
    wave.save()
    _audit(actor, AuditAction.CREATE, wave, provider.pk, after=model_snapshot(wave))
    return wave


def _require_not_closed(wave: Wave) -> None:
    if wave.status == WaveStatus.CLOSED:
        raise ValidationError({"status": _("The wave is closed.")})


@dataclass(frozen=True)
class TargetRow:
    member: Organization
    office: str
    staff: int


@transaction.atomic
def targets_replace(*, actor: Any, wave: Wave, rows: Sequence[TargetRow]) -> int:
    """The target population of a wave (replaced as a whole while nobody is invited)."""
    _require_not_closed(wave)
    if wave.invitations.exists():
        raise ValidationError({"targets": _("Invitations were sent; the target population is fixed.")})
    seen: set[tuple[int, str]] = set()
    for index, row in enumerate(rows, start=1):
        office = row.office.strip()
        if not office or row.staff < 1 or (row.member.pk, office) in seen:
            raise ValidationError(
                {"targets": _("Row %(n)s: an office name, a staff number ≥ 1, each office once.") % {"n": index}}
            )
        seen.add((row.member.pk, office))
    Target.objects.filter(wave=wave).delete()
    Target.objects.bulk_create(
        [Target(wave=wave, member=row.member, office=row.office.strip(), staff=row.staff) for row in rows]
    )
    _audit(actor, AuditAction.UPDATE, wave, wave.provider_id, message=f"target population: {len(rows)} offices")
    return len(rows)


@transaction.atomic
def wave_open(*, actor: Any, wave: Wave) -> Wave:
    if wave.status != WaveStatus.DRAFT:
        raise ValidationError({"status": _("Only a wave in preparation can be opened.")})
    if not wave.targets.exists():
        raise ValidationError({"targets": _("The wave has no target population.")})
    before = model_snapshot(wave)
    wave.status = WaveStatus.OPEN
    wave.save(update_fields=["status", "modified"])
    _audit(actor, AuditAction.UPDATE, wave, wave.provider_id, before=before, after=model_snapshot(wave))
    return wave


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _mail(subject: str, body: str, email: str) -> tuple[str, str, str, list[str]]:
    return (subject, body, settings.DEFAULT_FROM_EMAIL, [email])


def _send_after_commit(messages: list[tuple[str, str, str, list[str]]]) -> None:
    """Send through Django's mail backend once the links are stored; a failure is logged (the invitations stay
    valid and a reminder run sends new links), it does not undo the issue."""

    def send() -> None:
        try:
            send_mass_mail(messages)
        except Exception:  # SMTP, DNS, ...: logged, never shown to the respondent
            logger.exception("sending %s survey e-mails failed", len(messages))

    if messages:
        transaction.on_commit(send)


@transaction.atomic
def invitations_issue(
    *,
    actor: Any,
    wave: Wave,
    target: Target,
    count: int = 0,
    emails: Sequence[str] = (),
    link: Callable[[str], str] = lambda token: token,
) -> list[str]:
    """Single-use links for an office: one per e-mail address (sent by mail) or `count` without address (for
    the provider to hand out). Returns the tokens; only their hashes are stored."""
    _require_not_closed(wave)
    if target.wave_id != wave.pk:
        raise ValidationError({"target": _("The office is not part of this wave.")})
    addresses = [e.strip() for e in emails if e.strip()]
    total = len(addresses) + count
    if total < 1 or total > 10_000:
        raise ValidationError({"count": _("Between 1 and 10,000 invitations at a time.")})
    from django.core.validators import validate_email

    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError({"emails": _("Not an e-mail address: %(value)s") % {"value": address}}) from None
    tokens = [new_token() for _i in range(total)]
    Invitation.objects.bulk_create(
        [
            Invitation(wave=wave, target=target, token_hash=token_hash(token), email=email)
            for token, email in zip(tokens, [*addresses, *[""] * count], strict=True)
        ]
    )
    messages = [
        _mail(
            _("Satisfaction survey %(year)s") % {"year": wave.year},
            _("Please tell us how satisfied you are with our services. Your answers are anonymous.\n\n%(link)s")
            % {"link": link(token)},
            address,
        )
        for token, address in zip(tokens, addresses, strict=False)
    ]
    _send_after_commit(messages)
    _audit(actor, AuditAction.CREATE, wave, wave.provider_id, message=f"{total} invitations for {target}")
    return tokens


@transaction.atomic
def reminders_send(*, actor: Any, wave: Wave, link: Callable[[str], str] = lambda token: token) -> ReminderRun:
    """Remind every unanswered invitation with an address: a new link replaces the old one (the old token is not
    stored and cannot be sent again); drafts stay."""
    if wave.status != WaveStatus.OPEN:
        raise ValidationError({"status": _("Reminders go out only while the wave is open.")})
    messages = []
    for invitation in Invitation.objects.select_for_update().filter(wave=wave, used=False).exclude(email=""):
        token = new_token()
        invitation.token_hash = token_hash(token)
        invitation.reminders += 1
        invitation.save(update_fields=["token_hash", "reminders"])
        messages.append(
            _mail(
                _("Reminder: satisfaction survey %(year)s") % {"year": wave.year},
                _("You have not answered our survey yet. It closes on %(date)s.\n\n%(link)s")
                % {"date": wave.closes_on.isoformat(), "link": link(token)},
                invitation.email,
            )
        )
    run = ReminderRun.objects.create(
        wave=wave, sent_by=actor if getattr(actor, "pk", None) else None, recipients=len(messages)
    )
    _send_after_commit(messages)
    _audit(actor, AuditAction.CREATE, run, wave.provider_id, message=f"{len(messages)} reminders")
    return run


# ---------------------------------------------------------------- answering (no user: the token)


def invitation_for_token(token: str, *, lock: bool = False) -> Invitation:
    if not token or len(token) > 100:
        raise InvitationNotFound(token)
    queryset = Invitation.objects.select_related("wave", "target", "wave__questionnaire")
    if lock:
        queryset = queryset.select_for_update()
    invitation = queryset.filter(token_hash=token_hash(token)).first()
    if invitation is None:
        raise InvitationNotFound(token)
    return invitation


AnswerData = dict[str, Any]  # series key → int | list[str] | str


def clean_answers(questions: Sequence[Question], raw: Mapping[str, Any], *, complete: bool) -> AnswerData:
    """Check answers by series key; the errors name the question's field (`q_<series key>`)."""
    errors: dict[str, str] = {}
    cleaned: AnswerData = {}
    for q in questions:
        value = raw.get(q.series_key)
        field = f"q_{q.series_key}"
        empty = value in (None, "", [])
        if empty:
            if complete and q.required:
                errors[field] = _("Please answer this question.")
            continue
        if q.kind in (QuestionKind.LIKERT, QuestionKind.NPS):
            low, high = (1, 5) if q.kind == QuestionKind.LIKERT else (0, 10)
            try:
                number = int(str(value))
            except ValueError:
                number = -1
            if not low <= number <= high:
                errors[field] = _("Choose a value from %(low)s to %(high)s.") % {"low": low, "high": high}
            else:
                cleaned[q.series_key] = number
        elif q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            values = [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
            codes = {o["code"] for o in q.option_list()}
            if any(v not in codes for v in values) or (q.kind == QuestionKind.SINGLE and len(values) > 1):
                errors[field] = _("Choose one of the options shown.")
            else:
                cleaned[q.series_key] = values
        else:
            text = str(value).strip()
            if len(text) > MAX_TEXT:
                errors[field] = _("At most %(max)s characters.") % {"max": MAX_TEXT}
            elif text:
                cleaned[q.series_key] = text
    if errors:
        raise ValidationError(errors)
    return cleaned


def _questions(wave: Wave) -> list[Question]:
    return list(Question.objects.filter(questionnaire_id=wave.questionnaire_id).select_related("section"))


def _require_accepting(wave: Wave) -> None:
    if not wave.accepts_answers:
        raise ValidationError({"wave": _("This survey is closed; answers are no longer accepted.")})


@transaction.atomic
def draft_save(*, token: str, answers: Mapping[str, Any]) -> None:
    """Keep unfinished answers with the invitation (erased when submitted)."""
    invitation = invitation_for_token(token, lock=True)
    if invitation.used:
        raise ValidationError({"invitation": _("This survey was already answered with this link.")})
    _require_accepting(invitation.wave)
    invitation.draft = clean_answers(_questions(invitation.wave), answers, complete=False)
    invitation.save(update_fields=["draft"])


def _answer_rows(response: Response, questions: Sequence[Question], answers: AnswerData) -> list[Answer]:
    rows = []
    for q in questions:
        value = answers.get(q.series_key)
        if value is None:
            continue
        if q.kind in (QuestionKind.LIKERT, QuestionKind.NPS):
            rows.append(Answer(response=response, question=q, value=value))
        elif q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            rows.append(Answer(response=response, question=q, choices=value))
        else:
            rows.append(Answer(response=response, question=q, text=value))
    return rows


@transaction.atomic
def response_submit(*, token: str, answers: Mapping[str, Any]) -> Response:
    """Submit once: the invitation row is locked, a used one is refused; the response does not name it."""
    invitation = invitation_for_token(token, lock=True)
    if invitation.used:
        raise ValidationError({"invitation": _("This survey was already answered with this link.")})
    wave = invitation.wave
    _require_accepting(wave)
    questions = _questions(wave)
    cleaned = clean_answers(questions, answers, complete=True)
    response = Response.objects.create(
        wave=wave,
        member_id=invitation.target.member_id,
        office=invitation.target.office,
        submitted_on=timezone.localdate(),
        source=ResponseSource.WEB,
    )
    Answer.objects.bulk_create(_answer_rows(response, questions, cleaned))
    # The invitation forgets everything but that it was used: no address, no draft, no time, no response.
    Invitation.objects.filter(pk=invitation.pk).update(used=True, email="", draft={})
    _audit(None, AuditAction.CREATE, response, response.member_id, message="survey response")
    return response


# ---------------------------------------------------------------- closing and analysis


def engine_input(wave: Wave) -> engine.WaveInput:
    questions = _questions(wave)
    specs = [
        engine.QuestionSpec(
            key=str(q.pk),
            series_key=q.series_key,
            kind=q.kind,
            wording=q.wording,
            product_id=q.product_id,
            category=q.category,
        )
        for q in questions
    ]
    invited: dict[int, int] = {}
    for target_id in Invitation.objects.filter(wave=wave).values_list("target_id", flat=True):
        invited[target_id] = invited.get(target_id, 0) + 1
    population = [
        engine.PopulationCell(member_id=t.member_id, office=t.office, staff=t.staff, invited=invited.get(t.pk, 0))
        for t in Target.objects.filter(wave=wave)
    ]
    values: dict[int, dict[str, int]] = {}
    for response_id, question_id, value in Answer.objects.filter(response__wave=wave, value__isnull=False).values_list(
        "response_id", "question_id", "value"
    ):
        if value is not None:
            values.setdefault(response_id, {})[str(question_id)] = value
    responses = [
        engine.ResponseRow(member_id=member_id, office=office, values=values.get(pk, {}))
        for pk, member_id, office in Response.objects.filter(wave=wave).values_list("pk", "member_id", "office")
    ]
    return engine.WaveInput(questions=specs, population=population, responses=responses)


@transaction.atomic
def wave_analyse(*, actor: Any, wave: Wave, progress: Progress = no_progress) -> Wave:
    """Compute and store every figure of the wave (repeatable: the same responses give the same analysis)."""
    progress(0, 3, gettext_noop("Reading responses"))
    data = engine_input(wave)
    progress(1, 3, gettext_noop("Analysing"))
    result = engine.analyse(data)
    progress(2, 3, gettext_noop("Storing"))
    Wave.objects.filter(pk=wave.pk).update(analysis=result_json(result), analysed_at=timezone.now())
    wave.refresh_from_db()
    _audit(actor, AuditAction.UPDATE, wave, wave.provider_id, message="analysed")
    progress(3, 3, gettext_noop("Analysed"))
    return wave


@transaction.atomic
def wave_close(*, actor: Any, wave: Wave, analyse: bool = True) -> Wave:
    """Close the wave (no more answers; members see its results once analysed) and analyse it (a big wave is
    analysed afterwards as a background job: `analyse=False`)."""
    if wave.status != WaveStatus.OPEN:
        raise ValidationError({"status": _("Only an open wave can be closed.")})
    before = model_snapshot(wave)
    wave.status = WaveStatus.CLOSED
    wave.save(update_fields=["status", "modified"])
    Invitation.objects.filter(wave=wave).update(email="", draft={})  # addresses are not needed any more
    _audit(actor, AuditAction.UPDATE, wave, wave.provider_id, before=before, after=model_snapshot(wave))
    return wave_analyse(actor=actor, wave=wave) if analyse else wave


# ---------------------------------------------------------------- LimeSurvey import


@dataclass(frozen=True)
class ImportedResponse:
    external_id: str
    member: Organization
    office: str
    submitted_on: dt.date
    answers: AnswerData


@transaction.atomic
def responses_import(*, actor: Any, wave: Wave, rows: Sequence[ImportedResponse], demo: bool = False) -> int:
    """Add the checked responses of a LimeSurvey export; a response id already imported is skipped (idempotent).
    Returns the number of responses added."""
    _require_not_closed(wave)
    known = set(Response.objects.filter(wave=wave).exclude(external_id="").values_list("external_id", flat=True))
    questions = _questions(wave)
    added = 0
    for row in rows:
        if row.external_id in known:
            continue
        response = Response.objects.create(
            wave=wave,
            member=row.member,
            office=row.office,
            submitted_on=row.submitted_on,
            source=ResponseSource.DEMO if demo else ResponseSource.LIMESURVEY,
            external_id=row.external_id,
            demo=demo,
        )
        Answer.objects.bulk_create(_answer_rows(response, questions, row.answers))
        known.add(row.external_id)
        added += 1
    if added:
        _audit(actor, AuditAction.CREATE, wave, wave.provider_id, message=f"{added} responses imported")
    return added
