"""Benchmark: XRechnung UBL for a slice of a national final settlement, built and fully validated.

`python -m bench.xrechnung [--n 2000]` prints the figures as JSON; `run()` returns them as a dict (the
`{"value", "unit"}` shape of `bench/run.py`). No database, no Django.

The synthetic slice (seeded, reproducible): N invoices (default 2,000) of 25 lines each to municipalities with
valid Leitweg-IDs; prices with two to four decimals, about one line in ten exempt under § 4 Nr. 29 UStG, the
rest at 19 %; each a final settlement with eleven twelfths paid in advance (BT-113).

Timed (wall time, `time.perf_counter`, the median of three rounds for the in-process steps):
- `build_ubl`: document → bytes (tree construction plus serialisation);
- the lxml floor: the same, already built trees serialised with `etree.tostring` alone; the ratio says what the
  builder costs on top of pure serialisation;
- `validate_many` over all N (XSD + CEN in the saxonche worker + BR-DE), once, after a cold start that is
  timed on its own (worker process start, stylesheet compilation, schema loading);
- its parts: XSD + BR-DE in-process (`cen=False`) and the CEN worker alone.
Every validated invoice must come back valid with no finding, or the run fails (BenchmarkError).
Figures are for the measured N only; nothing is extrapolated. CII (drafthorse) is not implemented, so there is
no CII comparison.
"""

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from importlib.metadata import version
from typing import Any, TypeVar

from lxml import etree

from verbund.billing.xrechnung.codes import totals, vat_breakdown
from verbund.billing.xrechnung.document import (
    INVOICE,
    Address,
    Contact,
    InvoiceDocument,
    Line,
    Party,
    Payment,
)
from verbund.billing.xrechnung.ubl import build_tree, build_ubl
from verbund.billing.xrechnung.validation import (
    BATCH_SIZE,
    ValidationReport,
    cen_worker,
    shutdown_worker,
    validate_many,
    validate_ubl,
)
from verbund.core.money import round_money
from verbund.registry.keys import make_leitweg_id

SEED = 20231130
INVOICES = 2000
LINES = 25
ROUNDS = 3
EXEMPTION = ("Steuerfrei nach § 4 Nr. 29 UStG", "VATEX-EU-132-1F")
YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
T = TypeVar("T")

SELLER = Party(
    name="citeq",
    address=Address(street="Scheibenstraße 109", city="Münster", postcode="48153"),
    electronic_address="rechnung@citeq.de",
    contact=Contact(name="Abrechnung", phone="+49 251 492-0", email="abrechnung@citeq.de"),
    vat_id="DE123456789",
)
PAYMENT = Payment(means_code="58", iban="DE89370400440532013000", bic="COBADEFFXXX", account_name="citeq")


class BenchmarkError(RuntimeError):
    """A correctness check failed; the figures of this run must not be used."""


def figure(value: float | int, unit: str, digits: int = 3) -> dict[str, Any]:
    return {"value": round(value, digits) if isinstance(value, float) else value, "unit": unit}


def synthetic_invoices(count: int, lines_per_invoice: int = LINES, seed: int = SEED) -> list[InvoiceDocument]:
    rng = random.Random(seed)
    catalogue = [
        (f"P-{n:04d}", f"Leistung {n:04d}", rng.choice(("C62", "HUR", "MON", "ANN", "E48"))) for n in range(2000)
    ]
    documents = []
    for number in range(count):
        grob = f"{rng.randint(1, 16):02d}{rng.randint(0, 999999):06d}"
        leitweg = make_leitweg_id(grob, f"RE{number:05d}")
        buyer = Party(
            name=f"Gemeinde {number:05d}",
            address=Address(street=f"Rathausplatz {1 + number % 20}", city=f"Ort {number}", postcode="48291"),
            electronic_address=leitweg,
            electronic_scheme="0204",
        )
        lines = []
        for index, (item, name, unit) in enumerate(rng.sample(catalogue, lines_per_invoice), start=1):
            quantity = Decimal(rng.randint(1, 400))
            price = Decimal(rng.randint(100, 2_500_000)) / Decimal(10 ** rng.choice((2, 3, 4)))
            exempt = rng.random() < 0.1
            lines.append(
                Line(
                    id=str(index),
                    name=name,
                    quantity=quantity,
                    unit_code=unit,
                    net_price=price,
                    net_amount=round_money(quantity * price),
                    vat_category="E" if exempt else "S",
                    vat_rate=Decimal(0 if exempt else 19),
                    period_start=YEAR[0],
                    period_end=YEAR[1],
                    seller_item_id=item,
                )
            )
        breakdown = vat_breakdown(lines, {"E": EXEMPTION})
        gross = totals(lines, breakdown).tax_inclusive
        documents.append(
            InvoiceDocument(
                number=f"SR-2026-{number:06d}",
                type_code=INVOICE,
                issue_date=dt.date(2027, 1, 15),
                currency="EUR",
                buyer_reference=leitweg,
                seller=SELLER,
                buyer=buyer,
                payment=PAYMENT,
                lines=tuple(lines),
                vat_breakdown=breakdown,
                totals=totals(lines, breakdown, prepaid=round_money(gross * 11 / 12)),
                due_date=dt.date(2027, 2, 15),
                period_start=YEAR[0],
                period_end=YEAR[1],
                notes=("Schlussabrechnung 2026",),
            )
        )
    return documents


