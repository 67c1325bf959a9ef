"""The controlling REST API beyond the generic endpoint tests: values are judged against the target version of
their year, and a member contact reads the submitted council report but never the contract's values."""

from decimal import Decimal

from verbund.controlling import services
from verbund.controlling.tests.conftest import kpi_of


def test_a_manual_value_is_judged_and_listed_with_its_evidence(client, controller, contract):
    client.force_login(controller)
    kpi = kpi_of(contract, "POSTS")
    response = client.post(
        f"/api/v1/controlling/kpis/{kpi.pk}/values",
        {"year": 2025, "value": "120", "evidence_text": "Statistik 2025"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    listed = client.get(f"/api/v1/controlling/contracts/{contract.pk}/values", {"year": 2025}).json()
    row = next(v for v in listed if v["kpi_code"] == "POSTS")
    assert Decimal(row["value"]) == 120 and row["status"] == "green" and row["evidence_text"] == "Statistik 2025"
    assert Decimal(row["target"]) == 100


def test_a_value_without_evidence_is_refused_and_nothing_is_stored(client, controller, contract):
    client.force_login(controller)
    kpi = kpi_of(contract, "POSTS")
    response = client.post(
        f"/api/v1/controlling/kpis/{kpi.pk}/values", {"year": 2025, "value": "120"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "evidence_text" in response.content.decode()
    assert not kpi.measurements.exists()


def test_a_member_reads_the_submitted_report_but_not_the_values(client, alice, admin_user, contract, meeting):
    services.measurement_enter(
        actor=admin_user,
        kpi=kpi_of(contract, "POSTS"),
        year=2025,
        value=Decimal(95),
        evidence=services.Evidence(text="Statistik"),
    )
    report = services.report_submit(actor=admin_user, contract=contract, year=2025, meeting=meeting, reference="BA-1")
    client.force_login(alice)
    reports = client.get("/api/v1/controlling/reports").json()
    assert [r["id"] for r in reports["items"]] == [report.pk]
    assert client.get(f"/api/v1/controlling/contracts/{contract.pk}/values", {"year": 2025}).status_code == 404
    assert client.get("/api/v1/controlling/contracts").json()["count"] == 0
