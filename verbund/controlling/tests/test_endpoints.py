"""Generic endpoint tests of the controlling pages (verbund.core.testing).

A management contract, its KPIs and every stored value are the provider's staff work: a member contact (bob)
gets 404 for all of them and never sees a draft value; the auditor reads but cannot write (the write pages load
the object for the change action and answer 404, ADR 0008, or 403 where the page is the contract's own). A report
submitted to the committee is published: every member contact may read it (and its PDF and CSV), so for those
pages the other member gets 200.
"""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from verbund.controlling.forms import DefinitionForm, GoalForm, MeasureForm, YearForm
from verbund.controlling.tests.conftest import kpi_of
from verbund.core.testing import Bad, Endpoint, EndpointTests


def _contract(ctx):
    return {"contract_id": ctx.contract.pk}


def _kpi(code):
    return lambda ctx: {"kpi_id": kpi_of(ctx.contract, code).pk}


def _measurement(ctx):
    from verbund.controlling import services

    measurement = services.measurement_enter(
        actor=ctx.admin_user,
        kpi=kpi_of(ctx.contract, "POSTS"),
        year=2025,
        value=Decimal(95),
        evidence=services.Evidence(text="Statistik", file_name="beleg.txt", file_data=b"Beleg"),
    )
    return {"measurement": measurement}


def _measurement_id(ctx):
    return {"measurement_id": ctx.measurement.pk}


def _report(ctx):
    from verbund.controlling import services

    _measurement(ctx)
    report = services.report_submit(
        actor=ctx.admin_user, contract=ctx.contract, year=2025, meeting=ctx.meeting, reference="BA-V-1"
    )
    services.report_render(actor=ctx.admin_user, report=report)  # the archived PDF, as the submission's job does
    return {"report": report}


def _report_id(ctx):
    return {"report_id": ctx.report.pk}


def _label(form: Any, field: str):
    return lambda: str(form.base_fields[field].label)


# Page writes on a contract or KPI: loaded for the change action, so bob and the auditor get 404 (ADR 0008); a
# refused input redirects back with a message naming the field.
PAGE_WRITE: dict[str, Any] = {"kind": "write", "user": "controller", "read_only_status": 404, "bad_status": 302}
YEAR = {"year": 2025}


