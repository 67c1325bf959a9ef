import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from verbund.catalog.choices import DERIVED_QUANTITY_UNITS
from verbund.catalog.engine.pricing import MESSAGES as PRICING_MESSAGES
from verbund.catalog.engine.pricing import PricingError
from verbund.catalog.selectors import approved_price_on, fee_preview, product_get_for_user
from verbund.core.access import Action, user_sees_all
from verbund.core.audit import audit_events_for
from verbund.core.csvexport import CsvWriter
from verbund.core.explain import render_steps
from verbund.orders import selectors, services
from verbund.orders.choices import OrderStatus
from verbund.orders.forms import CancelForm, ChangeForm, OrderForm, RejectForm
from verbund.registry.models import Organization


def _parse_day(text: str | None) -> dt.date | None:
    """An ISO date from the query string, or None when it is missing or not a real date."""
    try:
        return parse_date(text or "")
    except ValueError:
        return None


def _members_for(user: Any) -> list[Organization]:
    """Organisations the user may order for: its own, or for provider staff every current agreement party."""
    if user_sees_all(user):
        return list(
            Organization.objects.filter(agreement_parties__left_on__isnull=True, agreement_parties__status="approved")
            .distinct()
            .order_by("name")
        )
    return list(Organization.objects.restrict(user).filter(pk=user.organization_id))


