import pytest
from django.core.management import call_command

from verbund.core.models import AuditEvent
from verbund.registry.choices import OrganizationKind
from verbund.registry.services import organization_create
from verbund.strategy.models import CatalogueChange, CatalogueImport, LeikaService, NrwCommune, OzgService, Themenfeld
from verbund.strategy.services import CatalogueFileError, catalogue_import
from verbund.strategy.tests.conftest import LEIKA, OZG, SHIPPED, THEMEN, write_catalogue

needs_shipped = pytest.mark.skipif(not SHIPPED.is_dir(), reason="shared data not present")


@needs_shipped
def test_shipped_catalogue_counts_and_summary_line(db, capsys):
    call_command("import-ozg-catalogue", str(SHIPPED))
    out = capsys.readouterr().out
    # 5,251 LeiKa rows: 3 skipped (two keys that are not 14 digits, one of them also of the unknown type "44",
    # and a duplicate "nicht im LeiKa" row); the 26 rows without an OZG service are kept (LeiKa only).
    assert out.strip().splitlines()[-1] == (
        "OZG-Leistungen: 557, LeiKa-Leistungen: 5248 (4813 with a 14-digit key), skipped: 3, changed: 0"
    )
    assert Themenfeld.objects.count() == 14
    assert OzgService.objects.count() == 557
    assert LeikaService.objects.exclude(key="").count() == 4813
    assert "leika_leistungen.csv:" in out and "bad LeiKa key '25323525'" in out
    assert "Quelle: KDN OZG-Datenbank NRW (Stand 2019), MIT-Lizenz" in out
    assert set(Themenfeld.objects.values_list("slug", flat=True)) >= {"querschnittsleistungen", "familie_kind"}
    # municipal scope by LeiKa type (2/3, 5, …): a strict subset
    municipal = LeikaService.objects.filter(municipal=True).count()
    assert 3000 < municipal < 5248
    assert NrwCommune.objects.count() == 390


@needs_shipped
def test_reimport_changes_nothing(db, capsys):
    catalogue_import(actor=None, directory=SHIPPED)
    changes = CatalogueChange.objects.count()
    snapshot = list(LeikaService.objects.order_by("ident").values_list("ident", "name", "leika_type", "modified"))
    report = catalogue_import(actor=None, directory=SHIPPED)
    assert report.total_changed == 0 and sum(report.added.values()) == 0 and sum(report.withdrawn.values()) == 0
    assert CatalogueChange.objects.count() == changes
    assert (
        list(LeikaService.objects.order_by("ident").values_list("ident", "name", "leika_type", "modified")) == snapshot
    )
    assert CatalogueImport.objects.count() == 2


def test_broken_rows_are_reported_and_skipped(db, tmp_path):
    leika = [
        *LEIKA,
        ("6", "1", "9902700201200", "Key too short", "2/3", "", "", "", "0", "0"),  # bad key
        ("7", "1", "99027002012000", "Geburtsurkunde doppelt", "2/3", "", "", "", "0", "0"),  # duplicate
        ("8", "99", "99027002099000", "Unknown OZG link", "2/3", "", "", "", "0", "0"),
    ]
    directory = write_catalogue(tmp_path / "c", themen=[*THEMEN, ("3", "Freizeit & Spaß")], leika=leika)
    report = catalogue_import(actor=None, directory=directory)
    reasons = {(s.file, s.line): s.reason for s in report.skipped}
    assert reasons[("themenfelder.csv", 4)] == "unknown Themenfeld 'Freizeit & Spaß'"
    assert reasons[("leika_leistungen.csv", 7)] == "bad LeiKa key '9902700201200' (14 digits)"
    assert reasons[("leika_leistungen.csv", 8)] == "duplicate LeiKa service '99027002012000'"
    assert reasons[("leika_leistungen.csv", 9)] == "unknown OZG service id '99'"
    assert len(report.skipped) == 4
    assert LeikaService.objects.count() == 5  # the good rows were imported
    assert report.summary_line().endswith("skipped: 4, changed: 0")
    run = CatalogueImport.objects.get()
    assert (
        run.skipped_count == 4
        and {"file": "leika_leistungen.csv", "line": 8, "reason": "duplicate LeiKa service '99027002012000'"}
        in run.skipped
    )


def test_missing_file_stops_and_writes_nothing(db, tmp_path):
    directory = write_catalogue(tmp_path / "c")
    (directory / "ozg_leistungen.csv").unlink()
    with pytest.raises(CatalogueFileError):
        catalogue_import(actor=None, directory=directory)
    assert not CatalogueImport.objects.exists() and not Themenfeld.objects.exists()
    assert not AuditEvent.objects.filter(object_repr__contains="cat").exists()


