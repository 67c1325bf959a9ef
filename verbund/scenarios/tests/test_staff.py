"""Staff per person (issue #13): the import (every bad-input class refused with line and column, nothing
written; re-import changes nothing; item FTE become the sums), the overview with the natural attrition, the page
and the API."""

import io
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from verbund.core.models import AuditEvent
from verbund.scenarios import selectors, services
from verbund.scenarios.models import PortfolioItem, StaffPosition, normalise_pay_group

HEADER = "item;reference;status;pay_group;fte;retirement_year\n"
GOOD = (
    "CQ-DC;P-1001;Beamter;A 11;1;2029\n"
    "CQ-DC;P-1002;Tarifbeschäftigte(r);E 9b;1;2035\n"
    "CQ-DC;P-1003;employee;e12;0,5;2030\n"
    "CQ-REG;P-2001;Beamtin;A13;1;2040\n"
    "CQ-REG;P-2002;civil_servant;A 9;0.75;2024\n"
)


def _rows(text):
    return services.STAFF.read_csv(io.BytesIO(text.encode()))


def _state():
    return (
        sorted(StaffPosition.objects.values_list("reference", "item__code", "status", "pay_group", "fte")),
        sorted(PortfolioItem.objects.values_list("code", "fte", "civil_servant_fte")),
        AuditEvent.objects.count(),
    )


def test_import_replaces_positions_and_sets_the_item_fte(world, analyst):
    citeq = world["citeq"]
    result = services.staff_import(actor=analyst, provider=citeq, rows=_rows(HEADER + GOOD))
    assert result.changed and result.positions == 5 and result.added == 5
    items = {i.code: i for i in PortfolioItem.objects.all()}
    assert (items["CQ-DC"].fte, items["CQ-DC"].civil_servant_fte) == (D("2.50"), D("1.00"))
    assert (items["CQ-REG"].fte, items["CQ-REG"].civil_servant_fte) == (D("1.75"), D("1.75"))
    assert (items["KA-DC"].fte, items["KA-DC"].civil_servant_fte) == (D(2), D(1))  # another provider: untouched
    assert StaffPosition.objects.get(reference="P-1003").pay_group == "E 12"
    assert StaffPosition.objects.get(reference="P-1002").status == "employee"
    assert AuditEvent.objects.filter(object_id=str(citeq.pk), message__startswith="staff positions").count() == 1


def test_the_same_file_again_changes_nothing(world, analyst):
    services.staff_import(actor=analyst, provider=world["citeq"], rows=_rows(HEADER + GOOD))
    before = _state()
    result = services.staff_import(actor=analyst, provider=world["citeq"], rows=_rows(HEADER + GOOD))
    assert not result.changed and _state() == before


def test_a_new_file_replaces_the_whole_set(world, analyst):
    services.staff_import(actor=analyst, provider=world["citeq"], rows=_rows(HEADER + GOOD))
    result = services.staff_import(
        actor=analyst, provider=world["citeq"], rows=_rows(HEADER + "CQ-DC;P-9;employee;E 10;1;2031\n")
    )
    assert result.changed and result.removed == 5 and result.added == 1
    assert list(StaffPosition.objects.values_list("reference", flat=True)) == ["P-9"]
    assert PortfolioItem.objects.get(code="CQ-REG").fte == 0  # no position left in this service


@pytest.mark.parametrize(
    ("line", "column"),
    [
        ("CQ-DC;P-5;employee;X 11;1;2030", "pay_group"),
        ("CQ-DC;P-5;employee;A 111;1;2030", "pay_group"),
        ("CQ-DC;P-5;employee;E 9;0;2030", "fte"),
        ("CQ-DC;P-5;employee;E 9;1,5;2030", "fte"),
        ("CQ-DC;P-5;employee;E 9;0,333;2030", "fte"),
        ("XX-NONE;P-5;employee;E 9;1;2030", "item"),
        ("KA-DC;P-5;employee;E 9;1;2030", "item"),  # another provider's item
        ("CQ-DC;P-1001;employee;E 9;1;2030", "reference"),  # duplicate of line 2
        ("CQ-DC;Max Muster;employee;E 9;1;2030", "reference"),  # a name, not a personnel number
        ("CQ-DC;P-5;employee;E 9;1;1999", "retirement_year"),
        ("CQ-DC;P-5;employee;E 9;1;2101", "retirement_year"),
        ("CQ-DC;P-5;employee;E 9;1;", "retirement_year"),
        ("CQ-DC;P-5;Praktikant;E 9;1;2030", "status"),
    ],
)
def test_bad_lines_are_refused_naming_line_and_column_and_nothing_is_written(world, analyst, line, column):
    first = HEADER + "CQ-DC;P-1000;employee;E 9;1;2030\n"
    services.staff_import(actor=analyst, provider=world["citeq"], rows=_rows(first))
    before = _state()
    with pytest.raises(services.StaffImportError) as caught:
        services.staff_import(actor=analyst, provider=world["citeq"], rows=_rows(HEADER + GOOD + line + "\n"))
    assert [(e.line, e.column) for e in caught.value.errors] == [(7, column)]
    assert column in str(caught.value.errors[0])
    assert _state() == before


