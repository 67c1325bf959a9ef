"""The evidence files (CSV with `;`, `,` or tab, UTF-8 or Windows-1252, or Excel), read through
`core.spreadsheet`. Formats: ADR 0039 and the user guide ("Nachweise").

Every line is checked first (dates, numbers, allowed values, known control ids, duplicates, dates after the
year); *all* problems are reported as (line, column, message) and nothing is written unless the whole file is
clean. The parsed records go to `evidence.services.evidence_replace`, which replaces the previous import of the
same provider, year and kind.
"""

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

from django.utils.translation import gettext as _

from verbund.core.spreadsheet import Cells, RowError, Sheet, SpreadsheetError
from verbund.evidence.choices import ControlState, EcoLabel, ImportKind, IncidentCause, IncidentExtent

Row = tuple[int, dict[str, str]]
Records = dict[str, dict[str, Any]]  # key (post, inventory number, control id, reference) → field values


class EvidenceImportError(SpreadsheetError):
    """The file was refused; `errors` lists every problem (line, column, message). Nothing was written."""


STAFF = Sheet(
    columns=(
        "post",
        "title",
        "unit",
        "planned_fte",
        "filled_fte",
        "advertised_on",
        "started_on",
        "left_on",
        "telework",
    ),
    required=("post", "title", "planned_fte", "filled_fte"),
    error=EvidenceImportError,
    title="Stellen",
)
ASSETS = Sheet(
    columns=("asset", "device", "purchased_on", "retired_on", "eco_label", "warranty_years"),
    required=("asset", "device", "purchased_on", "eco_label"),
    error=EvidenceImportError,
    title="Hardware",
)
CONTROLS = Sheet(
    columns=("control", "status", "note"), required=("control", "status"), error=EvidenceImportError, title="Controls"
)
INCIDENTS = Sheet(
    columns=("reference", "occurred_on", "solved_on", "extent", "cause", "description"),
    required=("reference", "occurred_on", "extent", "cause"),
    error=EvidenceImportError,
    title="Sicherheitsvorfaelle",
)
SHEETS: dict[str, Sheet] = {
    ImportKind.STAFF: STAFF,
    ImportKind.ASSETS: ASSETS,
    ImportKind.CONTROLS: CONTROLS,
    ImportKind.INCIDENTS: INCIDENTS,
}
EvidenceImportError.columns = tuple(dict.fromkeys(c for sheet in SHEETS.values() for c in sheet.columns))
# German words a status column may also use (as the WiBA checklists answer: ja / teilweise / nein / entbehrlich).
STATE_WORDS = {
    "umgesetzt": ControlState.IMPLEMENTED,
    "ja": ControlState.IMPLEMENTED,
    "teilweise": ControlState.PARTLY,
    "nein": ControlState.NOT,
    "nicht umgesetzt": ControlState.NOT,
    "entbehrlich": ControlState.NOT_APPLICABLE,
    "nicht relevant": ControlState.NOT_APPLICABLE,
}


def read_rows(name: str, data: bytes, sheet: Sheet) -> list[Row]:
    """The rows of an uploaded CSV or Excel file (by its suffix; CSV otherwise)."""
    if PurePath(name).suffix.lower() == ".xlsx":
        return sheet.read_xlsx(io.BytesIO(data))
    return sheet.read_csv(io.BytesIO(data))


def _duplicate(cells: Cells, seen: dict[str, int], key: str, column: str) -> bool:
    if key in seen:
        cells.error(column, _("Given twice (first in line %(line)s).") % {"line": seen[key]})
        return True
    seen[key] = cells.line
    return False


def _date(cells: Cells, column: str, year: int, *, required: bool = False) -> dt.date | None:
    if required and not cells.get(column):
        cells.error(column, _("Required; the cell is empty."))
        return None
    value = cells.date(column)
    if value is not None and value > dt.date(year, 12, 31):
        cells.error(column, _("The date lies after the end of %(year)s.") % {"year": year})
        return None
    return value


def _not_before(cells: Cells, column: str, later: dt.date | None, earlier: dt.date | None, other: str) -> bool:
    if later is not None and earlier is not None and later < earlier:
        cells.error(column, _("The date lies before %(column)s.") % {"column": other})
        return False
    return True


def _refuse(errors: list[RowError]) -> None:
    if errors:
        raise EvidenceImportError(errors)


