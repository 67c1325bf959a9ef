"""Benchmark: reading and checking evidence files and computing the figures, without a database.

`python -m bench.evidence` prints the figures as JSON; `run()` returns them (`{"value", "unit"}` shape; stored
under `evidence` in bench/results/latest.json by `bench/run.py`). Timed: reading a 20,000-line staff CSV and a
20,000-line Excel workbook through `core/spreadsheet.py` and checking every line (`evidence.imports`), the four
staff figures and the asset figures on 20,000 records (pure engine), and parsing the BSI Grundschutz++ kernel
(901 controls, 3.8 MB OSCAL JSON). Taken on a shared, busy machine: compare CPU times, not wall times.
"""

import datetime as dt
import io
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.costing import Clock, figure

ROWS = 20_000
KERNEL = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "bsi-grundschutz-kernel"


def staff_csv(rows: int) -> bytes:
    lines = ["post;title;unit;planned_fte;filled_fte;advertised_on;started_on;left_on;telework"]
    for n in range(rows):
        advert = f"2025-{1 + n % 9:02d}-01" if n % 5 == 0 else ""
        start = f"2025-{3 + n % 9:02d}-15" if n % 5 == 0 else ""
        left = f"2025-{1 + n % 12:02d}-10" if n % 17 == 0 else ""
        lines.append(f"ST-{n};Stelle {n};E{n % 40};1;{'0' if n % 13 == 0 else '1'};{advert};{start};{left};ja")
    return ("\n".join(lines) + "\n").encode()


def run() -> dict[str, Any]:
    from bench.dataset import setup_django

    setup_django()
    from openpyxl import Workbook

    from verbund.evidence import imports
    from verbund.evidence.engine import figures
    from verbund.evidence.engine.oscal import parse_catalogue

    clock = Clock()
    data = staff_csv(ROWS)
    rows = clock.time("read_csv", lambda: imports.read_rows("s.csv", data, imports.STAFF))
    records = clock.time("check_csv", lambda: imports.parse("staff", rows, year=2025))
    assert len(records) == ROWS
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for line in data.decode().strip().split("\n"):
        sheet.append(line.split(";"))
    stream = io.BytesIO()
    workbook.save(stream)
    xlsx_rows = clock.time("read_xlsx", lambda: imports.read_rows("s.xlsx", stream.getvalue(), imports.STAFF))
    assert imports.parse("staff", xlsx_rows, year=2025) == records
    posts = [
        figures.PostFact(
            key=key,
            planned_fte=r["planned_fte"],
            filled_fte=r["filled_fte"],
            advertised_on=r["advertised_on"],
            started_on=r["started_on"],
            left_on=r["left_on"],
            telework=r["telework"],
        )
        for key, r in records.items()
    ]
    period = figures.Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31))

    def staff_figures() -> list[Any]:
        return [
            figures.occupancy_rate(posts),
            figures.time_to_fill_days(posts, period),
            figures.turnover_rate(posts, period),
            figures.home_office_share(posts),
        ]

    results = clock.time("staff_figures", staff_figures)
    assert all(r.value is not None and r.value >= 0 for r in results)
    assets = [
        figures.AssetFact(f"A{n}", dt.date(2019 + n % 7, 1, 1), dt.date(2025, 6, 1) if n % 4 == 0 else None, "tco")
        for n in range(ROWS)
    ]
    clock.time(
        "asset_figures",
        lambda: (figures.sustainable_hardware_share(assets, period), figures.mean_service_life_years(assets, period)),
    )
    out: dict[str, Any] = {"rows": ROWS}
    path = KERNEL / "BSI-Stand-der-Technik-Kernel-catalog.json"
    if path.is_file():
        raw = path.read_bytes()
        kernel = clock.time("parse_kernel", lambda: parse_catalogue(raw))
        assert len(kernel.controls) == 901
    for name in clock.wall:
        out[f"{name}_wall"] = figure(clock.wall[name], "s")
        out[f"{name}_cpu"] = figure(clock.cpu[name], "s")
    out["occupancy_rate"] = figure(float(results[0].value or Decimal(0)), "share", 6)
    return out


if __name__ == "__main__":
    json.dump(run(), sys.stdout, indent=2)
    sys.stdout.write("\n")
