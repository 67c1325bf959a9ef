"""The providers' seller data (#14): list of the providers, one provider's data with its history, the form.

Billing staff read and edit (`billing.change_sellerprofile`, `add_` for a new one); the other staff roles and
the auditor read; a member contact sees nothing (an empty list, 404 for a provider's page, 403 for the form)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from verbund.billing import selectors, services
from verbund.billing.forms import GROUPS, SellerProfileForm, model_field_of
from verbund.billing.services.seller import has_issued_invoices
from verbund.core.access import require_permission
from verbund.core.audit import audit_events_for


@login_required
def seller_list(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, "billing.view_sellerprofile")
    rows = selectors.seller_providers(user=request.user)
    return render(request, "billing/seller_list.html", {"rows": rows})


@login_required
def seller_detail(request: HttpRequest, provider_id: int) -> HttpResponse:
    require_permission(request.user, "billing.view_sellerprofile")
    provider = selectors.seller_provider_get_for_user(user=request.user, provider_id=provider_id)
    profile = selectors.seller_profile_list(user=request.user).filter(provider=provider).first()
    facts = []
    if profile is not None:
        for legend, names in GROUPS:
            rows = []
            for name in names:
                field = model_field_of(name)
                display = getattr(profile, f"get_{name}_display", None)
                value = display() if display is not None else getattr(profile, name)
                rows.append((field.verbose_name, value))
            facts.append((legend, rows))
    return render(
        request,
        "billing/seller_detail.html",
        {
            "provider": provider,
            "profile": profile,
            "facts": facts,
            "prefix_locked": has_issued_invoices(provider),
            "events": audit_events_for(profile)[:30] if profile is not None else [],
        },
    )


@login_required
def seller_edit(request: HttpRequest, provider_id: int) -> HttpResponse:
    require_permission(request.user, "billing.change_sellerprofile")
    provider = selectors.seller_provider_get_for_user(user=request.user, provider_id=provider_id)
    profile = selectors.seller_profile_list(user=request.user).filter(provider=provider).first()
    if profile is None:
        require_permission(request.user, "billing.add_sellerprofile")
    locked = profile is not None and has_issued_invoices(provider)
    if request.method != "POST":
        initial = (
            {"version": profile.version, **{n: getattr(profile, n) for n in services.SELLER_PROFILE_FIELDS}}
            if profile is not None
            else None
        )
        form = SellerProfileForm(initial=initial, prefix_locked=locked)
        return render(request, "billing/seller_form.html", {"provider": provider, "profile": profile, "form": form})
    form = SellerProfileForm(
        request.POST, initial={"number_prefix": profile.number_prefix if profile else ""}, prefix_locked=locked
    )
    if form.is_valid():
        try:
            if profile is None:
                services.seller_profile_create(actor=request.user, provider=provider, **form.values())
            else:
                version = form.cleaned_data.get("version")
                if version is None:
                    raise ValidationError({"version": _("The form lacks the version it was opened with; reload.")})
                services.seller_profile_update(
                    actor=request.user, profile=profile, expected_version=version, **form.values()
                )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The seller data of %(name)s were saved.") % {"name": provider.name})
            return redirect("billing:seller_detail", provider_id=provider.pk)
    return render(
        request, "billing/seller_form.html", {"provider": provider, "profile": profile, "form": form}, status=400
    )
