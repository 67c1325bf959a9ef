"""Every import: each bad-input class is refused with line and column, nothing is written; a repeated import
changes nothing; a corrected file replaces the previous import with an audited diff."""

import io

import pytest

from verbund.core.models import AuditEvent
from verbund.core.testing.endpoints import database_state
from verbund.evidence import imports
from verbund.evidence.imports import EvidenceImportError
from verbund.evidence.models import ControlStatus, EvidenceImport, Incident, Post
from verbund.evidence.tests.conftest import FILES, import_text

pytestmark = pytest.mark.django_db

HEADERS = {kind: text.split("\n", 1)[0] for kind, text in FILES.items()}
FIRST_ROWS = {kind: text.split("\n")[1] for kind, text in FILES.items()}
# (kind, the column left out of the header)
MISSING = [("staff", "planned_fte"), ("assets", "purchased_on"), ("controls", "status"), ("incidents", "extent")]
# (kind, file with a wrong date in line 2, the column)
WRONG_DATE = [
    ("staff", HEADERS["staff"] + "\nST-9;X;;1;1;2025-13-01;;;nein\n", "advertised_on"),
    ("assets", HEADERS["assets"] + "\nA-9;PC;31.02.2025;;none;1\n", "purchased_on"),
    ("incidents", HEADERS["incidents"] + "\nSV-9;gestern;;low;other;\n", "occurred_on"),
    ("controls", HEADERS["controls"] + "\nTST.2.1;maybe;\n", "status"),  # no date: an unknown status word
]


def _messages(exc):
    return [(e.line, e.column) for e in exc.errors]


def _refused(admin_user, registry, kind, text, name="datei.csv"):
    before = database_state()
    with pytest.raises(EvidenceImportError) as caught:
        rows = imports.read_rows(name, text if isinstance(text, bytes) else text.encode(), imports.SHEETS[kind])
        from verbund.evidence import services

        records = imports.parse(kind, rows, year=2025)
        services.evidence_replace(
            actor=admin_user, provider=registry["citeq"], year=2025, kind=kind, records=records, file_name=name
        )
    assert database_state() == before
    return caught.value


@pytest.mark.parametrize(("kind", "column"), MISSING)
def test_a_missing_column_is_named_and_nothing_is_written(admin_user, registry, kernel, kind, column):
    header = ";".join(name for name in HEADERS[kind].split(";") if name != column)
    exc = _refused(admin_user, registry, kind, header + "\n")
    assert (1, column) in _messages(exc)


@pytest.mark.parametrize(("kind", "text", "column"), WRONG_DATE)
def test_a_wrong_date_or_value_names_line_and_column(admin_user, registry, kernel, kind, text, column):
    exc = _refused(admin_user, registry, kind, text)
    assert _messages(exc) == [(2, column)]


def test_a_date_after_the_year_and_a_start_before_the_advert_are_refused(admin_user, registry, english):
    text = HEADERS["staff"] + "\nST-9;X;;1;1;2025-05-01;2025-04-01;2026-01-02;nein\n"
    exc = _refused(admin_user, registry, "staff", text)
    assert _messages(exc) == [(2, "started_on"), (2, "left_on")]
    assert "after the end of 2025" in str(exc.errors[1])


def test_an_unknown_control_id_is_refused(admin_user, registry, kernel, english):
    exc = _refused(admin_user, registry, "controls", HEADERS["controls"] + "\nTST.1.1;ja;\nXYZ.9.9;implemented;\n")
    assert _messages(exc) == [(3, "control")]
    assert "No control XYZ.9.9" in str(exc.errors[0])


@pytest.mark.parametrize("kind", list(FILES))
def test_a_duplicate_row_is_refused_naming_the_first_line(admin_user, registry, kernel, kind, english):
    text = HEADERS[kind] + "\n" + FIRST_ROWS[kind] + "\n" + FIRST_ROWS[kind] + "\n"
    exc = _refused(admin_user, registry, kind, text)
    assert len(exc.errors) == 1 and exc.errors[0].line == 3
    assert "first in line 2" in exc.errors[0].message


