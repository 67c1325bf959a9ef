"""Pages of service transfers: list, proposal, detail with preview and staff list, execution (a job), and the
members' notices with their PDF letter."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from verbund.catalog.models import Product, ProductFamily
from verbund.core.access import Action, require_permission
from verbund.core.audit import audit_events_for
from verbund.governance.models import Committee
from verbund.jobs.services import job_start
from verbund.jobs.shortcuts import job_redirect
from verbund.registry.choices import PROVIDER_KINDS
from verbund.registry.models import Organization
from verbund.transfers import selectors, services
from verbund.transfers.choices import OPEN_STATUSES
from verbund.transfers.forms import TransferProposeForm, TransferRejectForm
from verbund.transfers.inhouse import transfer_inhouse
from verbund.transfers.staff import staff_totals
from verbund.transfers.tasks import TRANSFER_EXECUTE

PREVIEW_PAGE_SIZE = 50


@login_required
def transfer_list(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, "transfers.view_servicetransfer")
    transfers = selectors.transfer_list(user=request.user)
    may_propose = request.user.has_perm("transfers.add_servicetransfer")
    return render(request, "transfers/transfer_list.html", {"transfers": transfers, "may_propose": may_propose})


def _form(request: HttpRequest) -> TransferProposeForm:
    user = request.user
    return TransferProposeForm(
        request.POST or None,
        providers=Organization.objects.restrict(user).filter(kind__in=PROVIDER_KINDS).order_by("name"),
        products=Product.objects.restrict(user).filter(status__in=services.proposal.MOVABLE).order_by("number"),
        families=ProductFamily.objects.restrict(user).order_by("position", "code"),
        committees=Committee.objects.restrict(user).filter(advisory=False).select_related("body").order_by("name"),
    )


@login_required
def transfer_propose(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, "transfers.add_servicetransfer")
    form = _form(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        products = list(data["products"] or [])
        prices = {products[0].pk: data["unit_price"]} if data["unit_price"] is not None and len(products) == 1 else {}
        try:
            transfer = services.transfer_create(
                actor=request.user,
                from_provider=data["from_provider"],
                to_provider=data["to_provider"],
                effective_date=data["effective_date"],
                scope=data["scope"],
                products=products,
                family=data["family"],
                prices=prices,
                bodies=list(data["bodies"]),
                name=data["name"],
                reason=data["reason"],
                submit=True,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                target = {"prices": "unit_price", "numbers": None}.get(field, field)
                form.add_error(target if target in form.fields else None, errors)
        else:
            messages.success(request, _("The transfer was proposed; put it on the agenda of each committee."))
            return redirect(transfer)
    return render(request, "transfers/transfer_form.html", {"form": form})


def _may_reject(user: Any, transfer: Any) -> bool:
    """The rule of `services.transfer_reject`: an open transfer, and a user who may propose it."""
    return transfer.status in OPEN_STATUSES and services.may_propose(user, transfer.from_provider, transfer.to_provider)


def _detail(request: HttpRequest, transfer: Any, reject_form: TransferRejectForm | None = None) -> HttpResponse:
    staff = selectors.staff_list(transfer=transfer)
    preview = selectors.transfer_preview(transfer=transfer)
    may_reject = _may_reject(request.user, transfer)
    context: dict[str, Any] = {
        "transfer": transfer,
        "preview": preview,
        # 50 members a page (a national product has 10,981); the totals and the in-house check cover them all.
        "members_page": Paginator(preview.members, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page")),
        "inhouse": transfer_inhouse(transfer=transfer, preview=preview),
        "bodies": transfer.bodies.select_related("committee", "committee__body"),
        "staff": staff,
        "staff_totals": staff_totals(staff),
        "may_execute": request.user.has_perm(services.EXECUTE)
        and transfer.status == "adopted"
        and transfer.effective_date <= timezone.localdate(),
        "reject_form": (reject_form or TransferRejectForm()) if may_reject else None,
        "events": audit_events_for(transfer)[:50],
    }
    return render(request, "transfers/transfer_detail.html", context)


@login_required
def transfer_detail(request: HttpRequest, transfer_id: int) -> HttpResponse:
    require_permission(request.user, "transfers.view_servicetransfer")
    return _detail(request, selectors.transfer_get_for_user(user=request.user, transfer_id=transfer_id))


@login_required
@require_POST
def transfer_reject(request: HttpRequest, transfer_id: int) -> HttpResponse:
    """Reject an open transfer with a reason (the service audits it); bad input shows the page again with the
    error at the field and changes nothing."""
    require_permission(request.user, "transfers.add_servicetransfer")  # the permission the service checks
    transfer = selectors.transfer_get_for_user(user=request.user, transfer_id=transfer_id, action=Action.CHANGE)
    if not _may_reject(request.user, transfer):
        messages.error(request, _("Only an open transfer can be rejected, by those who may propose it."))
        return redirect(transfer)
    form = TransferRejectForm(request.POST)
    if form.is_valid():
        try:
            services.transfer_reject(
                actor=request.user, transfer=transfer, reason=form.cleaned_data["rejection_reason"]
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The transfer was rejected."))
            return redirect(transfer)
    return _detail(request, transfer, reject_form=form)


@login_required
@require_POST
def transfer_execute(request: HttpRequest, transfer_id: int) -> HttpResponse:
    require_permission(request.user, services.EXECUTE)
    transfer = selectors.transfer_get_for_user(user=request.user, transfer_id=transfer_id, action=Action.CHANGE)
    if transfer.status != "adopted" or transfer.effective_date > timezone.localdate():
        messages.error(request, _("Only an adopted transfer whose effective date has come can be executed."))
        return redirect(transfer)
    return job_redirect(request, job_start(actor=request.user, kind=TRANSFER_EXECUTE, subject=transfer))


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, "transfers.view_transfernotice")
    return render(request, "transfers/notice_list.html", {"notices": selectors.notice_list(user=request.user)})


@login_required
def notice_detail(request: HttpRequest, notice_id: int) -> HttpResponse:
    require_permission(request.user, "transfers.view_transfernotice")
    notice = selectors.notice_get_for_user(user=request.user, notice_id=notice_id)
    context = {"notice": notice, "lines": selectors.notice_lines(notice)}
    return render(request, "transfers/notice_detail.html", context)


@login_required
def notice_pdf(request: HttpRequest, notice_id: int) -> HttpResponse:
    from weasyprint import HTML

    require_permission(request.user, "transfers.view_transfernotice")
    notice = selectors.notice_get_for_user(user=request.user, notice_id=notice_id)
    html = render_to_string(
        "transfers/notice_pdf.html",
        {"notice": notice, "lines": selectors.notice_lines(notice), "now": timezone.now()},
        request=request,
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="uebertragung-{notice.transfer_id}-{notice.member_id}.pdf"'
    return response
