"""The controlling pages: contracts, the dashboard per contract (one line per goal with status, trend and
sparkline), a KPI with its chart against the target and the forms to enter values, targets and definition
changes, the drill-down of every value, and the council report (preview, submission, frozen report, PDF, CSV).

Draft values are staff work: member contacts see none of it (404), only published reports. Every object is
fetched through the access layer; writes go through `controlling.services` (or a job that calls them).
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from verbund.controlling import breakdowns, charts, selectors, services, summaries
from verbund.controlling.choices import SourceKind, Unit
from verbund.controlling.forms import (
    BudgetForm,
    ContractForm,
    DefinitionForm,
    GoalForm,
    KpiForm,
    MeasureDoneForm,
    MeasureForm,
    ReportSubmitForm,
    TargetForm,
    ValueForm,
    YearForm,
)
from verbund.controlling.models import Contract, Kpi, Measurement, Report
from verbund.controlling.report import kpi_line, labels, report_csv, report_data
from verbund.controlling.tasks import COLLECT, REPORT_PDF
from verbund.core.access import Action
from verbund.governance.choices import MeetingState
from verbund.governance.models import Meeting
from verbund.jobs.services import job_start
from verbund.jobs.shortcuts import job_file_or_redirect, job_redirect
from verbund.registry.choices import PROVIDER_KINDS
from verbund.registry.models import Organization


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _form_errors(request: HttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


def _submit(
    request: HttpRequest, contract: Any, form: Any, call: Callable[[dict[str, Any]], Any], success: str
) -> HttpResponse:
    """A contract form posted from the contract page: the form's or the service's refusal as messages, or
    `success`; back to the contract either way."""
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            call(form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, success)
    return redirect(contract)


def _year(request: HttpRequest, contract: Contract) -> int:
    today = timezone.localdate().year
    default = min(max(today - 1, contract.start_year), contract.end_year)
    try:
        year = int(request.GET.get("year", default))
    except ValueError:
        return default
    return year if 2000 <= year <= 2100 else default


def _percent(kpi: Kpi, text: str) -> Decimal:
    """A form's number; shares are entered in percent and stored as fractions."""
    number = services._number(text, "value")
    return number / 100 if kpi.unit == Unit.SHARE else number


