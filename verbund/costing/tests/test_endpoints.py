"""Generic endpoint tests of plan costing (verbund.core.testing), API and pages.

Members see approved plans and their own planned fees only. "Another member cannot see it" is checked on the
draft plan of the `plan` fixture (invisible to a member contact: 404 or absent from lists) and on Telgte's fees
in an approved plan (bob of Ahlen: 404).
"""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from verbund.core.testing import Bad, Endpoint, EndpointTests


def _plan(ctx):
    return {"plan_id": ctx.plan.pk}


def _calculated(ctx):
    from verbund.costing import services

    services.plan_version_calculate(actor=None, plan=ctx.plan)
    return {}


def _submitted(ctx):
    from verbund.costing import services

    _calculated(ctx)
    services.plan_version_submit(actor=None, plan=ctx.plan)
    return {}


def _approved(ctx):
    import datetime as dt

    from verbund.costing import services

    _submitted(ctx)
    services.plan_version_approve(
        actor=None, plan=ctx.plan, decision_reference="ZA-2025-011", approved_on=dt.date(2025, 11, 19)
    )
    return {}


def _telgte_fees(ctx):
    return {"plan_id": ctx.plan.pk, "member_id": ctx.registry["telgte"].pk}


def _with_copy(ctx):
    from verbund.costing import services

    return {"other": services.plan_version_copy(actor=None, source=ctx.plan, year=2027, name="Plan 2027")}


def _cell(ctx, value):
    centre = ctx.plan.cost_centres.get(code="RZ")
    cost_type = ctx.plan.cost_types.get(code="PERS")
    return {f"cost_{centre.pk}_{cost_type.pk}": value}


def _plan_file(ctx):
    """The plan's own export as an upload (a valid file: the import job replaces the figures by the same)."""
    import io

    from verbund.costing import spreadsheet

    stream = io.BytesIO()
    spreadsheet.write_csv(spreadsheet.export_rows(ctx.plan), stream)
    return {"file": SimpleUploadedFile("plan.csv", stream.getvalue())}


PLAN: dict[str, Any] = {"setup": lambda ctx: {"plan": ctx.plan}}
NEW_PLAN: dict[str, Any] = {"new-year": "2027", "new-name": "Plankostenrechnung 2027", "new-method": "reciprocal"}
# Plan changes: bob (no permission) and the auditor (may view, not change) are refused the change action. The
# pages answer as for an invisible plan (404, ADR 0008), the API checks the permission first (403): both are the
# existing behaviour.
CHANGE: dict[str, Any] = {"kind": "write", "kwargs": _plan, "read_only_status": 404}
API_CHANGE: dict[str, Any] = {"kind": "write", "kwargs": _plan, "read_only_status": 403, "other_status": 403}


class TestEndpoints(EndpointTests):
    endpoints = (
        # REST API
        Endpoint("api:plans_list", kind="list", shows=lambda ctx: "Plankostenrechnung 2026", **PLAN),
        Endpoint("api:plans_get", kwargs=_plan, **PLAN),
        Endpoint("api:plans_rates", kwargs=_plan, **PLAN),
        Endpoint("api:plans_member_fees", kwargs=_telgte_fees, user="alice", setup=_approved),
        Endpoint(
            "api:plans_compare", kwargs=lambda ctx: {"plan_id": ctx.plan.pk, "other_id": ctx.other.pk}, setup=_with_copy
        ),
        Endpoint(
            "api:plans_create",
            kind="write",
            status=201,
            data=lambda ctx: {"provider_id": ctx.registry["citeq"].pk, "year": 2027, "name": "Plan 2027"},
            bad=Bad(lambda ctx: {"provider_id": ctx.registry["citeq"].pk, "year": 1999, "name": "Alt"}, field="year"),
            other_status=403,  # creating a plan needs the permission, which a member contact does not have
        ),
        Endpoint(
            "api:plans_copy",
            kind="write",
            kwargs=_plan,
            status=201,
            data={"year": 2027, "name": "Plan 2027"},
            bad=Bad({"year": 2027, "name": ""}, field="name"),
            other_status=403,  # the permission is checked before the plan is fetched
            **PLAN,
        ),
        Endpoint("api:plans_calculate", **API_CHANGE, **PLAN),
        Endpoint("api:plans_submit", setup=_calculated, **API_CHANGE),
        Endpoint("api:plans_withdraw", setup=_submitted, **API_CHANGE),
        # Pages
        Endpoint("costing:plan_list", kind="list", shows=lambda ctx: "Plankostenrechnung 2026", **PLAN),
        Endpoint("costing:plan_detail", kwargs=_plan, **PLAN),
        Endpoint(
            "costing:plan_create",
            kind="write",
            data=NEW_PLAN,
            bad=Bad({**NEW_PLAN, "new-year": "1999"}, field="year"),
            other_status=403,
            **PLAN,
        ),
        Endpoint(
            "costing:plan_copy",
            kind="write",
            data=lambda ctx: {"copy-source": ctx.plan.pk, "copy-year": "2027", "copy-name": "Plan 2027"},
            bad=Bad(lambda ctx: {"copy-source": ctx.plan.pk, "copy-year": "zwanzig"}, field="year"),
            other_status=403,
            **PLAN,
        ),
        Endpoint(
            "costing:plan_costs_save",
            data=lambda ctx: _cell(ctx, "123456"),
            bad=Bad(lambda ctx: _cell(ctx, "viel"), field=lambda ctx: next(iter(_cell(ctx, "")))),
            **CHANGE,
            **PLAN,
        ),
        Endpoint("costing:plan_calculate", **CHANGE, **PLAN),
        # The upload checks the permission before it looks for the plan: bob and the auditor get 403.
        Endpoint(
            "costing:plan_import",
            kind="write",
            kwargs=_plan,
            data=_plan_file,
            bad=Bad(lambda ctx: {"file": SimpleUploadedFile("plan.pdf", b"%PDF-1.4")}, field="file"),
            other_status=403,
            **PLAN,
        ),  # starts the calculation job
        Endpoint("costing:plan_submit", setup=_calculated, **CHANGE),
        Endpoint("costing:plan_withdraw", setup=_submitted, **CHANGE),
        Endpoint("costing:rate_sheet", kwargs=_plan, setup=_calculated),
        Endpoint("costing:rate_sheet_pdf", kwargs=_plan, setup=_calculated),
        Endpoint("costing:centre_sheet", kwargs=_plan, setup=_calculated),
        Endpoint("costing:showback_index", kwargs=_plan, setup=_calculated),
        Endpoint("costing:showback", kwargs=_telgte_fees, user="alice", setup=_approved),
        Endpoint("costing:showback_csv", kwargs=_telgte_fees, user="alice", setup=_approved),
        Endpoint("costing:compare", kwargs=_plan, query=lambda ctx: {"other": ctx.other.pk}, setup=_with_copy),
    )
