"""Generic endpoint tests of billing (verbund.core.testing), API and pages.

Runs are the provider's internal work: a member contact sees none (404, absent from lists). Invoices belong to
their member: alice sees Telgte's issued invoice, bob (Ahlen) gets 404 for it.
"""

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from verbund.core.testing import Bad, Endpoint, EndpointTests


def _issued_run(ctx):
    """The run of January 2026, issued: invoices to Telgte and Ahlen."""
    from verbund.billing.services import billing_run_issue, billing_run_prepare

    ctx.request("approved_plan", "seller", "members")
    issued = billing_run_issue(
        actor=None,
        run=billing_run_prepare(
            actor=None,
            provider=ctx.registry["citeq"],
            kind="instalment",
            year=2026,
            period=1,
            billing_date=dt.date(2026, 1, 5),
        ),
    )
    return {"issued": issued, "invoice": issued.invoices.get(member=ctx.registry["telgte"])}


def _draft_run(ctx):
    """The run of February 2026, prepared (drafts, not issued)."""
    from verbund.billing.services import billing_run_prepare

    ctx.request("approved_plan", "seller", "members")
    draft = billing_run_prepare(
        actor=None,
        provider=ctx.registry["citeq"],
        kind="instalment",
        year=2026,
        period=2,
        billing_date=dt.date(2026, 2, 5),
    )
    return {"draft": draft}


def _draft(ctx):
    return {"run_id": ctx.draft.pk}


def _issued(ctx):
    return {"run_id": ctx.issued.pk}


def _invoice(ctx):
    return {"invoice_id": ctx.invoice.pk}


def _seller(ctx):
    """citeq's seller data (version 1); the clerk edits them."""
    ctx.request("seller")
    return {"provider_id": ctx.registry["citeq"].pk}


def _form(ctx):
    from verbund.billing.tests.conftest import SELLER

    return {**SELLER, "country": "DE", "contact_name": "Neue Ansprechperson", "version": 1}


# The seller data are the providers' own: a member contact sees none (an empty list, 404) and, lacking the
# change permission, gets 403 for any write before a provider is looked up.
SELLER_DATA: dict[str, Any] = {"user": "clerk", "kwargs": _seller}
SELLER_WRITE: dict[str, Any] = {"kind": "write", "other_status": 403, **SELLER_DATA}


# Each declaration prepares only the run it needs (a billing run is the slowest set-up of the suite).
RUNS: dict[str, Any] = {"setup": _issued_run}
CLERK: dict[str, Any] = {"user": "clerk", "setup": _draft_run}
INVOICE: dict[str, Any] = {"user": "alice", "kwargs": _invoice, **RUNS}
MARCH: dict[str, Any] = {"kind": "instalment", "year": "2026", "period": "3", "billing_date": "2026-03-05"}


class TestEndpoints(EndpointTests):
    endpoints = (
        # REST API
        Endpoint("api:runs_list", kind="list", shows=lambda ctx: f'"id": {ctx.draft.pk}', **CLERK),
        Endpoint("api:runs_get", kwargs=_draft, **CLERK),
        Endpoint(
            "api:runs_prepare",
            kind="write",
            status=201,
            data={**MARCH, "year": 2026, "period": 3},
            bad=Bad({**MARCH, "year": 2026, "period": 13}, field="period"),
            other_status=403,  # preparing a run needs the permission, which a member contact does not have
            **CLERK,
        ),
        Endpoint("api:runs_issue", kind="write", kwargs=_draft, other_status=403, **CLERK),
        Endpoint("api:invoices_list", kind="list", shows=lambda ctx: ctx.invoice.number, user="alice", **RUNS),
        Endpoint("api:invoices_get", **INVOICE),
        Endpoint("api:invoices_xml", **INVOICE),
        Endpoint("api:invoices_cii", **INVOICE),
        Endpoint("api:invoices_pdf", **INVOICE),
        Endpoint(
            "api:invoices_credit",
            kind="write",
            kwargs=_invoice,
            status=201,
            data={"reason": "Menge falsch gemeldet"},
            bad=Bad({"reason": ""}, field="reason"),
            other_status=403,  # crediting needs the permission, which a member contact does not have
            user="clerk",
            **RUNS,
        ),
        Endpoint("api:sellers_list", kind="list", shows=lambda ctx: ctx.seller.legal_name, user="clerk", setup=_seller),
        Endpoint("api:sellers_get", **SELLER_DATA),
        Endpoint(
            "api:sellers_put",
            method="PUT",
            data=_form,
            bad=Bad(lambda ctx: {**_form(ctx), "iban": "DE89 3704 0044 0532 0130 01"}, field="iban"),
            **SELLER_WRITE,
        ),
        Endpoint(
            "api:sellers_patch",
            method="PATCH",
            data={"contact_name": "Neue Ansprechperson", "version": 1},
            bad=Bad({"vat_id": "DE12345678", "version": 1}, field="vat_id"),
            **SELLER_WRITE,
        ),
        # Pages
        Endpoint(
            "billing:seller_list", kind="list", shows=lambda ctx: ctx.seller.legal_name, user="clerk", setup=_seller
        ),
        Endpoint("billing:seller_detail", **SELLER_DATA),
        Endpoint("billing:seller_edit", other_status=403, **SELLER_DATA),  # the form: 403 without the permission
        Endpoint(
            "billing:seller_edit",
            data=_form,
            bad=Bad(lambda ctx: {**_form(ctx), "number_prefix": "K1"}, field="number_prefix"),
            bad_status=400,  # the form again, with the error at the field
            **SELLER_WRITE,
        ),
        Endpoint(
            "billing:run_list",
            kind="list",
            shows=lambda ctx: reverse("billing:run_detail", args=[ctx.draft.pk]),
            **CLERK,
        ),
        Endpoint(
            "billing:run_list",
            kind="write",
            data=MARCH,  # starts the preparation job
            bad=Bad({**MARCH, "year": ""}, field="year", message=lambda: _("Enter the year.")),
            bad_status=400,
            other_status=403,
            **CLERK,
        ),
        Endpoint("billing:run_detail", kwargs=_draft, **CLERK),
        Endpoint(
            "billing:run_issue",
            kind="write",
            kwargs=_draft,
            data=lambda ctx: {"confirm": "yes", "prepared": ctx.draft.prepared_at.isoformat()},  # starts the job
            bad=Bad(
                lambda ctx: {"prepared": ctx.draft.prepared_at.isoformat()},
                field="confirm",
                message=lambda: _(
                    "Nothing was issued: confirm that you checked the preview and want to issue the run."
                ),
            ),
            bad_status=302,
            other_status=403,
            **CLERK,
        ),
        Endpoint("billing:run_download", kwargs=_issued, user="clerk", **RUNS),
        Endpoint("billing:invoice_list", kind="list", shows=lambda ctx: ctx.invoice.number, user="alice", **RUNS),
        Endpoint("billing:invoice_detail", **INVOICE),
        Endpoint("billing:invoice_xml", **INVOICE),
        Endpoint("billing:invoice_cii", **INVOICE),
        Endpoint("billing:invoice_pdf", **INVOICE),
        Endpoint(
            "billing:invoice_credit",
            kind="write",
            kwargs=_invoice,
            data={"reason": "Menge falsch gemeldet"},
            bad=Bad({"reason": ""}, field="reason", message=lambda: _("Give the reason for the credit note.")),
            bad_status=302,
            other_status=403,
            user="clerk",
            **RUNS,
        ),
    )