@login_required
def contract_list(request: HttpRequest) -> HttpResponse:
    contracts = list(selectors.contract_list(user=request.user))
    reports = list(selectors.report_list(user=request.user))
    form = None
    if request.user.has_perm("controlling.add_contract"):
        form = ContractForm(
            request.POST or None,
            providers=Organization.objects.restrict(request.user).filter(kind__in=PROVIDER_KINDS),
            cities=Organization.objects.restrict(request.user).exclude(kind__in=PROVIDER_KINDS),
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                contract = services.contract_create(
                    actor=request.user,
                    provider=data["provider"],
                    city=data["city"],
                    name=data["name"],
                    start_year=data["start_year"],
                    end_year=data["end_year"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                return redirect(contract)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "controlling/contract_list.html",
        {"contracts": contracts, "reports": reports, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def dashboard(contract: Contract, year: int) -> dict[str, Any]:
    """Lines per goal for `year` (status, trend, sparkline of the share of KPIs on target) and per KPI (value,
    target, status, trend, sparkline over the contract's years), from the stored figures. A fixed number of
    queries whatever the number of goals, KPIs and years."""
    years = list(range(min(contract.start_year - 1, year - 1), max(contract.end_year, year) + 1))
    kpis = selectors.contract_kpis(contract)
    current: Any = summaries.current(contract=contract, years=years)  # precomputed totals, one row per KPI
    data = report_data(contract=contract, year=year, kpis=kpis, current=current)
    by_id = {kpi.pk: kpi for kpi in kpis}
    # one reverse per page instead of two per KPI (270 KPIs: reversing was a fifth of the page's time)
    kpi_url = reverse("controlling:kpi_detail", args=[1]).removesuffix("1/")
    value_url = reverse("controlling:measurement_detail", args=[1]).removesuffix("1/")
    for goal in data["goals"]:
        for line in goal["kpis"]:
            line["url"] = f"{kpi_url}{line['id']}/"
            line["value_url"] = f"{value_url}{line['measurement_id']}/" if line["measurement_id"] else ""
        shares: list[Decimal | None] = []
        for y in years:
            statuses = [
                current[(line["id"], y, None)].status for line in goal["kpis"] if (line["id"], y, None) in current
            ]
            judged = [s for s in statuses if s != "none"]
            shares.append(Decimal(sum(s == "green" for s in judged)) / len(judged) if judged else None)
        goal["sparkline"] = charts.sparkline(
            shares, label=_("Share of KPIs on target, %(a)s–%(b)s") % {"a": years[0], "b": years[-1]}
        )
        for line in goal["kpis"]:
            kpi = by_id[line["id"]]
            values = [current[(kpi.pk, y, None)].value if (kpi.pk, y, None) in current else None for y in years]
            line["sparkline"] = charts.sparkline(values, label=_("%(kpi)s over the years") % {"kpi": kpi.name})
    data["years"] = years
    return data


@login_required
def contract_detail(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = selectors.contract_get_for_user(user=request.user, contract_id=contract_id)
    year = _year(request, contract)
    may_change = request.user.has_perm("controlling.change_contract")
    context: dict[str, Any] = {
        "contract": contract,
        "year": year,
        "data": dashboard(contract, year),
        "may_change": may_change,
        "reports": list(contract.reports.select_related("paper").all()),
    }
    if may_change:
        context["collect_form"] = YearForm(initial={"year": year})
        context["goal_form"] = GoalForm()
        context["kpi_form"] = KpiForm(goals=contract.goals.all())
        context["budget_form"] = BudgetForm(goals=contract.goals.all(), initial={"year": year})
        context["measure_form"] = MeasureForm(goals=contract.goals.all())
        context["today"] = timezone.localdate()
    return render(request, "controlling/contract_detail.html", context)


def _change_contract(request: HttpRequest, contract_id: int) -> Contract:
    return selectors.contract_get_for_user(user=request.user, contract_id=contract_id, action=Action.CHANGE)


@login_required
@require_POST
def contract_collect(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _change_contract(request, contract_id)
    form = YearForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(contract)
    job = job_start(actor=request.user, kind=COLLECT, subject=contract, params={"year": form.cleaned_data["year"]})
    return job_redirect(request, job)


@login_required
@require_POST
def goal_add(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _change_contract(request, contract_id)
    form = GoalForm(request.POST)
    return _submit(
        request,
        contract,
        form,
        lambda data: services.goal_add(actor=request.user, contract=contract, **data),
        _("The goal was added."),
    )


@login_required
@require_POST
def budget_set(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _change_contract(request, contract_id)
    form = BudgetForm(request.POST, goals=contract.goals.all())
    return _submit(
        request,
        contract,
        form,
        lambda data: services.budget_set(actor=request.user, **data),
        _("The budget was set."),
    )


@login_required
@require_POST
def measure_add(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _change_contract(request, contract_id)
    form = MeasureForm(request.POST, goals=contract.goals.all())
    return _submit(
        request,
        contract,
        form,
        lambda data: services.measure_add(actor=request.user, **data),
        _("The measure was added."),
    )


@login_required
@require_POST
def measure_done(request: HttpRequest, contract_id: int, measure_id: int) -> HttpResponse:
    contract = _change_contract(request, contract_id)
    measure = selectors.measure_of_contract(contract=contract, measure_id=measure_id)
    form = MeasureDoneForm(request.POST)
    return _submit(
        request,
        contract,
        form,
        lambda data: services.measure_complete(actor=request.user, measure=measure, **data),
        _("The measure is marked done."),
    )


@login_required
@require_POST
def kpi_create(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _change_contract(request, contract_id)
    form = KpiForm(request.POST, goals=contract.goals.all())
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(contract)
    try:
        data = {**form.cleaned_data, "breakdowns": ",".join(form.cleaned_data["breakdowns"])}
        kpi = services.kpi_create(actor=request.user, **data)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect(contract)
    return redirect(kpi)


def _kpi_years(kpi: Kpi) -> list[int]:
    contract = kpi.goal.contract
    return list(range(contract.start_year - 1, contract.end_year + 1))


@login_required
def kpi_detail(request: HttpRequest, kpi_id: int) -> HttpResponse:
    kpi = selectors.kpi_get_for_user(user=request.user, kpi_id=kpi_id)
    contract = kpi.goal.contract
    years = _kpi_years(kpi)
    current: Any = summaries.current(contract=contract, years=years, kpi_ids=[kpi.pk])
    lines = [kpi_line(kpi, y, current) for y in years]
    share = kpi.unit == Unit.SHARE
    factor = Decimal(100) if share else Decimal(1)

    def scaled(text: str | None) -> Decimal | None:
        return None if text is None else Decimal(text) * factor

    chart = charts.value_chart(
        chart_id="kpi-chart",
        years=years,
        values=[scaled(line["value"]) for line in lines],
        targets=[scaled(line["target"]) for line in lines],
        title=_("%(kpi)s against the target") % {"kpi": kpi.name},
        description=_(
            "Values per year (line) and the target in force (dashed); the table below shows the same figures."
        ),
        value_label=_("Value") + (" (%)" if share else ""),
        target_label=_("Target"),
    )
    history = list(
        Measurement.objects.filter(kpi=kpi, member__isnull=True, product__isnull=True, office__isnull=True)
        .select_related("entered_by", "target")
        .defer("evidence_data")
        .order_by("-year", "-id")
    )
    breakdown_year = _breakdown_year(request, kpi)
    may_change = request.user.has_perm("controlling.change_kpi")
    context: dict[str, Any] = {
        "kpi": kpi,
        "contract": contract,
        "lines": lines,
        "chart": chart,
        "history": history,
        "breakdown_year": breakdown_year,
        "breakdown_names": ", ".join(breakdowns.dimension_labels()[name] for name in breakdowns.kpi_dimensions(kpi)),
        "breakdowns": breakdowns.sections(kpi, breakdown_year) if kpi.breakdowns else [],
        "targets": list(kpi.targets.all()),
        "changes": list(kpi.changes.all()),
        "may_change": may_change,
        "manual": kpi.source_kind in (SourceKind.MANUAL, SourceKind.IMPORTED),
    }
    if may_change:
        year = min(max(timezone.localdate().year - 1, contract.start_year), contract.end_year)
        context["value_form"] = ValueForm(initial={"year": year})
        context["target_form"] = TargetForm(initial={"valid_from": contract.start_year})
        context["definition_form"] = DefinitionForm(initial={"from_year": year + 1, "definition": kpi.definition})
    return render(request, "controlling/kpi_detail.html", context)


def _breakdown_year(request: HttpRequest, kpi: Kpi) -> int:
    """The year of the breakdown tables: `?year=` within the KPI's years, else the newest year with a breakdown."""
    years = _kpi_years(kpi)
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = 0
    if year in years:
        return year
    default = min(max(timezone.localdate().year - 1, years[1]), years[-1])
    return breakdowns.breakdown_year(kpi, default) if kpi.breakdowns else default


@login_required
def kpi_breakdown_csv(request: HttpRequest, kpi_id: int) -> HttpResponse:
    kpi = selectors.kpi_get_for_user(user=request.user, kpi_id=kpi_id)
    year = _breakdown_year(request, kpi)
    response = HttpResponse(breakdowns.breakdown_csv(kpi, year), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="kennzahl-{kpi.code.lower()}-{year}.csv"'
    return response


def _change_kpi(request: HttpRequest, kpi_id: int) -> Kpi:
    return selectors.kpi_get_for_user(user=request.user, kpi_id=kpi_id, action=Action.CHANGE)


@login_required
@require_POST
def kpi_value(request: HttpRequest, kpi_id: int) -> HttpResponse:
    kpi = _change_kpi(request, kpi_id)
    form = ValueForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(kpi)
    data = form.cleaned_data
    upload = data.get("evidence_file")
    try:
        if upload is not None and upload.size > services.MAX_EVIDENCE_BYTES:
            raise ValidationError({"evidence_file": _("The file is larger than 5 MB.")})
        measurement = services.measurement_enter(
            actor=request.user,
            kpi=kpi,
            year=data["year"],
            value=_percent(kpi, data["value"]),
            evidence=services.Evidence(
                text=data["evidence_text"],
                url=data["evidence_url"],
                file_name=upload.name if upload is not None else "",
                file_data=upload.read() if upload is not None else None,
            ),
            comment=data["comment"],
        )
    except ValidationError as exc:
        _errors(request, exc)
        return redirect(kpi)
    messages.success(
        request,
        _("The value for %(year)s was stored: %(status)s.")
        % {"year": measurement.year, "status": labels()["status"][measurement.status]},
    )
    return redirect(kpi)


@login_required
@require_POST
def kpi_target(request: HttpRequest, kpi_id: int) -> HttpResponse:
    kpi = _change_kpi(request, kpi_id)
    form = TargetForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(kpi)
    data = form.cleaned_data
    try:
        services.target_set(
            actor=request.user,
            kpi=kpi,
            valid_from=data["valid_from"],
            value=_percent(kpi, data["value"]),
            tolerance=_percent(kpi, data["tolerance"] or "0"),
            review_on=data["review_on"],
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The target was set."))
    return redirect(kpi)


@login_required
@require_POST
def kpi_definition(request: HttpRequest, kpi_id: int) -> HttpResponse:
    kpi = _change_kpi(request, kpi_id)
    form = DefinitionForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(kpi)
    data = form.cleaned_data
    try:
        services.kpi_change_definition(
            actor=request.user,
            kpi=kpi,
            from_year=data["from_year"],
            reason=data["reason"],
            definition=data["definition"],
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The definition changed; a new series starts."))
    return redirect(kpi)


@login_required
def measurement_detail(request: HttpRequest, measurement_id: int) -> HttpResponse:
    """The drill-down of one value: the records it was computed from (snapshot at collection), the evidence,
    the target version it was judged against and the trace."""
    measurement = selectors.measurement_get_for_user(user=request.user, measurement_id=measurement_id)
    return render(
        request,
        "controlling/measurement_detail.html",
        {"m": measurement, "kpi": measurement.kpi, "contract": measurement.kpi.goal.contract},
    )


@login_required
def measurement_evidence(request: HttpRequest, measurement_id: int) -> HttpResponse:
    measurement = selectors.measurement_get_for_user(user=request.user, measurement_id=measurement_id)
    data = Measurement.objects.filter(pk=measurement.pk).values_list("evidence_data", flat=True).first()
    if not data:
        raise Http404
    response = HttpResponse(bytes(data), content_type="application/octet-stream")
    name = measurement.evidence_name.replace('"', "")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def contract_report(request: HttpRequest, contract_id: int) -> HttpResponse:
    """The draft report of a year from the stored figures (staff only), and its submission to a committee."""
    contract = selectors.contract_get_for_user(user=request.user, contract_id=contract_id)
    year = _year(request, contract)
    form = None
    if request.user.has_perm("controlling.add_report"):
        meetings = Meeting.objects.restrict(request.user).filter(
            committee__body_id=contract.provider_id, state__in=[MeetingState.SCHEDULED, MeetingState.INVITED]
        )
        form = ReportSubmitForm(request.POST or None, meetings=meetings, initial={"year": year})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                report = services.report_submit(
                    actor=request.user,
                    contract=contract,
                    year=data["year"],
                    meeting=data["meeting"],
                    reference=data["reference"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("The report was submitted as paper %(ref)s.") % {"ref": data["reference"]})
                job_start(actor=request.user, kind=REPORT_PDF, subject=report, params={"report": report.pk})
                return redirect(report)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "controlling/contract_report.html",
        {"contract": contract, "year": year, "data": report_data(contract=contract, year=year), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def contract_report_csv(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = selectors.contract_get_for_user(user=request.user, contract_id=contract_id)
    year = _year(request, contract)
    response = HttpResponse(report_csv(report_data(contract=contract, year=year)), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="managementkontrakt-entwurf-{year}.csv"'
    return response


@login_required
def contract_report_pdf(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = selectors.contract_get_for_user(user=request.user, contract_id=contract_id)
    job = job_start(actor=request.user, kind=REPORT_PDF, subject=contract, params={"year": _year(request, contract)})
    return job_file_or_redirect(request, job)


def _report(request: HttpRequest, report_id: int) -> Report:
    return selectors.report_get_for_user(user=request.user, report_id=report_id)


@login_required
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _report(request, report_id)
    decision = None
    if report.decision_reference:
        from verbund.governance.models import Decision

        decision = Decision.objects.restrict(request.user).filter(number=report.decision_reference).first()
    return render(
        request, "controlling/report_detail.html", {"report": report, "data": report.snapshot, "decision": decision}
    )


@login_required
def report_csv_download(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _report(request, report_id)
    response = HttpResponse(report_csv(report.snapshot), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="managementkontrakt-bericht-{report.year}.csv"'
    return response


@login_required
def report_pdf_download(request: HttpRequest, report_id: int) -> HttpResponse:
    """The archived PDF of a submitted report; the first time (staff only) it is rendered by a job."""
    report = _report(request, report_id)
    stored = Report.objects.filter(pk=report.pk).values_list("pdf", flat=True).first()
    if stored:
        response = HttpResponse(bytes(stored), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="managementkontrakt-bericht-{report.year}.pdf"'
        return response
    if not request.user.has_perm("controlling.add_report"):
        raise Http404  # not rendered yet; members read the HTML report meanwhile
    job = job_start(actor=request.user, kind=REPORT_PDF, subject=report, params={"report": report.pk})
    return job_file_or_redirect(request, job)
