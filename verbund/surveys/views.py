"""Satisfaction surveys in the browser: questionnaires and waves for controllers and provider admins, results
with charts, PDF and CSV (a member contact: its own member's and the overall results), and the answer page that
works without a login (the token of the link is the only key; an unknown token is 404)."""

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from verbund.core.access import Action, require_permission
from verbund.core.csvexport import CsvWriter
from verbund.core.explain import render_steps
from verbund.core.spreadsheet import SpreadsheetError
from verbund.jobs.services import job_start
from verbund.jobs.shortcuts import job_redirect
from verbund.registry.models import AgreementParty, Organization
from verbund.surveys import charts, imports, selectors, services
from verbund.surveys.choices import QuestionKind, WaveStatus
from verbund.surveys.engine import MESSAGES
from verbund.surveys.forms import (
    ImportForm,
    InviteForm,
    QuestionAddForm,
    QuestionnaireCreateForm,
    TargetsForm,
    WaveCreateForm,
)
from verbund.surveys.models import Question, Questionnaire, Wave
from verbund.surveys.tasks import SURVEYS_ANALYSE

ANALYSE_INLINE_MAX = 5_000  # responses analysed while closing; a bigger wave is analysed as a background job


def _percent(value: float | None) -> str:
    if value is None:
        return "–"
    return number_format(Decimal(str(round(value * 100, 1))), decimal_pos=1, use_l10n=True) + " %"


def _number(value: float | None, places: int = 2) -> str:
    if value is None:
        return "–"
    return number_format(Decimal(str(round(value, places))), decimal_pos=places, use_l10n=True)


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# ---------------------------------------------------------------- overview, questionnaires, waves


def _home(request: HttpRequest, *, status: int = 200, **forms: Any) -> HttpResponse:
    user = request.user
    questionnaires = (
        list(selectors.questionnaires_for_user(user)) if user.has_perm("surveys.view_questionnaire") else []
    )
    context: dict[str, Any] = {
        "waves": list(selectors.waves_for_user(user)),
        "questionnaires": questionnaires,
        "staff": selectors.member_scope(user) is None,
    }
    if user.has_perm("surveys.add_questionnaire"):
        context["questionnaire_form"] = forms.get("questionnaire_form") or QuestionnaireCreateForm()
    if user.has_perm("surveys.add_wave"):
        form = forms.get("wave_form") or WaveCreateForm()
        form.fields["questionnaire"].queryset = Questionnaire.objects.restrict(user, Action.VIEW)  # type: ignore[union-attr]
        context["wave_form"] = form
    return render(request, "surveys/home.html", context, status=status)


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return _home(request)