def parse_staff(rows: Sequence[Row], *, year: int) -> Records:
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    records: Records = {}
    for line, raw in rows:
        cells = Cells(line, raw, errors)
        count = len(errors)
        post = cells.text("post", max_length=40, required=True)
        title = cells.text("title", max_length=200, required=True)
        unit = cells.text("unit", max_length=100)
        planned = cells.decimal("planned_fte", places=2, max_digits=6, required=True)
        filled = cells.decimal("filled_fte", places=2, max_digits=6, required=True)
        advertised = _date(cells, "advertised_on", year)
        started = _date(cells, "started_on", year)
        left = _date(cells, "left_on", year)
        telework = cells.boolean("telework")
        if planned is not None and filled is not None and filled > planned:
            cells.error("filled_fte", _("More filled than planned (%(planned)s FTE).") % {"planned": planned})
        _not_before(cells, "started_on", started, advertised, "advertised_on")
        if len(errors) > count or _duplicate(cells, seen, post, "post"):
            continue
        records[post] = {
            "title": title,
            "unit": unit,
            "planned_fte": planned,
            "filled_fte": filled,
            "advertised_on": advertised,
            "started_on": started,
            "left_on": left,
            "telework": bool(telework),
        }
    _refuse(errors)
    return records


def parse_assets(rows: Sequence[Row], *, year: int) -> Records:
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    records: Records = {}
    for line, raw in rows:
        cells = Cells(line, raw, errors)
        count = len(errors)
        asset = cells.text("asset", max_length=40, required=True)
        device = cells.text("device", max_length=60, required=True)
        purchased = _date(cells, "purchased_on", year, required=True)
        retired = _date(cells, "retired_on", year)
        label = cells.choice("eco_label", EcoLabel)
        warranty = cells.integer("warranty_years", minimum=0, maximum=20, default=0)
        _not_before(cells, "retired_on", retired, purchased, "purchased_on")
        if len(errors) > count or _duplicate(cells, seen, asset, "asset"):
            continue
        records[asset] = {
            "kind": device,
            "purchased_on": purchased,
            "retired_on": retired,
            "eco_label": label,
            "warranty_years": warranty,
        }
    _refuse(errors)
    return records


def parse_controls(rows: Sequence[Row], *, year: int, controls: dict[str, int]) -> Records:
    """`controls`: control id → primary key of the current (not withdrawn) controls of the kernel catalogue."""
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    records: Records = {}
    for line, raw in rows:
        cells = Cells(line, raw, errors)
        count = len(errors)
        control = cells.text("control", max_length=40, required=True).upper()
        word = cells.get("status").lower()
        state = STATE_WORDS[word] if word in STATE_WORDS else cells.choice("status", ControlState)
        note = cells.text("note", max_length=500)
        if control and control not in controls:
            cells.error("control", _("No control %(id)s in the imported BSI kernel catalogue.") % {"id": control})
        if len(errors) > count or _duplicate(cells, seen, control, "control"):
            continue
        records[control] = {"control_id": controls[control], "state": state, "note": note}
    _refuse(errors)
    return records


def parse_incidents(rows: Sequence[Row], *, year: int) -> Records:
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    records: Records = {}
    for line, raw in rows:
        cells = Cells(line, raw, errors)
        count = len(errors)
        reference = cells.text("reference", max_length=40, required=True)
        occurred = _date(cells, "occurred_on", year, required=True)
        solved = cells.date("solved_on")
        extent = cells.choice("extent", IncidentExtent)
        cause = cells.choice("cause", IncidentCause)
        description = cells.text("description", max_length=500)
        if occurred is not None and occurred.year != year:
            cells.error("occurred_on", _("The incident must have occurred in %(year)s.") % {"year": year})
        _not_before(cells, "solved_on", solved, occurred, "occurred_on")
        if len(errors) > count or _duplicate(cells, seen, reference, "reference"):
            continue
        records[reference] = {
            "occurred_on": occurred,
            "solved_on": solved,
            "extent": extent,
            "cause": cause,
            "description": description,
        }
    _refuse(errors)
    return records


def parse(kind: str, rows: Sequence[Row], *, year: int) -> Records:
    """Check every line of a file of `kind` (raises EvidenceImportError naming every problem)."""
    if kind == ImportKind.STAFF:
        return parse_staff(rows, year=year)
    if kind == ImportKind.ASSETS:
        return parse_assets(rows, year=year)
    if kind == ImportKind.INCIDENTS:
        return parse_incidents(rows, year=year)
    from verbund.evidence.selectors import current_control_ids

    return parse_controls(rows, year=year, controls=current_control_ids())
