"""Demo evidence of citeq for 2024 and 2025 (issue #15; invented demo figures, marked as such on every page):
posts with vacancies, leavers and telework agreements, the hardware register with eco-labels, the BSI
Grundschutz++ kernel catalogue (from ../shared/data/bsi-grundschutz-kernel, CC BY-SA 4.0) with a status for
every control, and a few security incidents.

The figures follow from the record numbers (no randomness), so every run produces the same files; importing
them through `evidence_replace` again changes nothing (no rows, no audit events)."""

import datetime as dt
import zlib
from decimal import Decimal
from typing import Any

from verbund.evidence import services
from verbund.evidence.choices import ImportKind
from verbund.evidence.engine.oscal import CatalogueError
from verbund.evidence.selectors import current_control_ids
from verbund.evidence.tasks import catalogue_file, default_catalogue_dir
from verbund.registry.choices import OrganizationKind
from verbund.registry.models import Organization

YEARS = (2024, 2025)
UNITS = ("Rechenzentrum", "Anwendungsbetreuung", "Service Desk", "Entwicklung", "Informationssicherheit")
DEVICES = ("Notebook", "Arbeitsplatz-PC", "Monitor", "Server", "Drucker")
LABELS = ("blauer_engel", "tco", "epeat", "refurbished", "none", "none", "tco", "none")


def _n(text: str) -> int:
    return zlib.crc32(text.encode())


def staff(year: int) -> dict[str, dict[str, Any]]:
    records = {}
    for index in range(1, 41):
        post = f"ST-{index:03d}"
        h = _n(f"{post}/{year}")
        planned = Decimal("1.00") if index % 5 else Decimal("0.50")
        vacant = h % 9 == 0
        advertised = started = left = None
        if h % 6 == 1:  # filled during the year after an advert
            advertised = dt.date(year, 1 + h % 8, 1 + h % 27)
            started = advertised + dt.timedelta(days=45 + h % 120)
            if started.year != year:
                started = dt.date(year, 12, 1)
        if h % 11 == 3:
            left = dt.date(year, 1 + h % 12, 1 + h % 27)
        records[post] = {
            "title": f"Sachbearbeitung {UNITS[index % len(UNITS)]}",
            "unit": UNITS[index % len(UNITS)],
            "planned_fte": planned,
            "filled_fte": Decimal("0.00") if vacant else planned,
            "advertised_on": dt.date(year, 10, 1) if vacant else advertised,
            "started_on": None if vacant else started,
            "left_on": left,
            "telework": not vacant and h % 10 < 6 + (year - 2024),
        }
    return records


def assets(year: int) -> dict[str, dict[str, Any]]:
    records = {}
    for index in range(1, 61):
        asset = f"INV-{year}-{index:03d}"
        h = _n(asset)
        bought_year = year if index <= 30 else year - 5 - h % 3
        purchased = dt.date(bought_year, 1 + h % 12, 1 + h % 27)
        retired = dt.date(year, 1 + (h >> 4) % 12, 1 + (h >> 8) % 27) if index > 45 else None
        label = LABELS[(h + (2 if year == 2025 else 0)) % len(LABELS)]
        records[asset] = {
            "kind": DEVICES[index % len(DEVICES)],
            "purchased_on": purchased,
            "retired_on": retired if retired and retired >= purchased else None,
            "eco_label": label,
            "warranty_years": 3 if label != "none" else 1,
        }
    return records


def controls(year: int, ids: dict[str, int]) -> dict[str, dict[str, Any]]:
    records = {}
    states = ("implemented", "implemented", "implemented", "partly", "not", "not_applicable")
    for control, pk in ids.items():
        h = _n(control) + (year - 2024) * 2  # 2025 has more implemented than 2024
        state = states[min(h % 7, 5)] if h % 7 != 6 else "implemented"
        records[control] = {"control_id": pk, "state": state, "note": "Demo"}
    return records


def incidents(year: int) -> dict[str, dict[str, Any]]:
    causes = ("malware", "human_error", "technical", "attack")
    extents = ("low", "medium", "low", "high")
    records = {}
    for index in range(1, 5 - (year - 2024) + 1):
        occurred = dt.date(year, 2 * index, 10 + index)
        records[f"SV-{year}-{index:02d}"] = {
            "occurred_on": occurred,
            "solved_on": occurred + dt.timedelta(days=index * 3),
            "extent": extents[index % 4],
            "cause": causes[index % 4],
            "description": "Demo-Vorfall",
        }
    return records


def load_demo_evidence() -> dict[str, int]:
    """Load (or keep) the demo evidence; returns how many imports and catalogue versions were written."""
    citeq = Organization.objects.filter(short_name="citeq", kind=OrganizationKind.PROVIDER).first()
    written = {"imports": 0, "catalogue": 0}
    if citeq is None:
        return written
    try:
        path = catalogue_file(default_catalogue_dir())
        if services.catalogue_import(actor=None, data=path.read_bytes(), source=str(path)) is not None:
            written["catalogue"] = 1
    except (FileNotFoundError, OSError, CatalogueError):
        pass  # without the shared catalogue the demo has no control statuses
    ids = current_control_ids()
    for year in YEARS:
        files = {
            ImportKind.STAFF: staff(year),
            ImportKind.ASSETS: assets(year),
            ImportKind.INCIDENTS: incidents(year),
        }
        if ids:
            files[ImportKind.CONTROLS] = controls(year, ids)
        for kind, records in files.items():
            record = services.evidence_replace(
                actor=None, provider=citeq, year=year, kind=kind, records=records, file_name="Demo", demo=True
            )
            written["imports"] += record is not None
    return written


def summary_line(written: dict[str, int]) -> str:
    return (
        f"Demo evidence (citeq 2024/2025, demo figures): {written['imports']} imports, "
        f"{written['catalogue']} BSI kernel catalogue version written."
    )