def test_a_missing_column_is_refused(world, analyst):
    with pytest.raises(services.StaffImportError) as caught:
        _rows("item;reference;status;pay_group;fte\nCQ-DC;P-1;employee;E 9;1\n")
    assert [(e.line, e.column) for e in caught.value.errors] == [(1, "retirement_year")]
    # rows handed over without the column (as the API does) are refused by the service itself
    with pytest.raises(services.StaffImportError) as caught:
        services.staff_import(
            actor=analyst,
            provider=world["citeq"],
            rows=[(2, {"item": "CQ-DC", "reference": "P-1", "status": "employee", "pay_group": "E 9", "fte": "1"})],
        )
    assert [(e.line, e.column) for e in caught.value.errors] == [(2, "retirement_year")]
    assert not StaffPosition.objects.exists()


def test_pay_groups_are_normalised():
    assert [normalise_pay_group(t) for t in ("a11", "A 13", "E9B", "e 12", "W 2", "R1", "B 3")] == [
        "A 11",
        "A 13",
        "E 9b",
        "E 12",
        "W 2",
        "R 1",
        "B 3",
    ]
    assert [normalise_pay_group(t) for t in ("", "X 1", "A 0", "E 9d", "A 123", "Max")] == [None] * 6


def test_overview_groups_by_service_and_derives_the_attrition(world, analyst):
    services.staff_import(actor=analyst, provider=world["citeq"], rows=_rows(HEADER + GOOD))
    overview = selectors.staff_overview(user=analyst, provider=world["citeq"])
    groups = {g.item.code: g for g in overview.groups}
    assert groups["CQ-DC"].pay_groups == {"A 11": D(1), "E 9b": D(1), "E 12": D("0.5")}
    assert (groups["CQ-DC"].civil, groups["CQ-DC"].employees) == (D(1), D("1.5"))
    assert overview.fte == D("4.25") and overview.civil == D("2.75")
    years = {year: total for year, _c, _e, total, _p in overview.years}
    assert years[2029] == D(1) and years[2030] == D("0.5") and years[2035] == D(1) and years[2040] == D(1)
    assert set(years) == set(range(2026, 2041))
    # retiring by 2030: 1 (2029) + 0.5 (2030) + 0.75 (2024, overdue) = 2.25 of 4.25
    assert overview.overdue == D("0.75") and overview.by_horizon == D("2.25")
    assert overview.attrition == D("0.5294")
    assert overview.attrition_per_year == D("0.1059")


def test_page_shows_the_staff_and_imports_a_file(client, world, analyst):
    client.force_login(analyst)
    citeq = world["citeq"]
    assert f"/portfolio/anbieter/{citeq.pk}/personal/" in client.get("/szenarien/portfolio/").content.decode()
    url = f"/szenarien/portfolio/anbieter/{citeq.pk}/personal/"
    upload = SimpleUploadedFile("personal.csv", (HEADER + GOOD).encode(), content_type="text/csv")
    response = client.post(url, {"upload": "1", "file": upload})
    assert response.status_code == 302 and StaffPosition.objects.count() == 5
    page = client.get(url).content.decode()
    assert "P-1001" in page and "staff-retirement-chart" in page and 'id="retirement"' in page
    assert "52,9 %" in page or "52.9 %" in page
    assert "2.030" not in page and "2,030" not in page  # years without a thousands separator
    bad = SimpleUploadedFile("personal.csv", (HEADER + "CQ-DC;P-1;employee;Z 1;1;2030\n").encode())
    response = client.post(url, {"upload": "1", "file": bad})
    assert response.status_code == 200 and "pay_group" in response.content.decode()
    assert StaffPosition.objects.count() == 5


