"""Decisions: recording the decision on an agenda item, and the searchable register of decisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from verbund.core.params import query_year
from verbund.governance import selectors, services
from verbund.governance.forms import DecisionForm
from verbund.governance.views.common import (
    PAGE_SIZE,
    allow,
    int_or_none,
    is_htmx,
    querystring,
    require,
    show_errors,
)


@login_required
@require_POST
def decision_record(request: HttpRequest, item_id: int) -> HttpResponse:
    require(request, "governance.add_decision")
    allow(request, "governance.view_agendaitem")
    item = selectors.agenda_item_get_for_user(user=request.user, item_id=item_id, seats=True)
    form = DecisionForm(request.POST)
    if not form.is_valid():  # pragma: no cover - the only field is optional free text
        messages.error(request, _("The resolution could not be read."))
        return redirect(item.get_absolute_url())
    text = form.cleaned_data["resolution_text"].strip()
    try:
        decision = services.decision_record(actor=request.user, agenda_item=item, resolution_text=text or None)
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(
            request,
            _("Decision %(number)s was recorded: %(result)s.")
            % {"number": decision.number, "result": decision.get_result_display()},
        )
    return redirect(item.get_absolute_url())


@login_required
def decision_register(request: HttpRequest) -> HttpResponse:
    allow(request, "governance.view_decision")
    q = request.GET.get("q", "").strip()
    committee_id = int_or_none(request.GET.get("committee"))
    year = query_year(request.GET.get("year"))  # bounded: ?year=32976 answered 500
    user = request.user
    committees = list(selectors.committee_list(user=user, seats=True))
    decisions = selectors.decision_register(user=user, q=q, committee_id=committee_id, year=year, seats=True)
    page = Paginator(decisions, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": q,
        "committees": committees,
        "committee_id": committee_id,
        "years": selectors.decision_years(user=user, seats=True),
        "year": year,
        "querystring": querystring(request),
    }
    template = "governance/_decision_results.html" if is_htmx(request) else "governance/decision_register.html"
    return render(request, template, context)