def _add_errors(form: Any, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        target = field if field in form.fields else None
        for error in errors:
            form.add_error(target, error)


@login_required
def order_new(request: HttpRequest, product_id: int) -> HttpResponse:
    if not request.user.has_perm("orders.add_order"):
        raise PermissionDenied
    product = product_get_for_user(user=request.user, product_id=product_id)
    members = _members_for(request.user)
    quantity_required = product.unit not in DERIVED_QUANTITY_UNITS
    initial = {"start_date": timezone.localdate(), "member": members[0].pk if members else None}
    form = OrderForm(
        request.POST or None,
        members=members,
        quantity_required=quantity_required,
        unit=product.unit,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        member = next(m for m in members if m.pk == form.cleaned_data["member"])
        try:
            order = services.order_submit_new(
                actor=request.user,
                member=member,
                product=product,
                quantity=form.cleaned_data["quantity"],
                start_date=form.cleaned_data["start_date"],
                as_of=timezone.localdate(),
                member_reference=form.cleaned_data["member_reference"],
                comment=form.cleaned_data["comment"],
                accede=form.cleaned_data["accede"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if order.accession_id is not None:
                messages.success(
                    request,
                    _("Order %(number)s was submitted; it waits for the accession you applied for.")
                    % {"number": order.number},
                )
            else:
                messages.success(request, _("Order %(number)s was submitted.") % {"number": order.number})
            return redirect(order.get_absolute_url())
    # modular joining: say before submitting that the product needs an accession (for the one member a contact
    # orders for; staff choosing among several members learn it from the service's message on `accede`)
    accession = (
        selectors.accession_agreement(member=members[0], product=product, on=timezone.localdate())
        if len(members) == 1
        else None
    )
    return render(
        request,
        "orders/order_form.html",
        {"product": product, "form": form, "quantity_required": quantity_required, "accession": accession},
    )


@login_required
def order_preview(request: HttpRequest, product_id: int) -> HttpResponse:
    """htmx fragment: the fee for the quantity, member and start date currently in the form."""
    product = product_get_for_user(user=request.user, product_id=product_id)
    context: dict[str, Any] = {"product": product}
    try:
        member = Organization.objects.restrict(request.user).get(pk=int(request.GET.get("member", "0")))
    except (ValueError, Organization.DoesNotExist):
        context["error"] = _("Choose a member.")
        return render(request, "orders/_preview.html", context)
    day = _parse_day(request.GET.get("start_date")) or timezone.localdate()
    revision = approved_price_on(product=product, on=day)
    # Parse the quantity exactly as the order form will (localised: "1,5" in German, "1.5" in English).
    quantity_field = OrderForm.base_fields["quantity"]
    raw = request.GET.get("quantity", "").strip()
    if not raw and product.unit not in DERIVED_QUANTITY_UNITS:
        # Nothing typed yet: an invitation, not an error.
        context["hint"] = _("Enter a quantity to see the fee.")
        return render(request, "orders/_preview.html", context)
    try:
        quantity = quantity_field.clean(raw) if raw else None
        if revision is None:
            raise ValidationError(_("No approved price on this date."))
        preview = fee_preview(product=product, revision=revision, member=member, quantity=quantity)
        context["preview"] = preview
        context["explanation"] = render_steps(preview.trace, PRICING_MESSAGES)
        context["revision"] = revision
    except ValidationError as exc:
        context["error"] = " ".join(exc.messages)
    except PricingError as exc:
        context["error"] = services.pricing_error_text(exc)
    return render(request, "orders/_preview.html", context)


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    staff = user_sees_all(request.user)
    status = request.GET.get("status", OrderStatus.SUBMITTED if staff else "")
    status = status if status in OrderStatus.values else ""
    orders = selectors.order_list(user=request.user, status=status or None)
    page = Paginator(orders, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "orders/order_list.html",
        {"page": page, "status": status, "statuses": OrderStatus.choices, "staff": staff},
    )


@login_required
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    order = selectors.order_get_for_user(user=request.user, order_id=order_id)
    can_decide = request.user.has_perm("orders.change_order") and user_sees_all(request.user)
    return render(
        request,
        "orders/order_detail.html",
        {
            "order": order,
            "can_decide": can_decide and order.status == OrderStatus.SUBMITTED,
            "reject_form": RejectForm(),
            "events": audit_events_for(order),
        },
    )


@login_required
@require_POST
def order_decide(request: HttpRequest, order_id: int, decision: str) -> HttpResponse:
    order = selectors.order_get_for_user(user=request.user, order_id=order_id, action=Action.CHANGE)
    try:
        if decision == "confirm":
            services.order_confirm(actor=request.user, order=order)
            messages.success(request, _("Order %(number)s was confirmed.") % {"number": order.number})
        elif decision == "reject":
            form = RejectForm(request.POST)
            reason = form.data.get("reason", "")
            services.order_reject(actor=request.user, order=order, reason=str(reason))
            messages.success(request, _("Order %(number)s was rejected.") % {"number": order.number})
    except ValidationError as exc:
        for errors in exc.message_dict.values():
            for error in errors:
                messages.error(request, error)
    return redirect(order.get_absolute_url())


@login_required
@require_POST
def order_withdraw(request: HttpRequest, order_id: int) -> HttpResponse:
    order = selectors.order_get_for_user(user=request.user, order_id=order_id)
    try:
        services.order_withdraw(actor=request.user, order=order)
        messages.success(request, _("Order %(number)s was withdrawn.") % {"number": order.number})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(order.get_absolute_url())


@login_required
def contract_folder_home(request: HttpRequest) -> HttpResponse:
    if not user_sees_all(request.user) and request.user.organization_id:  # type: ignore[union-attr]
        return redirect("orders:contract_folder", member_id=request.user.organization_id)  # type: ignore[union-attr]
    return render(request, "orders/folder_index.html", {"members": _members_for(request.user)})


def _folder(request: HttpRequest, member_id: int) -> selectors.ContractFolder:
    member = selectors.member_get_for_user(user=request.user, member_id=member_id)
    as_of = _parse_day(request.GET.get("as_of")) or timezone.localdate()
    return selectors.contract_folder(user=request.user, member=member, as_of=as_of)


@login_required
def contract_folder(request: HttpRequest, member_id: int) -> HttpResponse:
    folder = _folder(request, member_id)
    return render(
        request,
        "orders/contract_folder.html",
        {"folder": folder, "may_order": request.user.has_perm("orders.add_order")},
    )


@login_required
def subscription_edit(request: HttpRequest, subscription_id: int) -> HttpResponse:
    """The change and cancel forms of one subscription: loaded into the folder on demand (htmx), or as a page."""
    if not request.user.has_perm("orders.add_order"):
        raise PermissionDenied
    subscription = selectors.subscription_get_for_user(user=request.user, subscription_id=subscription_id)
    today = timezone.localdate()
    quantities = list(subscription.quantities.order_by("valid_from", "id"))
    context = {
        "subscription": subscription,
        "quantity_changeable": subscription.product.unit not in (*DERIVED_QUANTITY_UNITS, "one_off"),
        "change_form": ChangeForm(
            initial={
                "quantity": selectors.quantity_on(quantities, today),
                "version": subscription.version,
                "effective_date": today,
            },
            prefix=f"c{subscription.pk}",
        ),
        "cancel_form": CancelForm(
            initial={
                "version": subscription.version,
                "end_date": services.earliest_end_date(product=subscription.product, notice_given_on=today),
            },
            prefix=f"x{subscription.pk}",
        ),
    }
    template = "orders/_subscription_forms.html" if getattr(request, "htmx", False) else "orders/subscription_edit.html"
    return render(request, template, context)


@login_required
@require_POST
def subscription_request(request: HttpRequest, subscription_id: int, kind: str) -> HttpResponse:
    subscription = selectors.subscription_get_for_user(user=request.user, subscription_id=subscription_id)
    form: ChangeForm | CancelForm
    prefix = f"{'c' if kind == 'change' else 'x'}{subscription.pk}"
    form = ChangeForm(request.POST, prefix=prefix) if kind == "change" else CancelForm(request.POST, prefix=prefix)
    if not form.is_valid():
        for field, field_errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(str(e) for e in field_errors)}")
        return redirect("orders:contract_folder", member_id=subscription.member_id)
    try:
        if kind == "change":
            order = services.order_submit_change(
                actor=request.user,
                subscription=subscription,
                quantity=form.cleaned_data["quantity"],
                effective_date=form.cleaned_data["effective_date"],
                as_of=timezone.localdate(),
                expected_version=form.cleaned_data["version"],
            )
        else:
            order = services.order_submit_cancel(
                actor=request.user,
                subscription=subscription,
                end_date=form.cleaned_data["end_date"],
                as_of=timezone.localdate(),
                expected_version=form.cleaned_data["version"],
                comment=form.cleaned_data.get("comment", ""),
            )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("orders:contract_folder", member_id=subscription.member_id)
    messages.success(request, _("Order %(number)s was submitted.") % {"number": order.number})
    return redirect(order.get_absolute_url())


@login_required
def contract_folder_csv(request: HttpRequest, member_id: int) -> HttpResponse:
    folder = _folder(request, member_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="vertragsmappe-{folder.member.pk}-{folder.as_of}.csv"'
    writer = CsvWriter(response)  # BOM, `;`, text protected against formula injection
    writer.writerow(
        [
            _("Product number"),
            _("Product"),
            _("Unit"),
            _("Start"),
            _("End"),
            _("State"),
            _("Quantity"),
            _("Quantities over time"),
            _("Unit price (net EUR)"),
            _("Annual fee (net EUR)"),
            _("Annual fee (gross EUR)"),
        ]
    )
    for line in folder.lines:
        sub = line.subscription
        writer.writerow(
            [
                sub.product.number,
                sub.product.name,
                sub.product.get_unit_display(),
                sub.start_date.isoformat(),
                sub.end_date.isoformat() if sub.end_date else "",
                line.state,
                line.quantity or "",
                " | ".join(f"{q.valid_from.isoformat()}: {q.quantity}" for q in line.quantities),
                line.price.unit_price if line.price else "",
                line.preview.net if line.preview else "",
                line.preview.gross if line.preview else "",
            ]
        )
    return response


@login_required
def contract_folder_pdf(request: HttpRequest, member_id: int) -> HttpResponse:
    from weasyprint import HTML

    folder = _folder(request, member_id)
    html = render_to_string(
        "orders/contract_folder_pdf.html", {"folder": folder, "now": timezone.now()}, request=request
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="vertragsmappe-{folder.member.pk}-{folder.as_of}.pdf"'
    return response