@login_required
@require_POST
def questionnaire_create(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, "surveys.add_questionnaire")
    form = QuestionnaireCreateForm(request.POST)
    if not form.is_valid():
        return _home(request, questionnaire_form=form)
    try:
        questionnaire = services.questionnaire_create(
            actor=request.user, provider=form.cleaned_data["provider"], name=form.cleaned_data["name"]
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _home(request, questionnaire_form=form)
    return redirect(questionnaire)


def _questionnaire_page(
    request: HttpRequest, questionnaire: Questionnaire, form: QuestionAddForm | None = None
) -> HttpResponse:
    editable = not questionnaire.used and request.user.has_perm("surveys.change_questionnaire")
    sections = [
        (section, list(section.questions.select_related("product"))) for section in questionnaire.sections.all()
    ]
    return render(
        request,
        "surveys/questionnaire_detail.html",
        {
            "questionnaire": questionnaire,
            "sections": sections,
            "editable": editable,
            "may_copy": request.user.has_perm("surveys.add_questionnaire"),
            "form": (form or QuestionAddForm(questionnaire=questionnaire)) if editable else None,
        },
    )


@login_required
@require_GET
def questionnaire_detail(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    questionnaire = selectors.questionnaire_get_for_user(user=request.user, questionnaire_id=questionnaire_id)
    return _questionnaire_page(request, questionnaire)


@login_required
@require_POST
def question_add(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    questionnaire = selectors.questionnaire_get_for_user(
        user=request.user, questionnaire_id=questionnaire_id, action=Action.CHANGE
    )
    form = QuestionAddForm(request.POST, questionnaire=questionnaire)
    if not form.is_valid():
        return _questionnaire_page(request, questionnaire, form)
    data = form.cleaned_data
    try:
        section = data["section"] or services.section_add(
            actor=request.user, questionnaire=questionnaire, title=data["new_section"], title_en=data["new_section_en"]
        )
        services.question_add(
            actor=request.user,
            section=section,
            series_key=data["series_key"],
            kind=data["kind"],
            text=data["text"],
            text_en=data["text_en"],
            options=data["option_list"],
            required=data["required"],
            product=data["product"],
            category=data["category"],
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _questionnaire_page(request, questionnaire, form)
    messages.success(request, _("The question was added."))
    return redirect(questionnaire)


@login_required
@require_POST
def questionnaire_version(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    require_permission(request.user, "surveys.add_questionnaire")
    questionnaire = selectors.questionnaire_get_for_user(user=request.user, questionnaire_id=questionnaire_id)
    copy = services.questionnaire_new_version(actor=request.user, questionnaire=questionnaire)
    messages.success(request, _("Version %(version)s was created; edit it there.") % {"version": copy.version})
    return redirect(copy)


@login_required
@require_POST
def wave_create(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, "surveys.add_wave")
    form = WaveCreateForm(request.POST)
    form.fields["questionnaire"].queryset = Questionnaire.objects.restrict(request.user, Action.VIEW)  # type: ignore[attr-defined]
    if not form.is_valid():
        return _home(request, wave_form=form)
    data = form.cleaned_data
    try:
        wave = services.wave_create(
            actor=request.user,
            provider=data["questionnaire"].provider,
            questionnaire=data["questionnaire"],
            year=data["year"],
            name=data["name"],
            opens_on=data["opens_on"],
            closes_on=data["closes_on"],
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _home(request, wave_form=form)
    return redirect(wave)


def _members_of(provider_id: int) -> list[Organization]:
    parties = AgreementParty.objects.filter(agreement__provider_id=provider_id, left_on__isnull=True)
    return list(Organization.objects.filter(pk__in=parties.values("organization_id")).order_by("name"))


def _staff_wave(request: HttpRequest, wave_id: int, action: str = Action.VIEW) -> Wave:
    """The management page is for provider staff (and auditors); a member contact gets 404 (ADR 0008)."""
    if selectors.member_scope(request.user) is not None:
        raise Http404
    return selectors.wave_get_for_user(user=request.user, wave_id=wave_id, action=action)


def _wave_page(request: HttpRequest, wave: Wave, **forms: Any) -> HttpResponse:
    may_change = request.user.has_perm("surveys.change_wave")
    context: dict[str, Any] = {
        "wave": wave,
        "offices": selectors.outstanding_by_office(wave),
        "reminders": list(wave.reminder_runs.all()[:10]),
        "may_change": may_change,
        "responses": wave.responses.count(),
    }
    if may_change and wave.status != WaveStatus.CLOSED:
        context["targets_form"] = forms.get("targets_form") or TargetsForm(
            members=_members_of(wave.provider_id),
            initial={
                "rows": "\n".join(f"{t.member.ags};{t.office};{t.staff}" for t in wave.targets.select_related("member"))
            },
        )
        context["invite_form"] = forms.get("invite_form") or InviteForm(wave=wave)
        context["import_form"] = forms.get("import_form") or ImportForm()
    context.update({k: v for k, v in forms.items() if k == "links"})
    return render(request, "surveys/wave_detail.html", context)


@login_required
@require_GET
def wave_detail(request: HttpRequest, wave_id: int) -> HttpResponse:
    return _wave_page(request, _staff_wave(request, wave_id))


@login_required
@require_POST
def wave_targets(request: HttpRequest, wave_id: int) -> HttpResponse:
    wave = _staff_wave(request, wave_id, Action.CHANGE)
    form = TargetsForm(request.POST, members=_members_of(wave.provider_id))
    if not form.is_valid():
        return _wave_page(request, wave, targets_form=form)
    try:
        services.targets_replace(
            actor=request.user,
            wave=wave,
            rows=[services.TargetRow(member=m, office=o, staff=s) for m, o, s in form.cleaned_data["rows"]],
        )
    except ValidationError as exc:
        form.add_error("rows", exc.messages)
        return _wave_page(request, wave, targets_form=form)
    messages.success(request, _("The target population was saved."))
    return redirect(wave)


@login_required
@require_POST
def wave_open(request: HttpRequest, wave_id: int) -> HttpResponse:
    wave = _staff_wave(request, wave_id, Action.CHANGE)
    try:
        services.wave_open(actor=request.user, wave=wave)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The wave is open."))
    return redirect(wave)


def _link(request: HttpRequest) -> Any:
    return lambda token: request.build_absolute_uri(reverse("surveys:answer", args=[token]))


@login_required
@require_POST
def wave_invite(request: HttpRequest, wave_id: int) -> HttpResponse:
    """Issue links; links without an address are shown once on this page (they are not stored)."""
    wave = _staff_wave(request, wave_id, Action.CHANGE)
    form = InviteForm(request.POST, wave=wave)
    if not form.is_valid():
        return _wave_page(request, wave, invite_form=form)
    data = form.cleaned_data
    try:
        tokens = services.invitations_issue(
            actor=request.user,
            wave=wave,
            target=data["target"],
            count=data["count"] or 0,
            emails=data["email_list"],
            link=_link(request),
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _wave_page(request, wave, invite_form=form)
    anonymous = tokens[len(data["email_list"]) :]
    messages.success(request, _("%(n)s invitations issued.") % {"n": len(tokens)})
    return _wave_page(request, wave, links=[_link(request)(t) for t in anonymous])


@login_required
@require_POST
def wave_remind(request: HttpRequest, wave_id: int) -> HttpResponse:
    wave = _staff_wave(request, wave_id, Action.CHANGE)
    try:
        run = services.reminders_send(actor=request.user, wave=wave, link=_link(request))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("%(n)s reminders sent.") % {"n": run.recipients})
    return redirect(wave)


@login_required
@require_POST
def wave_import(request: HttpRequest, wave_id: int) -> HttpResponse:
    wave = _staff_wave(request, wave_id, Action.CHANGE)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _wave_page(request, wave, import_form=form)
    try:
        rows = imports.sheet_for(wave).read_csv(form.cleaned_data["file"])
        parsed, skipped = imports.parse_responses(wave, rows)
        added = services.responses_import(actor=request.user, wave=wave, rows=parsed)
    except SpreadsheetError as exc:
        form.add_error("file", [str(error) for error in exc.errors[:50]])
        return _wave_page(request, wave, import_form=form)
    except ValidationError as exc:
        form.add_error("file", exc.messages)
        return _wave_page(request, wave, import_form=form)
    messages.success(
        request,
        _("%(added)s responses imported, %(known)s already there, %(skipped)s incomplete skipped.")
        % {"added": added, "known": len(parsed) - added, "skipped": skipped},
    )
    return redirect(wave)


@login_required
@require_POST
def wave_close(request: HttpRequest, wave_id: int) -> HttpResponse:
    wave = _staff_wave(request, wave_id, Action.CHANGE)
    big = wave.responses.count() > ANALYSE_INLINE_MAX
    try:
        services.wave_close(actor=request.user, wave=wave, analyse=not big)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect(wave)
    if big:  # more than a second or two of work: a background job with progress (ADR 0026)
        return job_redirect(request, job_start(actor=request.user, kind=SURVEYS_ANALYSE, subject=wave))
    messages.success(request, _("The wave is closed and analysed."))
    return redirect(wave)


@login_required
@require_POST
def wave_analyse(request: HttpRequest, wave_id: int) -> HttpResponse:
    wave = _staff_wave(request, wave_id, Action.CHANGE)
    return job_redirect(request, job_start(actor=request.user, kind=SURVEYS_ANALYSE, subject=wave))


# ---------------------------------------------------------------- results


def _member_choice(request: HttpRequest, wave: Wave) -> tuple[int | None, list[Organization]]:
    members = selectors.wave_members(wave, request.user)
    scope = selectors.member_scope(request.user)
    if scope is not None:
        return scope, members
    raw = request.GET.get("member", "")
    chosen = int(raw) if raw.isdigit() and any(m.pk == int(raw) for m in members) else None
    return chosen, members


def _results_context(request: HttpRequest, wave: Wave, *, pdf: bool = False) -> dict[str, Any]:
    member_id, members = _member_choice(request, wave)
    results = selectors.wave_results(user=request.user, wave=wave, member_id=member_id)
    context: dict[str, Any] = {"wave": wave, "results": results, "members": members, "member_id": member_id}
    if results is None:
        return context
    lines = []
    for row in results.rows:
        likert = row.is_likert
        scale = 100.0
        lines.append(
            {
                "row": row,
                "overall": _percent(row.overall.headline.point) if row.overall.headline else "–",
                "overall_ci": _interval(row.overall.headline, scale),
                "weighted": _percent(row.weighted_head.point) if row.weighted_head else "–",
                "weighted_ci": _interval(row.weighted_head, scale),
                "mean": _number(row.overall.mean.point) if likert and row.overall.mean else "",
                "member": _percent(row.member.headline.point) if row.member and row.member.headline else "–",
                "member_ci": _interval(row.member.headline, scale) if row.member else "",
                "previous": _percent(row.previous.headline.point) if row.previous and row.previous.headline else "–",
                "trace": render_steps([s for s in _steps(row.trace)], MESSAGES),
            }
        )
    context["lines"] = lines
    context["office_rows"] = [
        (office, [_percent(s.headline.point) if s and s.headline else "–" for s in cells])
        for office, cells in results.offices
    ]
    numeric = [r for r in results.rows if r.overall.headline is not None]
    if numeric:
        categories = [r.question.series_key for r in numeric]
        context["chart"] = charts.interval_bars(
            chart_id="survey-results-chart",
            categories=categories,
            values=[_scaled(r.overall.headline) for r in numeric],
            title=_("Top-2-box (1–5) and NPS (0–10) per question"),
            description=_(
                "Overall figure per question in percent (NPS in points) with its 95 percent confidence interval; "
                "the table below gives the same figures."
            ),
            value_label=_("Percent / NPS points"),
            limits=(-100.0 if any(r.question.kind == QuestionKind.NPS for r in numeric) else 0.0, 100.0),
        )
        if results.member is not None:
            own = [r for r in numeric if r.member is not None and r.member.headline is not None]
            if own:
                context["member_chart"] = charts.interval_bars(
                    chart_id="survey-member-chart",
                    categories=[r.question.series_key for r in own],
                    values=[_scaled(r.member.headline) for r in own],  # type: ignore[union-attr]
                    title=_("%(member)s: top-2-box and NPS per question") % {"member": results.member.name},
                    description=_("The member's own figures with their 95 percent confidence intervals."),
                    value_label=_("Percent / NPS points"),
                    limits=(-100.0 if any(r.question.kind == QuestionKind.NPS for r in own) else 0.0, 100.0),
                )
        series = []
        for r in numeric[:6]:
            points = selectors.trend(
                user=request.user, wave=wave, series_key=r.question.series_key, member_id=member_id
            )
            if len(points) > 1:
                series.append((r.question.series_key, points))
        if series:
            context["trend_chart"] = charts.trend_lines(
                chart_id="survey-trend-chart",
                series=series,
                title=_("Trend over the waves"),
                description=_("Top-2-box (percent) and NPS (points) per wave; a gap marks a changed question."),
                value_label=_("Percent / NPS points"),
                limits=(-100.0, 100.0),
            )
    return context


def _steps(trace: list[Any]) -> list[Any]:
    from verbund.core.steps import step_from_json

    return [step_from_json(s, MESSAGES) for s in trace]


def _scaled(interval: Any) -> tuple[float, float, float] | None:
    if interval is None:
        return None
    return (interval.point * 100, interval.low * 100, interval.high * 100)


def _interval(interval: Any, scale: float) -> str:
    if interval is None:
        return ""
    return f"{_number(interval.low * scale, 1)} … {_number(interval.high * scale, 1)}"


@login_required
@require_GET
def wave_results(request: HttpRequest, wave_id: int) -> HttpResponse:
    wave = selectors.wave_get_for_user(user=request.user, wave_id=wave_id)
    context = _results_context(request, wave)
    context["staff"] = selectors.member_scope(request.user) is None
    return render(request, "surveys/wave_results.html", context)


@login_required
@require_GET
def wave_pdf(request: HttpRequest, wave_id: int) -> HttpResponse:
    from weasyprint import HTML

    wave = selectors.wave_get_for_user(user=request.user, wave_id=wave_id)
    context = _results_context(request, wave, pdf=True)
    if context["results"] is None:
        raise Http404
    context["now"] = timezone.now()
    html = render_to_string("surveys/wave_pdf.html", context, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="umfrage-{wave.year}-{wave.pk}.pdf"'
    return response


@login_required
@require_GET
def wave_csv(request: HttpRequest, wave_id: int) -> HttpResponse:
    wave = selectors.wave_get_for_user(user=request.user, wave_id=wave_id)
    member_id, _members = _member_choice(request, wave)
    results = selectors.wave_results(user=request.user, wave=wave, member_id=member_id)
    if results is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="umfrage-{wave.year}-{wave.pk}.csv"'
    writer = CsvWriter(response)  # BOM, `;`, text protected against formula injection
    writer.writerow(
        [
            _("Series key"),
            _("Question"),
            _("Kind"),
            _("Answers"),
            _("Mean"),
            _("Top-2-box / NPS"),
            _("Lower bound"),
            _("Upper bound"),
            _("Member-weighted"),
            _("Member"),
            _("Member answers"),
            _("Member figure"),
            _("Previous wave"),
            _("Comparable"),
        ]
    )
    for row in results.rows:
        head = row.overall.headline
        member_head = row.member.headline if row.member else None
        writer.writerow(
            [
                row.question.series_key,
                row.question.display_text,
                row.question.get_kind_display(),
                row.overall.n,
                _decimal(row.overall.mean.point if row.overall.mean else None),
                _decimal(head.point if head else None),
                _decimal(head.low if head else None),
                _decimal(head.high if head else None),
                _decimal(row.weighted_head.point if row.weighted_head else None),
                results.member.name if results.member else "",
                row.member.n if row.member else "",
                _decimal(member_head.point if member_head else None),
                _decimal(row.previous.headline.point if row.previous and row.previous.headline else None),
                "" if row.comparison is None else (_("yes") if row.comparison.comparable else _("no: wording changed")),
            ]
        )
    return response


def _decimal(value: float | None) -> Decimal | str:
    return "" if value is None else Decimal(str(round(value, 4)))


@login_required
@require_GET
def wave_texts(request: HttpRequest, wave_id: int) -> HttpResponse:
    wave = selectors.wave_get_for_user(user=request.user, wave_id=wave_id)
    query = request.GET.get("q", "")[:100]
    texts = selectors.free_texts(user=request.user, wave=wave, query=query)
    return render(request, "surveys/wave_texts.html", {"wave": wave, "texts": texts, "q": query})


# ---------------------------------------------------------------- the answer page (no login)


def _posted_answers(request: HttpRequest, questions: list[Question]) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for q in questions:
        name = f"q_{q.series_key}"
        answers[q.series_key] = (
            request.POST.getlist(name) if q.kind == QuestionKind.MULTIPLE else request.POST.get(name, "")
        )
    return answers


def _answer_form(
    request: HttpRequest, invitation: Any, values: dict[str, Any], errors: dict[str, str], status: int = 200
) -> HttpResponse:
    questions = list(
        Question.objects.filter(questionnaire_id=invitation.wave.questionnaire_id).select_related("section", "product")
    )
    sections: list[tuple[Any, list[dict[str, Any]]]] = []
    for q in questions:
        if not sections or sections[-1][0].pk != q.section_id:
            sections.append((q.section, []))
        value = values.get(q.series_key)
        chosen = (
            [str(v) for v in value] if isinstance(value, list) else ([str(value)] if value not in (None, "") else [])
        )
        sections[-1][1].append(
            {
                "q": q,
                "name": f"q_{q.series_key}",
                "options": q.display_options(),
                "chosen": chosen,
                "text": value if q.kind == QuestionKind.TEXT and isinstance(value, str) else "",
                "error": errors.get(f"q_{q.series_key}", ""),
            }
        )
    return render(
        request,
        "surveys/answer.html",
        {
            "wave": invitation.wave,
            "sections": sections,
            "errors": errors,
            "token": request.resolver_match.kwargs["token"] if request.resolver_match else "",
        },
        status=status,
    )


def _refusal(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "surveys/answer_done.html", {"message": message}, status=status)


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.invitation_for_token(token)
    except services.InvitationNotFound:
        raise Http404 from None
    if invitation.used:
        return _refusal(request, _("This survey was already answered with this link. Thank you!"), 409)
    if not invitation.wave.accepts_answers:
        return _refusal(request, _("This survey is closed; answers are no longer accepted."), 410)
    if request.method == "GET":
        return _answer_form(request, invitation, dict(invitation.draft), {})
    questions = list(Question.objects.filter(questionnaire_id=invitation.wave.questionnaire_id))
    answers = _posted_answers(request, questions)
    try:
        if request.POST.get("action") == "draft":
            services.draft_save(token=token, answers=answers)
            messages.success(request, _("Your answers were saved. You can continue later with the same link."))
            return redirect("surveys:answer", token=token)
        services.response_submit(token=token, answers=answers)
    except ValidationError as exc:
        errors = {field: " ".join(msgs) for field, msgs in exc.message_dict.items()}
        if "invitation" in errors:
            return _refusal(request, errors["invitation"], 409)
        if "wave" in errors:
            return _refusal(request, errors["wave"], 410)
        return _answer_form(request, invitation, answers, errors)
    return _refusal(request, _("Thank you! Your answers were received anonymously."), 200)
