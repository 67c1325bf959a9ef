"""Papers (motions and reports): the searchable list, the form for a new paper, one paper with its
consultations and decisions."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.catalog.choices import CatalogueStatus
from verbund.catalog.models import CatalogueVersion
from verbund.controlling.choices import ContractStatus
from verbund.controlling.models import Contract
from verbund.core.audit import audit_events_for
from verbund.governance import selectors, services, subjects
from verbund.governance.choices import SubjectKind
from verbund.governance.forms import PaperForm
from verbund.governance.models import Paper
from verbund.governance.views.common import PAGE_SIZE, add_errors, allow, is_htmx, querystring, require
from verbund.registry.choices import ApprovalStatus
from verbund.registry.models import AgreementAmendment, AgreementParty
from verbund.scenarios.choices import ScenarioStatus
from verbund.scenarios.models import Scenario
from verbund.transfers.choices import TransferStatus
from verbund.transfers.models import ServiceTransfer


def subject_link(paper: Paper) -> dict[str, str]:
    """Label and (when it can be shown) URL of the subject a paper asks to approve."""
    label = subjects.describe(paper.subject_kind, paper.subject_id)
    url = ""
    try:
        handler = subjects.handler_for(paper.subject_kind)
        url = handler.url(subjects.load_subject(paper.subject_kind, paper.subject_id))
    except ValidationError:
        pass
    return {"kind": paper.get_subject_kind_display(), "label": label, "url": url}


@login_required
def paper_list(request: HttpRequest) -> HttpResponse:
    allow(request, "governance.view_paper")
    q = request.GET.get("q", "").strip()
    papers = selectors.paper_list(user=request.user, q=q, seats=True)
    page = Paginator(papers, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "q": q, "querystring": querystring(request)}
    template = "governance/_paper_results.html" if is_htmx(request) else "governance/paper_list.html"
    return render(request, template, context)


def _subject_options(user: Any) -> tuple[list[tuple[str, list[tuple[str, str]]]], dict[str, int]]:
    """Proposed subjects, grouped by kind, as (label, [(value, text)]), and each value's provider id."""
    providers: dict[str, int] = {}
    groups: list[tuple[str, list[tuple[str, str]]]] = []

    def add(kind: str, rows: list[tuple[int, str, int]]) -> None:
        options = []
        for pk, text, provider_id in rows:
            value = PaperForm.subject_value(kind, pk)
            providers[value] = provider_id
            options.append((value, text))
        groups.append((str(SubjectKind(kind).label), options))

    versions = CatalogueVersion.objects.restrict(user).filter(status=CatalogueStatus.PROPOSED).order_by("-year")
    add(SubjectKind.CATALOGUE_VERSION, [(v.pk, str(v), v.provider_id) for v in versions])
    parties = (
        AgreementParty.objects.restrict(user)
        .filter(status=ApprovalStatus.PROPOSED)
        .select_related("organization", "agreement")
        .order_by("agreement__name", "organization__name")
    )
    add(
        SubjectKind.ACCESSION,
        [(p.pk, subjects.HANDLERS[SubjectKind.ACCESSION].describe(p), p.agreement.provider_id) for p in parties],
    )
    amendments = (
        AgreementAmendment.objects.restrict(user)
        .filter(status=ApprovalStatus.PROPOSED)
        .select_related("agreement")
        .order_by("agreement__name", "effective_from")
    )
    add(SubjectKind.AGREEMENT_CHANGE, [(a.pk, str(a), a.agreement.provider_id) for a in amendments])
    scenarios = Scenario.objects.restrict(user).filter(status=ScenarioStatus.PUBLISHED).order_by("name")
    add(SubjectKind.SCENARIO_DECISION, [(s.pk, str(s), 0) for s in scenarios])
    contracts = Contract.objects.restrict(user).filter(status=ContractStatus.DRAFT).order_by("name")
    add(SubjectKind.MANAGEMENT_CONTRACT, [(c.pk, str(c), c.provider_id) for c in contracts])
    transfers = ServiceTransfer.objects.restrict(user).filter(status=TransferStatus.PROPOSED).order_by("name")
    add(SubjectKind.SERVICE_TRANSFER, [(t.pk, str(t), 0) for t in transfers])  # 0: bodies of several providers
    return groups, providers


@login_required
def paper_create(request: HttpRequest) -> HttpResponse:
    require(request, "governance.add_paper")
    bodies = selectors.paper_bodies(user=request.user)
    groups, providers = _subject_options(request.user)
    form = PaperForm(request.POST or None, bodies=bodies, subjects=groups, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        body = next(b for b in bodies if b.pk == data["body"])
        kind, subject_id = data["subject"]
        # 0: a subject of several providers (a consolidation scenario) may go to the committee of any body
        if kind and providers.get(PaperForm.subject_value(kind, subject_id or 0)) not in (body.pk, 0):
            form.add_error("subject", _("The subject belongs to another provider than the paper's body."))
        else:
            try:
                paper = services.paper_create(
                    actor=request.user,
                    body=body,
                    reference=data["reference"],
                    name=data["name"],
                    date=data["date"],
                    paper_type=data["paper_type"],
                    text=data["text"],
                    proposed_resolution=data["proposed_resolution"],
                    subject_kind=kind,
                    subject_id=subject_id,
                    majority_rule=data["majority_rule"],
                    public=data["public"],
                )
            except ValidationError as exc:
                add_errors(form, exc, aliases={"subject_kind": "subject", "subject_id": "subject"})
            else:
                messages.success(request, _("Paper %(reference)s was created.") % {"reference": paper.reference})
                return redirect(paper.get_absolute_url())
    return render(request, "governance/paper_form.html", {"form": form})


@login_required
def paper_detail(request: HttpRequest, paper_id: int) -> HttpResponse:
    allow(request, "governance.view_paper")
    paper = selectors.paper_get_for_user(user=request.user, paper_id=paper_id, seats=True)
    consultations = sorted(paper.agenda_items.all(), key=lambda i: (i.meeting.start, i.position))
    return render(
        request,
        "governance/paper_detail.html",
        {
            "paper": paper,
            "consultations": consultations,
            "decisions": [d for i in consultations if (d := selectors.decision_of(i)) is not None],
            "subject": subject_link(paper) if paper.subject_kind else None,
            "events": audit_events_for(paper)[:30],
        },
    )