@pytest.mark.parametrize("kind", list(FILES))
def test_an_excel_file_with_a_huge_sheet_dimension_is_refused_before_reading(admin_user, registry, kernel, kind):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for index, name in enumerate(HEADERS[kind].split(";"), start=1):
        sheet.cell(row=1, column=index, value=name)
    sheet["XFD1048576"] = "x"  # a 5 KB file that declares 16,384 columns × 1,048,576 rows
    stream = io.BytesIO()
    workbook.save(stream)
    exc = _refused(admin_user, registry, kind, stream.getvalue(), name="gross.xlsx")
    assert exc.errors[0].line == 1 and "1048576" in exc.errors[0].message


@pytest.mark.parametrize("kind", list(FILES))
def test_an_excel_file_is_read_like_the_csv(admin_user, registry, kernel, kind):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for line in FILES[kind].strip().split("\n"):
        sheet.append(line.split(";"))
    stream = io.BytesIO()
    workbook.save(stream)
    rows = imports.read_rows("datei.xlsx", stream.getvalue(), imports.SHEETS[kind])
    csv_rows = imports.read_rows("datei.csv", FILES[kind].encode(), imports.SHEETS[kind])
    assert imports.parse(kind, rows, year=2025) == imports.parse(kind, csv_rows, year=2025)


@pytest.mark.parametrize("kind", list(FILES))
def test_importing_the_same_file_again_changes_nothing(admin_user, registry, kernel, kind):
    first = import_text(admin_user, registry["citeq"], kind, FILES[kind])
    assert first is not None and first.added == FILES[kind].count("\n") - 1
    before = database_state()
    assert import_text(admin_user, registry["citeq"], kind, FILES[kind]) is None
    assert database_state() == before


def test_a_corrected_file_replaces_the_previous_import_with_an_audited_diff(admin_user, registry):
    citeq = registry["citeq"]
    import_text(admin_user, citeq, "staff", FILES["staff"])
    corrected = (
        FILES["staff"]
        .replace("ST-2;Netzwerk;RZ;1;1", "ST-2;Netzwerk;RZ;1;0,5")
        .replace("ST-4;Entwicklung;DEV;0,5;0,5;2025-03-01;2025-05-30;;ja\n", "ST-5;Neu;RZ;1;1;;;;nein\n")
    )
    events = AuditEvent.objects.count()
    record = import_text(admin_user, citeq, "staff", corrected, name="korrigiert.csv")
    assert (record.added, record.changed, record.removed) == (1, 1, 1)
    changes = {d["key"]: d for d in record.diff}
    assert changes["ST-2"]["before"]["filled_fte"] == "1" and changes["ST-2"]["after"]["filled_fte"] == "0.5"
    assert changes["ST-4"]["change"] == "removed" and changes["ST-5"]["change"] == "added"
    assert sorted(Post.objects.filter(provider=citeq, year=2025).values_list("post", flat=True)) == [
        "ST-1",
        "ST-2",
        "ST-3",
        "ST-5",
    ]
    assert AuditEvent.objects.count() == events + 1
    assert EvidenceImport.objects.filter(kind="staff").count() == 2
    # another year is another import: 2024 keeps nothing of 2025
    assert not Post.objects.filter(year=2024).exists()


def test_german_status_words_and_other_kinds_store_their_records(evidence):
    assert dict(ControlStatus.objects.values_list("control__control_id", "state")) == {
        "TST.1.1": "implemented",
        "TST.1.1.1": "partly",
        "TST.2.1": "not",
        "TST.2.2": "not_applicable",
    }
    assert Incident.objects.count() == 2
    rows = imports.read_rows("c.csv", b"control;status\nTST.2.1;teilweise\n", imports.CONTROLS)
    assert imports.parse("controls", rows, year=2025)["TST.2.1"]["state"] == "partly"
