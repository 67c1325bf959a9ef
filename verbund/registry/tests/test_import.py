"""The official-data import against the database."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from verbund.core.models import AuditEvent
from verbund.registry import gv100ad
from verbund.registry.models import Organization
from verbund.registry.services import gemeindeverzeichnis_import

SAMPLE = """\
102023113005          Nordrhein-Westfalen                               Düsseldorf
2020231130055         Reg.-Bez. Münster                                 Münster
402023113005570       Warendorf                                         Warendorf                                         43
6020231130055700040004Ahlen, Stadt                                                                                        63    000000123140000005334800000026309    59227
6020231130055700440044Telgte, Stadt                                                                                       63    000000090040000002022200000009931    48291
402023113005515       Münster, Stadt                                    Münster                                           41
6020231130055150000000Münster, Stadt                                                                                      61    000000303280000032094600000153927    48127
"""


def _records(text=SAMPLE):
    return gv100ad.parse_lines(text.splitlines())


def test_import_builds_the_hierarchy_with_summed_figures(db):
    report = gemeindeverzeichnis_import(actor=None, records=_records())
    assert (report.created, report.updated, report.unchanged) == (7, 0, 0)
    telgte = Organization.objects.get(ags="05570044")
    assert telgte.kind == "municipality"
    assert telgte.ars == "055700044044"
    assert str(telgte.area_km2) == "90.04"
    assert telgte.parent.name == "Warendorf"
    assert telgte.parent.parent.name == "Reg.-Bez. Münster"
    assert telgte.parent.parent.parent.name == "Nordrhein-Westfalen"
    kreis = Organization.objects.get(kind="district", ags="05570")
    assert kreis.population == 53348 + 20222
    assert Organization.objects.get(kind="state", ags="05").population == 53348 + 20222 + 320946
    assert AuditEvent.objects.filter(action="create").count() == 7


def test_second_import_changes_nothing_and_writes_no_events(db):
    gemeindeverzeichnis_import(actor=None, records=_records())
    events = AuditEvent.objects.count()
    report = gemeindeverzeichnis_import(actor=None, records=_records())
    assert (report.created, report.updated, report.unchanged) == (0, 0, 7)
    assert AuditEvent.objects.count() == events


def test_newer_file_updates_figures_and_reports_them(db):
    gemeindeverzeichnis_import(actor=None, records=_records())
    newer = SAMPLE.replace("000000090040000002022200000009931", "000000090040000002100000000009931")
    report = gemeindeverzeichnis_import(actor=None, records=_records(newer))
    assert report.updated == 4  # Telgte, and the sums of Kreis, RB and Land
    assert any("05570044" in line and "20222 → 21000" in line for line in report.changes)
    telgte = Organization.objects.get(ags="05570044")
    assert telgte.population == 21000
    event = AuditEvent.objects.filter(object_id=str(telgte.pk), action="update").get()
    assert (event.before, event.after) == ({"population": 20222}, {"population": 21000})


def test_missing_rows_are_reported_and_deactivated_only_on_request(db):
    gemeindeverzeichnis_import(actor=None, records=_records())
    without_ahlen = "\n".join(line for line in SAMPLE.splitlines() if "Ahlen" not in line)
    report = gemeindeverzeichnis_import(actor=None, records=_records(without_ahlen))
    assert report.missing == ["05570004 Ahlen, Stadt"]
    assert Organization.objects.get(ags="05570004").is_active
    report = gemeindeverzeichnis_import(actor=None, records=_records(without_ahlen), deactivate_missing=True)
    assert report.deactivated == 1
    assert not Organization.objects.get(ags="05570004").is_active


def test_command_rejects_a_malformed_file_with_line_numbers_and_writes_nothing(db, tmp_path, capsys, english):
    bad = SAMPLE.replace("6020231130055700440044Telgte", "6020231130055700X40044Telgte")
    path = tmp_path / "bad.txt"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import-gemeindeverzeichnis", str(path))
    assert "5" in capsys.readouterr().err  # line 5 is named
    assert Organization.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_command_reports_counts(db, tmp_path, capsys, english):
    path = tmp_path / "ok.txt"
    path.write_text(SAMPLE, encoding="utf-8")
    call_command("import-gemeindeverzeichnis", str(path))
    out = capsys.readouterr().out
    assert "3" in out and "394516" in out  # 3 municipalities and their population
    with pytest.raises(CommandError, match="not found"):
        call_command("import-gemeindeverzeichnis", str(Path(tmp_path / "missing.txt")))


def test_reimport_keeps_what_the_file_does_not_hold(db):
    """load-demo completes the Kreis addresses (GV100AD has no postcode for a Kreis); the same file imported again
    must not blank them, or the next billing run stops on missing buyer addresses."""
    from verbund.registry.services import organization_update

    gemeindeverzeichnis_import(actor=None, records=_records())
    kreis = Organization.objects.get(kind="district", ags="05570")
    organization_update(actor=None, organization=kreis, street="Waldenburger Straße 2", postcode="48231", leitweg_id="")
    no_postcode = SAMPLE.replace("00000009931    48291", "00000009931         ")  # a line without postcode
    telgte = Organization.objects.get(ags="05570044")
    events = AuditEvent.objects.count()
    report = gemeindeverzeichnis_import(actor=None, records=_records(no_postcode))
    assert (report.created, report.updated, report.unchanged) == (0, 0, 7)
    assert AuditEvent.objects.count() == events
    kreis.refresh_from_db()
    assert (kreis.street, kreis.postcode, kreis.city) == ("Waldenburger Straße 2", "48231", "Warendorf")
    telgte.refresh_from_db()
    assert telgte.postcode == "48291"


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("0000002022200000009931", "9999999999900000009931", "Bevölkerung"),
        ("Telgte, Stadt", "Tel\x00gte, Stadt", "Name"),
        ("Telgte, Stadt", "Telgte, Stadt\x7f", "Name"),
    ],
    ids=["population-out-of-range", "nul-byte", "delete-character"],
)
def test_command_rejects_what_the_database_would_refuse_naming_line_and_field(
    db, tmp_path, capsys, english, old, new, field
):
    """Out-of-range figures and control characters stop at the parser on every backend, never at the database."""
    path = tmp_path / "bad.txt"
    path.write_text(SAMPLE.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import-gemeindeverzeichnis", str(path))
    assert f"Line 5, field {field}" in capsys.readouterr().err
    assert Organization.objects.count() == 0
