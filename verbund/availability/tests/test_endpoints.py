"""Generic endpoint tests of availability against the SLA (verbund.core.testing), API and pages.

The objects belong to alice's Telgte: an outage of AP-100 listed for Telgte only, and a commitment for Telgte
only. bob (Ahlen) sees the general commitments and the outages of all subscribers, never Telgte's own rows (404
on a detail, absent from lists) and never Telgte's report. Writes need a provider role (controller): bob and the
auditor get 403.
"""

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _

from verbund.availability.tests.conftest import CSV
from verbund.availability.tests.test_imports import ALERTS, KUMA
from verbund.core.testing import Bad, Endpoint, EndpointTests

BERLIN = ZoneInfo("Europe/Berlin")


def _telgte_rows(ctx):
    from verbund.availability import services

    ctx.request("commitments")
    telgte = ctx.registry["telgte"]
    outage = services.outage_record(
        actor=None,
        provider=ctx.registry["citeq"],
        kind="outage",
        start=dt.datetime(2026, 3, 9, 10, tzinfo=BERLIN),
        end=dt.datetime(2026, 3, 9, 11, tzinfo=BERLIN),
        products=[ctx.subscribed["workplace"]],
        members=[telgte],
        reference="INC-TELGTE",
    )
    override = services.commitment_set(
        actor=None,
        provider=ctx.registry["citeq"],
        product=ctx.subscribed["workplace"],
        member=telgte,
        valid_from=dt.date(2026, 1, 1),
        service_hours="24x7",
        target_month=Decimal("99"),
        target_year=Decimal("99"),
    )
    return {"telgte_outage": outage, "override": override}


def _outage_id(ctx):
    return {"outage_id": ctx.telgte_outage.pk}


def _telgte(ctx):
    return {"member_id": ctx.registry["telgte"].pk}


def _provider(ctx):
    return {"provider_id": ctx.registry["citeq"].pk}


def _commitment(ctx, hours="Mon-Fri 07:00-18:00"):
    ctx.request("subscribed")
    return {
        "provider_id": ctx.registry["citeq"].pk,
        "product_id": ctx.subscribed["ozg"].pk,
        "valid_from": "2027-01-01",
        "service_hours": hours,
        "target_month": "99.5",
        "target_year": "99.7",
    }


def _outage(ctx, end="2026-05-04T12:00:00+02:00"):
    ctx.request("commitments")
    return {
        "provider_id": ctx.registry["citeq"].pk,
        "kind": "outage",
        "start": "2026-05-04T10:00:00+02:00",
        "end": end,
        "product_ids": [ctx.subscribed["workplace"].pk],
    }


def _csv(ctx, text=CSV):
    ctx.request("commitments")
    return {"provider_id": ctx.registry["citeq"].pk, "csv": text}


def _kuma(ctx, mapping="1=AP-100"):
    ctx.request("commitments")
    return {"provider_id": ctx.registry["citeq"].pk, "monitor_products": mapping, "history": KUMA}


def _alerts(ctx, product="AP-100"):
    ctx.request("commitments")
    alert = {**ALERTS["alerts"][0], "labels": {"alertname": "Down", "product": product}}
    return {**ALERTS, "alerts": [alert]}


def _outage_form(ctx, end="2026-05-04T12:00"):
    ctx.request("commitments")
    return {
        "kind": "outage",
        "start": "2026-05-04T10:00",
        "end": end,
        "products": [ctx.subscribed["workplace"].pk],
        "impact": "1",
    }


def _commitment_form(ctx, hours="Mon-Fri 07:00-18:00"):
    ctx.request("subscribed")
    return {
        "product": ctx.subscribed["ozg"].pk,
        "member": ctx.registry["telgte"].pk,
        "valid_from": "2027-01-01",
        "service_hours": hours,
        "exclude_holidays": "on",
        "target_month": "99.5",
        "target_year": "99.7",
        "notice_days": "5",
    }