def timed(function: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def median_time(function: Callable[[], object], rounds: int = ROUNDS) -> float:
    return statistics.median(timed(function)[0] for _ in range(rounds))


def check(reports: list[ValidationReport], count: int, *, cen: bool = True) -> None:
    if len(reports) != count:
        raise BenchmarkError(f"{len(reports)} reports for {count} invoices")
    for report in reports:
        if report.findings or ("cen" in report.checks) != cen:
            raise BenchmarkError(f"unexpected result: {report.as_dict()}")


def run(count: int = INVOICES) -> dict[str, Any]:
    """Build and validate `count` synthetic invoices; returns the figures."""
    setup_s, documents = timed(lambda: synthetic_invoices(count))
    xmls = [build_ubl(doc) for doc in documents]
    if [build_ubl(doc) for doc in documents[:10]] != xmls[:10]:
        raise BenchmarkError("build_ubl is not deterministic")
    build_s = median_time(lambda: [build_ubl(doc) for doc in documents])
    tree_s = median_time(lambda: [build_tree(doc) for doc in documents])
    trees = [build_tree(doc) for doc in documents]
    floor_s = median_time(lambda: [etree.tostring(tree, encoding="UTF-8", pretty_print=True) for tree in trees])

    shutdown_worker()
    cold_s, cold = timed(lambda: validate_ubl(xmls[0]))
    check([cold], 1)
    validate_s, reports = timed(lambda: validate_many(xmls))
    check(reports, count)
    local_s, local_reports = timed(lambda: validate_many(xmls, cen=False))
    check(local_reports, count, cen=False)
    worker = cen_worker()
    cen_s, outcomes = timed(
        lambda: [o for i in range(0, count, BATCH_SIZE) for o in worker.run(xmls[i : i + BATCH_SIZE])]
    )
    if any(outcome.findings or outcome.error or outcome.skipped for outcome in outcomes):
        raise BenchmarkError("the CEN worker reported findings or errors on valid invoices")
    worker_info = dict(worker.info)
    shutdown_worker()

    total_bytes = sum(len(xml) for xml in xmls)
    return {
        "size": {
            "invoices": figure(count, "invoices"),
            "lines_per_invoice": figure(LINES, "lines"),
            "xml_average": figure(total_bytes / count / 1024, "KiB", 1),
            "xml_total": figure(total_bytes / 2**20, "MiB", 1),
        },
        "environment": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "lxml": version("lxml"),
            "saxonche": version("saxonche"),
            "factur-x": version("factur-x"),
            "saxon": worker_info.get("saxon", ""),
        },
        "synthetic_data_time": figure(setup_s, "s"),
        "build_ubl": {
            "time": figure(build_s, "s"),
            "documents_per_second": figure(count / build_s, "documents/s", 0),
        },
        "build_tree_only": {"documents_per_second": figure(count / tree_s, "documents/s", 0)},
        "lxml_serialise_floor": {
            "time": figure(floor_s, "s"),
            "documents_per_second": figure(count / floor_s, "documents/s", 0),
        },
        "ratio_build_ubl_to_floor": figure(build_s / floor_s, "×", 1),
        "validation_cold_start": figure(cold_s, "s"),
        "worker_compile": figure(float(worker_info.get("compile_s", 0.0)), "s"),
        "validate_many": {
            "time": figure(validate_s, "s"),
            "invoices_per_second": figure(count / validate_s, "invoices/s", 1),
            "ms_per_invoice": figure(validate_s / count * 1000, "ms", 2),
        },
        "parts": {
            "xsd_and_br_de_in_process": figure(count / local_s, "invoices/s", 1),
            "cen_worker_alone": figure(count / cen_s, "invoices/s", 1),
        },
        "cii_drafthorse": "measured at national scale: billing_national.drafthorse_cii",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=INVOICES, help="number of invoices (default %(default)s)")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.n), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