class TestEndpoints(EndpointTests):
    endpoints = (
        # REST API: contracts, KPIs and values are staff work (bob: 404, or an empty list); the manual value needs
        # the controller's permission (bob and the auditor: 403); reports are published to every member.
        Endpoint(
            "api:controlling_contracts_list",
            kind="list",
            setup=lambda ctx: {"the_contract": ctx.contract},
            shows=lambda ctx: ctx.contract.name,
        ),
        Endpoint("api:controlling_contracts_get", kwargs=_contract),
        Endpoint("api:controlling_contracts_values", kwargs=_contract, query=YEAR, setup=_measurement),
        Endpoint(
            "api:controlling_value_enter",
            kind="write",
            user="controller",
            kwargs=_kpi("POSTS"),
            data={"year": 2025, "value": "96", "evidence_text": "Statistik 2025"},
            bad=Bad({"year": 2025, "value": "viel", "evidence_text": "Statistik"}, field="value"),
            status=201,
            other_status=403,
        ),
        Endpoint("api:controlling_kpi_breakdowns", kwargs=_kpi("AVAIL"), query=YEAR),
        Endpoint("api:controlling_reports_list", kind="list", setup=_report),
        Endpoint(
            "controlling:contract_list",
            kind="list",
            setup=lambda ctx: {"the_contract": ctx.contract},
            shows=lambda ctx: ctx.contract.name,
        ),
        Endpoint(
            "controlling:contract_list",
            kind="write",
            user="controller",
            data=lambda ctx: {
                "name": "Managementkontrakt Ahlen",
                "provider": ctx.registry["citeq"].pk,
                "city": ctx.registry["ahlen"].pk,
                "start_year": 2026,
                "end_year": 2030,
            },
            bad=Bad(
                lambda ctx: {
                    "name": "Managementkontrakt Ahlen",
                    "provider": ctx.registry["citeq"].pk,
                    "city": ctx.registry["ahlen"].pk,
                    "start_year": 2026,
                    "end_year": 2020,
                },
                field="end_year",
            ),
            bad_status=400,
            other_status=403,  # creating a contract needs the permission
        ),
        Endpoint("controlling:contract_detail", kwargs=_contract),
        Endpoint(
            "controlling:contract_collect",
            kwargs=_contract,
            data=YEAR,
            bad=Bad({"year": "zwanzig"}, field="year", message=_label(YearForm, "year")),
            **PAGE_WRITE,
        ),
        Endpoint(
            "controlling:goal_add",
            kwargs=_contract,
            data={"title": "Barrierefreiheit", "text": "Barrierefreie Dienste."},
            bad=Bad({"title": "", "text": "x"}, field="title", message=_label(GoalForm, "title")),
            **PAGE_WRITE,
        ),
        Endpoint(
            "controlling:kpi_create",
            kwargs=_contract,
            data=lambda ctx: {
                "goal": ctx.contract.goals.first().pk,
                "code": "SM_LIKES",
                "name": "Likes",
                "definition": "Anzahl Likes",
                "unit": "count",
                "direction": "higher",
                "source_kind": "manual",
            },
            bad=Bad(
                lambda ctx: {
                    "goal": ctx.contract.goals.first().pk,
                    "code": "X",
                    "name": "Formel",
                    "definition": "kaputt",
                    "unit": "number",
                    "direction": "higher",
                    "source_kind": "formula",
                    "formula": "POSTS +",
                },
                field="formula",
                message=lambda: _("The formula cannot be read (empty, too long or too deeply nested)."),
            ),
            **PAGE_WRITE,
        ),
        Endpoint(
            "controlling:budget_set",
            kwargs=_contract,
            data=lambda ctx: {"goal": ctx.contract.goals.first().pk, "year": 2026, "amount": "15000"},
            bad=Bad(
                lambda ctx: {"goal": ctx.contract.goals.first().pk, "year": 2035, "amount": "15000"},
                field="year",
                message=lambda: _("The year is outside the contract's term."),
            ),
            **PAGE_WRITE,
        ),
        Endpoint(
            "controlling:measure_add",
            kwargs=_contract,
            data=lambda ctx: {"goal": ctx.contract.goals.first().pk, "text": "Schulung", "due_on": "2026-03-31"},
            bad=Bad(
                lambda ctx: {"goal": ctx.contract.goals.first().pk, "text": "Schulung", "due_on": "bald"},
                field="due_on",
                message=_label(MeasureForm, "due_on"),
            ),
            **PAGE_WRITE,
        ),
        Endpoint(
            "controlling:measure_done",
            kwargs=lambda ctx: {
                "contract_id": ctx.contract.pk,
                "measure_id": ctx.contract.goals.first().measures.first().pk,
            },
            data={"done_on": "2025-06-20"},
            bad=Bad(
                {"done_on": "2099-01-01"},
                field="done_on",
                message=lambda: _("A measure is not done in the future."),
            ),
            **PAGE_WRITE,
        ),
        Endpoint("controlling:contract_report", kwargs=_contract, query=YEAR),
        Endpoint(
            "controlling:contract_report",
            kind="write",
            kwargs=_contract,
            user="controller",
            data=lambda ctx: {"year": 2025, "meeting": ctx.meeting.pk, "reference": "BA-V-2026/01"},
            bad=Bad(lambda ctx: {"year": 2025, "meeting": ctx.meeting.pk, "reference": ""}, field="reference"),
            bad_status=400,
            read_only_status=403,  # the auditor reads the draft report but may not submit it
        ),
        Endpoint("controlling:contract_report_csv", kwargs=_contract, query=YEAR),
        Endpoint("controlling:contract_report_pdf", kwargs=_contract, query=YEAR),
        Endpoint("controlling:kpi_detail", kwargs=_kpi("POSTS")),
        Endpoint("controlling:kpi_breakdown_csv", kwargs=_kpi("AVAIL"), query=YEAR),
        Endpoint(
            "controlling:kpi_value",
            kwargs=_kpi("POSTS"),
            data={"year": 2025, "value": "95", "evidence_text": "Statistik der Kanäle"},
            bad=Bad(
                {"year": 2025, "value": "viel", "evidence_text": "x"},
                field="value",
                message=lambda: _("Not a number: %(value)s") % {"value": "viel"},
            ),
            **PAGE_WRITE,
        ),
        Endpoint(
            "controlling:kpi_target",
            kwargs=_kpi("POSTS"),
            data={"valid_from": 2026, "value": "110", "tolerance": "5"},
            bad=Bad(
                {"valid_from": 2026, "value": "110", "tolerance": "-5"},
                field="tolerance",
                message=lambda: _("The tolerance is not negative."),
            ),
            **PAGE_WRITE,
        ),
        Endpoint(
            "controlling:kpi_definition",
            kwargs=_kpi("POSTS"),
            data={"from_year": 2026, "definition": "Eigene Beiträge ohne Reposts", "reason": "Reposts zählen nicht"},
            bad=Bad(
                {"from_year": 2026, "definition": "Eigene Beiträge", "reason": ""},
                field="reason",
                message=_label(DefinitionForm, "reason"),
            ),
            **PAGE_WRITE,
        ),
        Endpoint("controlling:measurement_detail", kwargs=_measurement_id, setup=_measurement),
        Endpoint("controlling:measurement_evidence", kwargs=_measurement_id, setup=_measurement),
        # A submitted report is published to every member (the council's document): bob reads it too.
        Endpoint("controlling:report_detail", kwargs=_report_id, setup=_report, other_status=200),
        Endpoint("controlling:report_csv", kwargs=_report_id, setup=_report, other_status=200),
        Endpoint("controlling:report_pdf", kwargs=_report_id, setup=_report, other_status=200),
    )


def test_a_member_cannot_see_draft_values(client, contract, admin_user, alice, meeting):
    """Before the report is published a member contact sees no value anywhere; afterwards only the report."""
    from django.urls import reverse

    objects = _measurement(type("Ctx", (), {"admin_user": admin_user, "contract": contract})())
    client.force_login(alice)
    urls = [
        reverse("controlling:contract_detail", args=[contract.pk]),
        reverse("controlling:contract_report", args=[contract.pk]),
        reverse("controlling:contract_report_csv", args=[contract.pk]),
        reverse("controlling:kpi_detail", args=[objects["measurement"].kpi_id]),
        reverse("controlling:measurement_detail", args=[objects["measurement"].pk]),
    ]
    assert [client.get(url).status_code for url in urls] == [404] * len(urls)
    listing = client.get(reverse("controlling:contract_list")).content.decode()
    assert contract.name not in listing
    from verbund.controlling import services

    report = services.report_submit(actor=admin_user, contract=contract, year=2025, meeting=meeting, reference="R-1")
    assert client.get(report.get_absolute_url()).status_code == 200
    assert [client.get(url).status_code for url in urls] == [404] * len(urls)  # still no draft values
