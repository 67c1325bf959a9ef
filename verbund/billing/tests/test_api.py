"""Billing over the REST API: prepare, preview, issue, invoices, downloads, credit notes; permissions; bad input."""

import datetime as dt

import pytest
from django.test import Client

from verbund.billing.models import Invoice, InvoiceRun
from verbund.billing.services import billing_run_issue, billing_run_prepare


def _client(user):
    client = Client()
    client.force_login(user)
    return client


RUN = {"kind": "instalment", "year": 2026, "period": 1, "billing_date": "2026-01-05"}


@pytest.fixture
def ready(approved_plan, seller, members):
    return approved_plan


@pytest.fixture
def issued(ready, registry):
    run = billing_run_prepare(
        actor=None, provider=registry["citeq"], kind="instalment", year=2026, period=1, billing_date=dt.date(2026, 1, 5)
    )
    return billing_run_issue(actor=None, run=run)


def test_clerk_prepares_previews_and_issues_a_run(ready, clerk):
    client = _client(clerk)
    response = client.post("/api/v1/billing/runs", RUN, content_type="application/json")
    assert response.status_code == 201, response.content
    run = response.json()
    assert run["status"] == "draft" and run["problems"] == [] and not run["blocking"]
    assert len(run["invoices"]) == 2 and all(i["number"] == "" for i in run["invoices"])
    assert all(float(i["gross_total"]) > 0 for i in run["invoices"])
    assert client.get(f"/api/v1/billing/runs/{run['id']}").json()["summary"]["invoices"] == 2
    listed = client.get("/api/v1/billing/runs").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == run["id"]
    response = client.post(f"/api/v1/billing/runs/{run['id']}/issue")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "issued"
    assert sorted(i["number"] for i in body["invoices"]) == ["RE-2026-000001", "RE-2026-000002"]


def test_issue_refused_by_validation_lists_the_rule_ids(ready, clerk, registry, monkeypatch):
    from verbund.billing.services import common, issue

    run = billing_run_prepare(
        actor=clerk,
        provider=registry["citeq"],
        kind="instalment",
        year=2026,
        period=1,
        billing_date=dt.date(2026, 1, 5),
    )

    def failing(prepared):
        invoice = prepared[0][0]
        finding = {"rule": "BR-DE-15", "severity": "fatal", "message": "Buyer reference missing", "location": "/"}
        raise common.ValidationFailed([common.Failure(invoice, [finding])])

    monkeypatch.setattr(issue, "build_and_validate", failing)
    response = _client(clerk).post(f"/api/v1/billing/runs/{run.pk}/issue")
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["rules"] == ["BR-DE-15"]
    assert any("BR-DE-15" in entry["msg"] for entry in body["detail"])
    assert not Invoice.objects.exclude(number="").exists()


def test_a_member_cannot_prepare_or_issue(ready, registry, alice):
    client = _client(alice)
    assert client.post("/api/v1/billing/runs", RUN, content_type="application/json").status_code == 403
    run = billing_run_prepare(
        actor=None, provider=registry["citeq"], kind="instalment", year=2026, period=1, billing_date=dt.date(2026, 1, 5)
    )
    assert client.post(f"/api/v1/billing/runs/{run.pk}/issue").status_code == 403
    assert client.get(f"/api/v1/billing/runs/{run.pk}").status_code == 404
    assert client.get("/api/v1/billing/runs").json()["count"] == 0
    assert InvoiceRun.objects.get().status == "draft"


def test_a_member_sees_only_its_own_invoices(issued, registry, alice, bob):
    mine = _client(alice).get("/api/v1/billing/invoices").json()
    assert mine["count"] == 1 and mine["items"][0]["member_id"] == registry["telgte"].pk
    alices = Invoice.objects.get(member=registry["telgte"])
    detail = _client(alice).get(f"/api/v1/billing/invoices/{alices.pk}").json()
    assert detail["number"] == alices.number and len(detail["lines"]) == 2 and detail["vat_breakdown"]
    for suffix in ("", "/xml", "/cii", "/pdf"):
        assert _client(bob).get(f"/api/v1/billing/invoices/{alices.pk}{suffix}").status_code == 404