def test_page_permissions(client, world, auditor, bob, analyst):
    url = f"/szenarien/portfolio/anbieter/{world['citeq'].pk}/personal/"
    client.force_login(auditor)
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("personal.csv", (HEADER + GOOD).encode())
    assert client.post(url, {"upload": "1", "file": upload}).status_code == 403
    client.force_login(bob)
    assert client.get(url).status_code == 403
    client.force_login(analyst)
    assert client.get("/szenarien/portfolio/anbieter/999999/personal/").status_code == 404
    assert not StaffPosition.objects.exists()


def _api_rows(text):
    return [dict(zip(HEADER.strip().split(";"), line.split(";"), strict=True)) for line in text.strip().splitlines()]


def test_api_imports_and_lists(client, world, analyst, bob):
    client.force_login(analyst)
    citeq = world["citeq"]
    payload = {"provider_id": citeq.pk, "rows": _api_rows(GOOD)}
    response = client.post("/api/v1/scenarios/staff/import", payload, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {"changed": True, "positions": 5, "added": 5, "removed": 0}
    again = client.post("/api/v1/scenarios/staff/import", payload, content_type="application/json")
    assert again.json()["changed"] is False
    body = client.get(f"/api/v1/scenarios/staff?provider_id={citeq.pk}").json()
    assert len(body["positions"]) == 5 and D(body["fte"]) == D("4.25") and D(body["attrition"]) == D("0.5294")
    assert D(body["retiring"]["2029"]) == D(1)
    bad = {"provider_id": citeq.pk, "rows": [*_api_rows(GOOD), {"item": "CQ-DC", "reference": "P-7"}]}
    response = client.post("/api/v1/scenarios/staff/import", bad, content_type="application/json")
    text = response.content.decode()
    assert response.status_code == 422 and ("Line 7" in text or "Zeile 7" in text) and "status" in text
    assert StaffPosition.objects.count() == 5
    client.force_login(bob)
    assert client.get(f"/api/v1/scenarios/staff?provider_id={citeq.pk}").status_code == 403


def test_page_imports_an_excel_file(client, world, analyst):
    client.force_login(analyst)
    data = io.BytesIO()
    services.STAFF.write_xlsx(
        [
            {"item": "CQ-DC", "reference": "P-1", "status": "Beamtin", "pay_group": "A 12", "fte": D("0.8"),
             "retirement_year": 2031},
        ],
        data,
    )  # fmt: skip
    upload = SimpleUploadedFile("personal.xlsx", data.getvalue())
    url = f"/szenarien/portfolio/anbieter/{world['citeq'].pk}/personal/"
    assert client.post(url, {"upload": "1", "file": upload}).status_code == 302
    item = PortfolioItem.objects.get(code="CQ-DC")
    assert (item.fte, item.civil_servant_fte) == (D("0.80"), D("0.80"))


def test_api_takes_numbers_for_fte_and_year(client, world, analyst):
    client.force_login(analyst)
    row = {"item": "CQ-DC", "reference": "P-1", "status": "employee", "pay_group": "E 9b", "fte": 0.5}
    payload = {"provider_id": world["citeq"].pk, "rows": [row | {"retirement_year": 2033}]}
    response = client.post("/api/v1/scenarios/staff/import", payload, content_type="application/json")
    assert response.status_code == 200, response.content
    assert StaffPosition.objects.get().fte == D("0.5")


def test_a_file_that_is_no_workbook_is_refused(client, world, analyst):
    client.force_login(analyst)
    url = f"/szenarien/portfolio/anbieter/{world['citeq'].pk}/personal/"
    for name, data in (("personal.xlsx", b"not a zip"), ("personal.csv", b"\x00\xff\xfe garbage")):
        response = client.post(url, {"upload": "1", "file": SimpleUploadedFile(name, data)})
        assert response.status_code == 200 and 'id="import-errors"' in response.content.decode()
    assert not StaffPosition.objects.exists()
