"""Generic endpoint tests of closing a year (verbund.core.testing), API and pages.

A post-calculation is the provider's (citeq's) internal work while it is a draft: a member contact sees none
(404, absent from lists). Once approved, every member contact sees it, but only its own over-/under-recovery:
bob (Ahlen) gets 404 for Telgte's result. The business plan and the committee report are the provider's
documents, which member contacts have no permission for (403). Writes check the role's permission first: the API
answers bob and the auditor 403; the pages load the post-calculation for the change action and answer 404 for
one the user may not change (ADR 0008), as for an invisible one.
"""

import datetime as dt
from typing import Any

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import MinValueValidator
from django.urls import reverse
from django.utils.translation import gettext as _

from verbund.closing.tests.conftest import ACTUAL_COSTS_CSV, USAGE_CSV
from verbund.core.testing import Bad, Endpoint, EndpointTests

COSTS = [
    {"cost_centre": "RZ", "cost_type": "PERS", "amount": "110000"},
    {"cost_centre": "AP", "cost_type": "PERS", "amount": "84.000,00"},
]
USAGE = [{"ags": "05570044", "product": "AP-100", "period": "2026", "quantity": "45"}]
FLOWS = [{"provider": "RZ", "receiver": "AP", "quantity": "10"}]
BUSINESS_PLAN = "part;code;label;planned;actual\nincome;U1;Umsatzerlöse;100;110\nexpense;A1;Aufwand;90;95\n"
BUSINESS_ROWS = [
    {"part": "income", "code": "U1", "label": "Umsatzerlöse", "planned": "100", "actual": "110"},
    {"part": "expense", "code": "A1", "label": "Aufwand", "planned": "90", "actual": "95"},
]


def _draft(ctx):
    return {"closing": ctx.closing}


def _with_actuals(ctx):
    return {"closing": ctx.closing_with_actuals}


def _calculated(ctx):
    from verbund.closing import services

    services.closing_calculate(actor=ctx.admin_user, closing=ctx.closing_with_actuals)
    return {"closing": ctx.closing_with_actuals}


def _approved(ctx):
    from verbund.closing import services

    _calculated(ctx)
    services.closing_approve(
        actor=ctx.admin_user,
        closing=ctx.closing_with_actuals,
        decision_reference="JA 2026",
        approved_on=dt.date(2027, 6, 30),
    )
    return {"closing": ctx.closing_with_actuals}


def _carry_target(ctx):
    from verbund.costing import services as costing

    objects = _approved(ctx)
    target = costing.plan_version_copy(actor=ctx.admin_user, source=ctx.approved_plan, year=2028, name="Plan 2028")
    return {**objects, "target": target}


def _carried(ctx):
    from verbund.closing import services

    objects = _carry_target(ctx)
    services.carry_forward_apply(actor=ctx.admin_user, closing=objects["closing"], target_plan=objects["target"])
    return objects


def _business_plan(ctx):
    from verbund.closing import imports, services
    from verbund.closing.tests.conftest import read_csv

    provider = ctx.registry["citeq"]
    figures = imports.parse_business_plan(read_csv(BUSINESS_PLAN, imports.BUSINESS_PLAN))
    services.business_plan_replace(actor=ctx.admin_user, provider=provider, year=2026, figures=figures)
    return {"provider": provider}


def _meeting(ctx):
    from django.utils import timezone

    from verbund.governance import services as governance

    objects = _business_plan(ctx)
    committee = governance.committee_create(
        actor=ctx.admin_user, body=ctx.registry["citeq"], name="Zentralausschuss", short_name="ZA", kind="central"
    )
    meeting = governance.meeting_schedule(
        actor=ctx.admin_user, committee=committee, name="Sitzung", start=timezone.now() + dt.timedelta(days=30)
    )
    return {**objects, "meeting": meeting}


def _closing_id(ctx):
    return {"closing_id": ctx.closing.pk}


