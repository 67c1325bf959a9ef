"""A tiny catalogue (written as the shipped CSV files) and helpers for the strategy tests."""

import csv
from pathlib import Path

import pytest

SHIPPED = Path(__file__).resolve().parents[4] / "shared" / "data" / "ozg-leika"

THEMEN = [("1", "Familie & Kind"), ("2", "Mobilität & Reisen")]
LAGEN = [("1", "1", "Geburt"), ("2", "2", "Kfz")]
OZG = [("1", "1", "10001", "Geburtsurkunde", "1"), ("2", "2", "10002", "Kfz-Zulassung", "1")]
LEIKA = [
    ("1", "1", "99027002012000", "Geburtsurkunde Ausstellung", "2/3", "", "", "", "1", "0"),
    ("2", "1", "99059001104000", "Eheschließung Anmeldung", "2/3", "", "", "", "0", "0"),
    ("3", "2", "99036008070000", "Kraftfahrzeug Abmeldung", "2/3", "", "", "", "0", "0"),
    ("4", "2", "99036010007000", "Fahrzeug Zulassung", "1", "", "", "", "0", "0"),
    ("5", "2", "nicht im LeiKa", "Kfz Sonderfall", "5", "", "", "", "0", "0"),
]
LEIKA_HEADER = (
    "id",
    "service_system_id",
    "service_key",
    "name",
    "service_type",
    "legal_basis",
    "laws",
    "law_shortcuts",
    "relevance1",
    "relevance2",
)


def write_catalogue(directory: Path, *, themen=THEMEN, lagen=LAGEN, ozg=OZG, leika=LEIKA, communes=None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    files = {
        "themenfelder.csv": (("id", "name"), themen),
        "lebenslagen.csv": (("id", "subject_id", "name"), lagen),
        "ozg_leistungen.csv": (("id", "situation_id", "service_key", "name", "priority_id"), ozg),
        "leika_leistungen.csv": (LEIKA_HEADER, leika),
        "prioritaeten.csv": (("id", "level", "name"), [("1", "0", "Nicht festgelegt")]),
    }
    if communes is not None:
        files["nrw_kommunen.csv"] = (("id", "name", "url"), communes)
    for name, (header, rows) in files.items():
        with (directory / name).open("w", newline="", encoding="utf-8") as stream:
            writer = csv.writer(stream)
            writer.writerow(header)
            writer.writerows(rows)
    return directory


@pytest.fixture
def small_catalogue(db, tmp_path):
    from verbund.strategy.services import catalogue_import

    report = catalogue_import(actor=None, directory=write_catalogue(tmp_path / "cat"))
    from verbund.strategy.models import LeikaService

    return {"report": report, "services": {s.key or s.name: s for s in LeikaService.objects.all()}}