def test_xml_and_pdf_downloads(issued, registry, alice):
    invoice = Invoice.objects.get(member=registry["telgte"])
    response = _client(alice).get(f"/api/v1/billing/invoices/{invoice.pk}/xml")
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    assert response.content.startswith(b"<?xml")
    response = _client(alice).get(f"/api/v1/billing/invoices/{invoice.pk}/pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_no_xml_for_an_internal_settlement(ready, registry, clerk):
    from verbund.registry.choices import PartyRole
    from verbund.registry.models import AgreementParty

    AgreementParty.objects.filter(organization=registry["telgte"]).update(role=PartyRole.HOST)
    run = billing_run_prepare(
        actor=None, provider=registry["citeq"], kind="instalment", year=2026, period=1, billing_date=dt.date(2026, 1, 5)
    )
    billing_run_issue(actor=None, run=run)
    internal = Invoice.objects.get(internal=True)
    assert _client(clerk).get(f"/api/v1/billing/invoices/{internal.pk}/xml").status_code == 404
    assert _client(clerk).get(f"/api/v1/billing/invoices/{internal.pk}/cii").status_code == 404


def test_credit_note(issued, registry, clerk, alice):
    invoice = Invoice.objects.get(member=registry["telgte"])
    url = f"/api/v1/billing/invoices/{invoice.pk}/credit"
    assert _client(alice).post(url, {"reason": "x"}, content_type="application/json").status_code == 403
    response = _client(clerk).post(url, {"reason": "Menge falsch"}, content_type="application/json")
    assert response.status_code == 201, response.content
    credit = response.json()
    assert credit["type_code"] == "381" and credit["credit_for_id"] == invoice.pk
    assert credit["number"].startswith("GS-")
    invoice.refresh_from_db()
    assert invoice.status == "cancelled"


def test_bad_input_is_refused_with_422(issued, registry, clerk):
    client = _client(clerk)
    response = client.post("/api/v1/billing/runs", {**RUN, "kind": "weekly"}, content_type="application/json")
    assert response.status_code == 422
    assert any(entry["loc"][-1] == "kind" for entry in response.json()["detail"])
    invoice = Invoice.objects.get(member=registry["telgte"])
    url = f"/api/v1/billing/invoices/{invoice.pk}/credit"
    for payload in ({}, {"reason": ""}, {"reason": "   "}):
        response = client.post(url, payload, content_type="application/json")
        assert response.status_code == 422, payload
        assert any("reason" in entry["loc"] for entry in response.json()["detail"])
    invoice.refresh_from_db()
    assert invoice.status == "issued"


def test_cii_download(issued, registry, alice):
    from verbund.billing.tests.fixtures.xrechnung_terms import cii_terms, ubl_terms
    from verbund.billing.xrechnung import validate_cii

    invoice = Invoice.objects.get(member=registry["telgte"])
    response = _client(alice).get(f"/api/v1/billing/invoices/{invoice.pk}/cii")
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    assert response["Content-Disposition"] == f'attachment; filename="{invoice.number}-cii.xml"'
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<rsm:CrossIndustryInvoice')
    assert validate_cii(response.content).findings == ()
    assert cii_terms(response.content) == ubl_terms(bytes(invoice.xml))


def test_another_member_cannot_download_the_cii(issued, registry, bob):
    invoice = Invoice.objects.get(member=registry["telgte"])
    response = _client(bob).get(f"/api/v1/billing/invoices/{invoice.pk}/cii")
    assert response.status_code == 404 and b"CrossIndustryInvoice" not in response.content
    assert Client().get(f"/api/v1/billing/invoices/{invoice.pk}/cii").status_code == 401


def test_cii_of_a_credit_note(issued, registry, clerk):
    from verbund.billing.services import invoice_credit
    from verbund.billing.tests.fixtures.xrechnung_terms import cii_terms, ubl_terms

    invoice = Invoice.objects.get(member=registry["telgte"])
    credit = invoice_credit(actor=clerk, invoice=invoice, reason="Menge falsch")
    response = _client(clerk).get(f"/api/v1/billing/invoices/{credit.pk}/cii")
    assert response.status_code == 200, response.content
    terms = cii_terms(response.content)
    assert terms == ubl_terms(bytes(credit.xml))
    assert terms["BT-3"] == "381" and terms["BT-25"] == invoice.number and terms["BT-115"] > 0


def test_cii_bad_input(issued, registry, clerk, monkeypatch):
    client = _client(clerk)
    assert client.get("/api/v1/billing/invoices/999999/cii").status_code == 404
    assert client.get("/api/v1/billing/invoices/abc/cii").status_code == 422
    draft = billing_run_prepare(
        actor=None, provider=registry["citeq"], kind="instalment", year=2026, period=2, billing_date=dt.date(2026, 2, 5)
    ).invoices.first()
    assert client.get(f"/api/v1/billing/invoices/{draft.pk}/cii").status_code == 404  # a draft has no e-invoice
    # A CII that fails validation is refused with the rule ids, never handed out.
    import dataclasses

    from verbund.billing.xrechnung import cii

    real = cii.build_cii
    monkeypatch.setattr(cii, "build_cii", lambda doc: real(dataclasses.replace(doc, buyer_reference="")))
    invoice = Invoice.objects.get(member=registry["telgte"], status="issued")
    response = client.get(f"/api/v1/billing/invoices/{invoice.pk}/cii")
    assert response.status_code == 422
    body = response.json()
    assert body["rules"] == ["BR-DE-15", "VB-LEITWEG"]
    assert any(entry["msg"].startswith("BR-DE-15") for entry in body["detail"])