def test_newer_catalogue_reports_added_changed_withdrawn(db, tmp_path):
    catalogue_import(actor=None, directory=write_catalogue(tmp_path / "old"))
    newer = [row for row in LEIKA if row[2] != "99036010007000"]  # withdrawn
    newer[0] = (*newer[0][:3], "Geburtsurkunde Ausstellung (neu)", *newer[0][4:])  # changed name
    newer.append(("9", "2", "99036008071000", "Kraftfahrzeug Ummeldung", "2/3", "", "", "", "0", "0"))  # added
    report = catalogue_import(actor=None, directory=write_catalogue(tmp_path / "new", leika=newer))
    assert (report.added["leika"], report.changed["leika"], report.withdrawn["leika"]) == (1, 1, 1)
    assert report.summary_line() == (
        "OZG-Leistungen: 2, LeiKa-Leistungen: 5 (4 with a 14-digit key), skipped: 0, changed: 1"
    )
    withdrawn = LeikaService.objects.get(key="99036010007000")
    assert withdrawn.withdrawn_in == report.catalogue_import  # stays, marked
    change = CatalogueChange.objects.get(kind="changed", ident="99027002012000")
    assert change.before == {"name": "Geburtsurkunde Ausstellung"}
    assert change.after == {"name": "Geburtsurkunde Ausstellung (neu)"}
    # loading the older catalogue again brings the withdrawn service back (a change)
    again = catalogue_import(actor=None, directory=write_catalogue(tmp_path / "old2"))
    assert again.changed["leika"] == 2 and again.withdrawn["leika"] == 1
    assert LeikaService.objects.get(key="99036010007000").withdrawn_in is None


def test_ozg_services_renamed_and_unknown_lebenslage(db, tmp_path):
    ozg = [*OZG, ("3", "77", "10003", "Ohne Lebenslage", "1")]
    report = catalogue_import(actor=None, directory=write_catalogue(tmp_path / "c", ozg=ozg))
    assert [(s.file, s.line) for s in report.skipped] == [("ozg_leistungen.csv", 4)]


def test_municipalities_are_matched_to_ags_and_ambiguous_names_reported(db, tmp_path):
    for ags, name in (
        ("05554020", "Gronau (Westf.), Stadt"),
        ("05515000", "Münster, Stadt"),
        ("05334008", "Baesweiler, Stadt"),
        ("05334012", "Eschweiler, Stadt"),
    ):
        organization_create(
            actor=None, name=name, kind=OrganizationKind.MUNICIPALITY, ags=ags, ars=f"{ags[:5]}0000{ags[5:]}"
        )
    communes = [("1", "Münster", ""), ("2", "Gronau", ""), ("3", "Bäsweiler", ""), ("4", "Helbra", "")]
    report = catalogue_import(actor=None, directory=write_catalogue(tmp_path / "c", communes=communes))
    matched = {c.name: (c.match, c.organization.ags if c.organization else "") for c in NrwCommune.objects.all()}
    assert matched["Münster"] == ("exact", "05515000")
    assert matched["Gronau"] == ("prefix", "05554020")
    assert matched["Helbra"][1] == ""
    assert matched["Bäsweiler"] == ("ambiguous", "")  # Baesweiler or Eschweiler: reported, not guessed
    assert report.communes_matched == 2
    unmatched = {c["name"]: c for c in report.communes_unmatched}
    assert set(unmatched) == {"Bäsweiler", "Helbra"}
    assert "05334008 Baesweiler, Stadt" in unmatched["Bäsweiler"]["candidates"]


def test_command_refuses_a_missing_directory(db, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("import-ozg-catalogue", str(tmp_path / "nope"))


def test_municipal_types_are_configurable(db, tmp_path, settings):
    settings.STRATEGY_MUNICIPAL_TYPES = ["1"]
    catalogue_import(actor=None, directory=write_catalogue(tmp_path / "c"))
    assert set(LeikaService.objects.filter(municipal=True).values_list("key", flat=True)) == {"99036010007000"}
    settings.STRATEGY_MUNICIPAL_TYPES = ["2/3", "5"]
    report = catalogue_import(actor=None, directory=write_catalogue(tmp_path / "c"))
    assert report.total_changed == 0  # a new scope is not a change of the catalogue
    assert LeikaService.objects.filter(municipal=True).count() == 4