def _upload(text: str, name: str = "ist.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def _telgte_result(ctx):
    return {"closing_id": ctx.closing.pk, "member_id": ctx.registry["telgte"].pk}


def _report_data(ctx, reference="WP-2026"):
    return {"provider_id": ctx.provider.pk, "year": 2026, "meeting_id": ctx.meeting.pk, "reference": reference}


def _provider_year(ctx):
    return {"provider": ctx.provider.pk, "year": 2026}


# API writes: the permission is checked first, so bob (a member contact) and the auditor get 403.
API_WRITE: dict[str, Any] = {"kind": "write", "other_status": 403, "user": "controller"}
# Page writes on a post-calculation: loaded for the change action, 404 for bob and the auditor (ADR 0008); a
# refused input redirects back with a message naming it.
PAGE_WRITE: dict[str, Any] = {"kind": "write", "kwargs": _closing_id, "user": "controller", "read_only_status": 404}
# The business plan pages need the business plan permission, which a member contact does not have.
BUSINESS: dict[str, Any] = {"user": "controller", "other_status": 403}


class TestEndpoints(EndpointTests):
    endpoints = (
        # REST API
        Endpoint("api:closings_list", kind="list", setup=_draft, shows=lambda ctx: ctx.closing.name),
        Endpoint("api:closings_get", kwargs=_closing_id, setup=_draft),
        Endpoint("api:closings_products", kwargs=_closing_id, setup=_calculated),
        # A draft: bob sees nothing of it (404); on an approved one he would see his own rows only (test_api).
        Endpoint("api:closings_members", kwargs=_closing_id, setup=_calculated),
        Endpoint(
            "api:closings_create",
            status=201,
            data=lambda ctx: {"plan_id": ctx.approved_plan.pk, "name": "Nachkalkulation 2026"},
            bad=Bad(lambda ctx: {"plan_id": ctx.approved_plan.pk, "name": "x" * 201}, field="name"),
            **API_WRITE,
        ),
        Endpoint(
            "api:closings_costs",
            kwargs=_closing_id,
            setup=_draft,
            data={"rows": COSTS},
            bad=Bad({"rows": [{"cost_centre": "XX", "cost_type": "PERS", "amount": "1"}]}, field="cost_centre"),
            **API_WRITE,
        ),
        Endpoint(
            "api:closings_flows",
            kwargs=_closing_id,
            setup=_draft,
            data={"rows": FLOWS},
            bad=Bad({"rows": [{"provider": "RZ", "receiver": "XX", "quantity": "1"}]}, field="receiver"),
            **API_WRITE,
        ),
        Endpoint(
            "api:closings_usage",
            kwargs=_closing_id,
            setup=_draft,
            data={"rows": USAGE},
            bad=Bad({"rows": [{**USAGE[0], "ags": "99999999"}]}, field="ags"),
            **API_WRITE,
        ),
        Endpoint(
            "api:closings_price_indices",
            kwargs=_closing_id,
            setup=_draft,
            data={"indices": {"PERS": "1.03"}},
            bad=Bad({"indices": {"PERS": "0"}}, field="figures"),
            **API_WRITE,
        ),
        # No input: the calculation of a closing without actual costs is refused (test_api), on another closing.
        Endpoint("api:closings_calculate", kwargs=_closing_id, setup=_with_actuals, **API_WRITE),
        Endpoint(
            "api:closings_approve",
            kwargs=_closing_id,
            setup=_calculated,
            data={"decision_reference": "JA 2026", "approved_on": "2027-06-30"},
            bad=Bad({"decision_reference": "JA 2026", "approved_on": "30.06.2027x"}, field="approved_on"),
            **API_WRITE,
        ),
        Endpoint(
            "api:closings_carry",
            kwargs=_closing_id,
            setup=_carry_target,
            status=201,
            data=lambda ctx: {"target_plan_id": ctx.target.pk, "years": 1},
            bad=Bad(lambda ctx: {"target_plan_id": ctx.target.pk, "years": 0}, field="years"),
            **API_WRITE,
        ),
        # Carry-forwards exist only for an approved post-calculation and are per product, not per member: every
        # member sees them, like the approved plan's rates (selectors.carry_forwards), so there is no outsider.
        Endpoint(
            "api:carry_list",
            kind="list",
            setup=_carried,
            shows=lambda ctx: '"product_number": "AP-100"',
            other=None,
        ),
        Endpoint(
            "api:business_plan_get",
            query=lambda ctx: {"provider_id": ctx.provider.pk, "year": 2026},
            setup=_business_plan,
            **BUSINESS,
        ),
        Endpoint(
            "api:business_plan_put",
            data=lambda ctx: {"provider_id": ctx.registry["citeq"].pk, "year": 2026, "rows": BUSINESS_ROWS},
            bad=Bad(
                lambda ctx: {
                    "provider_id": ctx.registry["citeq"].pk,
                    "year": 2026,
                    "rows": [{**BUSINESS_ROWS[0], "part": "bogus"}],
                },
                field="part",
            ),
            **API_WRITE,
        ),
        Endpoint(
            "api:committee_report_create",
            setup=_meeting,
            status=201,
            data=_report_data,
            bad=Bad(lambda ctx: _report_data(ctx, reference=""), field="reference"),
            **API_WRITE,
        ),
        # Pages
        Endpoint("closing:closing_list", kind="list", setup=_draft, shows=lambda ctx: ctx.closing.name),
        Endpoint(
            "closing:closing_list",
            kind="write",
            user="controller",
            data=lambda ctx: {"plan": ctx.approved_plan.pk, "name": "Nachkalkulation 2026"},
            bad=Bad(lambda ctx: {"plan": ctx.approved_plan.pk, "name": "x" * 201}, field="name"),
            bad_status=400,  # the list again with the form's errors
            other_status=403,  # starting a post-calculation needs the permission
        ),
        Endpoint("closing:closing_detail", kwargs=_closing_id, setup=_draft),
        Endpoint(
            "closing:closing_import",
            setup=_draft,
            data=lambda ctx: {"kind": "costs", "file": _upload(ACTUAL_COSTS_CSV)},
            bad=Bad(
                lambda ctx: {"kind": "usage", "file": _upload(USAGE_CSV, "verbrauch.pdf")},
                field="file",
                message=lambda: _("Upload a CSV file or an Excel workbook (.xlsx)."),
            ),
            bad_status=302,
            **PAGE_WRITE,
        ),
        Endpoint(
            "closing:closing_costs_save",
            setup=_draft,
            data={"cost:RZ/PERS": "1.000,50"},
            bad=Bad(
                {"cost:RZ/PERS": "viel"},
                field="RZ/PERS",
                message=lambda: _("Not an amount: %(cells)s") % {"cells": "RZ/PERS"},
            ),
            bad_status=302,
            **PAGE_WRITE,
        ),
        Endpoint(
            "closing:closing_price_indices",
            setup=_draft,
            data={"index:PERS": "1,03"},
            bad=Bad(
                {"index:PERS": "x"}, field="PERS", message=lambda: _("Not a number: %(cells)s") % {"cells": "PERS"}
            ),
            bad_status=302,
            **PAGE_WRITE,
        ),
        Endpoint("closing:closing_calculate", setup=_with_actuals, **PAGE_WRITE),  # starts the calculation job
        Endpoint(
            "closing:closing_approve",
            setup=_calculated,
            data={"decision_reference": "JA 2026", "approved_on": "2027-06-30"},
            bad=Bad(
                {"decision_reference": "", "approved_on": "2027-06-30"},
                field="decision_reference",
                message=lambda: forms.Field.default_error_messages["required"],  # Django's own message
            ),
            bad_status=302,
            **PAGE_WRITE,
        ),
        Endpoint(
            "closing:closing_carry",
            setup=_carry_target,
            data=lambda ctx: {"target_plan": ctx.target.pk, "years": 1},
            bad=Bad(
                lambda ctx: {"target_plan": ctx.target.pk, "years": 0},
                field="years",
                message=lambda: MinValueValidator.message % {"limit_value": 1},  # Django's own message
            ),
            bad_status=302,
            # The closing is approved, so bob and the auditor may see it; the carry permission is refused (403).
            **{**PAGE_WRITE, "read_only_status": 403, "other_status": 403},
        ),
        Endpoint("closing:member_recovery", kwargs=_telgte_result, user="alice", setup=_approved),
        # A member contact's entry: alice's links lead to Telgte's result, bob's to Ahlen's.
        Endpoint(
            "closing:my_recovery",
            kind="list",
            user="alice",
            setup=_approved,
            shows=lambda ctx: reverse("closing:member_recovery", kwargs=_telgte_result(ctx)),
        ),
        Endpoint(
            "closing:business_plan",
            query=_provider_year,
            setup=_business_plan,
            **BUSINESS,
        ),
        Endpoint(
            "closing:business_plan_pdf",
            query=_provider_year,
            setup=_business_plan,
            **BUSINESS,
        ),
        Endpoint(
            "closing:business_plan_import",
            kind="write",
            data=lambda ctx: {"provider": ctx.registry["citeq"].pk, "year": 2026, "file": _upload(BUSINESS_PLAN)},
            bad=Bad(
                lambda ctx: {
                    "provider": ctx.registry["citeq"].pk,
                    "year": 2026,
                    "file": _upload(BUSINESS_PLAN, "wp.pdf"),
                },
                field="file",
                message=lambda: _("Upload a CSV file or an Excel workbook (.xlsx)."),
            ),
            bad_status=302,
            **BUSINESS,
        ),
        Endpoint(
            "closing:business_plan_report",
            kind="write",
            setup=_meeting,
            data=lambda ctx: {**_provider_year(ctx), "meeting": ctx.meeting.pk, "reference": "WP-2026"},
            bad=Bad(
                lambda ctx: {**_provider_year(ctx), "meeting": ctx.meeting.pk, "reference": ""},
                field="reference",
                message=lambda: forms.Field.default_error_messages["required"],  # Django's own message
            ),
            bad_status=302,
            **BUSINESS,
        ),
    )