def _upload(text: str, name: str = "ausfaelle.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def _import_form(ctx, text=CSV):
    ctx.request("commitments")
    return {"format": "csv", "file": _upload(text)}


API_WRITE: dict[str, Any] = {"kind": "write", "other_status": 403, "user": "controller"}
PAGE_WRITE: dict[str, Any] = {"kind": "write", "other_status": 403, "user": "controller"}


class TestEndpoints(EndpointTests):
    endpoints = (
        # REST API
        Endpoint(
            "api:commitments_list",
            kind="list",
            setup=_telgte_rows,
            shows=lambda ctx: f'"member_id": {ctx.registry["telgte"].pk}',
        ),
        Endpoint(
            "api:commitments_set",
            status=201,
            data=_commitment,
            bad=Bad(lambda ctx: _commitment(ctx, hours="werktags"), field="service_hours"),
            **API_WRITE,
        ),
        Endpoint("api:outages_list", kind="list", setup=_telgte_rows, shows=lambda ctx: "INC-TELGTE"),
        Endpoint("api:outages_get", kwargs=_outage_id, setup=_telgte_rows),
        Endpoint(
            "api:outages_create",
            status=201,
            data=_outage,
            bad=Bad(lambda ctx: _outage(ctx, end="2026-05-04T09:00:00+02:00"), field="end"),
            **API_WRITE,
        ),
        Endpoint(
            "api:outages_import_csv",
            data=_csv,
            bad=Bad(lambda ctx: _csv(ctx, CSV + "XX-1,,2026-02-10T10:00:00Z,,outage,,,\n"), field="product"),
            **API_WRITE,
        ),
        Endpoint(
            "api:outages_import_kuma",
            data=_kuma,
            bad=Bad(lambda ctx: _kuma(ctx, "1=XX-1"), field="monitor_products"),
            **API_WRITE,
        ),
        Endpoint(
            "api:alertmanager_webhook",
            kwargs=_provider,
            data=_alerts,
            bad=Bad(lambda ctx: _alerts(ctx, product="XX-1"), field="labels.product"),
            **API_WRITE,
        ),
        Endpoint("api:reports_get", kwargs=_telgte, query={"year": 2026}, setup=_telgte_rows, user="alice"),
        # Pages
        # The staff overview; a member contact is sent on to its own report (302), which never names another.
        Endpoint(
            "availability:home",
            kind="list",
            setup=_telgte_rows,
            shows=lambda ctx: ctx.registry["telgte"].name,
            other_status=302,
        ),
        Endpoint("availability:member_report", kwargs=_telgte, setup=_telgte_rows, user="alice"),
        Endpoint("availability:member_report_pdf", kwargs=_telgte, setup=_telgte_rows, user="alice"),
        Endpoint(
            "availability:outage_list", kind="list", user="alice", setup=_telgte_rows, shows=lambda ctx: "INC-TELGTE"
        ),
        Endpoint("availability:outage_detail", kwargs=_outage_id, setup=_telgte_rows, user="alice"),
        Endpoint(
            "availability:outage_create",
            data=_outage_form,
            bad=Bad(lambda ctx: _outage_form(ctx, end="2026-05-04T09:00"), field="end"),
            **PAGE_WRITE,
        ),
        Endpoint(
            "availability:outage_import",
            data=_import_form,
            bad=Bad(
                lambda ctx: _import_form(ctx, CSV + "XX-1,,2026-02-10T10:00:00Z,,outage,,,\n"),
                field="file",
                message=lambda: _("No product %(number)s in the catalogue.") % {"number": "XX-1"},
            ),
            **PAGE_WRITE,
        ),
        Endpoint(
            "availability:commitment_list",
            kind="list",
            setup=_telgte_rows,
            shows=lambda ctx: ctx.registry["telgte"].name,
        ),
        Endpoint(
            "availability:commitment_list",
            data=lambda ctx: _commitment_form(ctx),
            bad=Bad(lambda ctx: _commitment_form(ctx, hours="werktags"), field="service_hours"),
            bad_status=400,  # the list again with the form's errors
            **PAGE_WRITE,
        ),
        Endpoint(
            "availability:commitment_initialise",
            setup=lambda ctx: ctx.request("subscribed"),
            data={"valid_from": "2027-01-01"},
            bad=Bad({"valid_from": "bald"}, field="valid_from", message=lambda: _("valid_from: Enter a valid date.")),
            bad_status=302,
            **PAGE_WRITE,
        ),
        # Exporting every member's report is a read for the provider's staff: its only write is the job's row, so
        # the auditor may run it too (no read-only test); a member contact may not (403).
        Endpoint(
            "availability:report_job",
            setup=_telgte_rows,
            data={"year": "2026"},
            user="controller",
            kind="write",
            other_status=403,
            read_only=None,
        ),
    )
