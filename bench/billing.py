"""National-scale final settlement: every one of the 10,981 German municipalities with 25 product lines.

Database-free, so it measures the billing work itself: the pure billing engine (the December instalment run,
which sums all twelve months of every line, and the final settlement exact to the day against the actual
quantities, both with their traces, as a run stores them), the e-invoice document (VAT breakdown and totals),
the XRechnung UBL XML, and the full validation (XSD, CEN rules in the Saxon worker process, BR-DE rules) of
all invoices. The instalments a final settlement deducts are read from the issued invoices in a real run; here
they are computed beforehand, outside the timed settlement. Floor: serialising the same trees with lxml alone.
Run: `python -m bench.billing` (JSON on stdout); `make bench` records it in bench/results/latest.json.
"""

import datetime as dt
import json
import random
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from lxml import etree

from bench.xrechnung import PAYMENT, SELLER, BenchmarkError, figure
from verbund.billing.engine.prorate import (
    Charge,
    PlannedFee,
    RateStep,
    Segment,
    annual_instalment_total,
    instalment,
)
from verbund.billing.engine.settlement import SettlementItem, settle
from verbund.billing.xrechnung import build_ubl, shutdown_worker, validate_many
from verbund.billing.xrechnung.cii import build_cii
from verbund.billing.xrechnung.codes import totals, vat_breakdown
from verbund.billing.xrechnung.document import INVOICE, Address, InvoiceDocument, Line, Party
from verbund.billing.xrechnung.ubl import build_tree
from verbund.billing.xrechnung.validation import cen_pool_size
from verbund.registry import gv100ad
from verbund.registry.keys import make_leitweg_id

ROOT = Path(__file__).resolve().parents[1]
GV100AD = ROOT.parent / "shared" / "data" / "gemeindeverzeichnis" / "GV100AD_301123.txt"
YEAR = 2026
PRODUCTS = 200
LINES = 25
SEED = 4711
CII_SAMPLE_STEP = 20  # validate every 20th CII (549 invoices): the Factur-X CII stylesheet is ~4x slower than UBL


def _charges(rng: random.Random, catalogue: list[tuple[str, Decimal]]) -> list[tuple[str, Charge, Charge]]:
    """25 products per member: the planned charge (plan fee for the planned quantity) and the actual one."""
    chosen = rng.sample(catalogue, LINES)
    result = []
    for product, rate in chosen:
        planned_quantity = Decimal(rng.randint(1, 300))
        start = dt.date(YEAR, 1, 1) if rng.random() < 0.9 else dt.date(YEAR, rng.randint(2, 11), 1)
        segments = [Segment(start, None, planned_quantity)]
        if rng.random() < 0.2:  # a change of quantity during the year
            change = dt.date(YEAR, rng.randint(max(start.month, 2), 12), 1)
            segments = [
                Segment(start, change - dt.timedelta(days=1), planned_quantity),
                Segment(change, None, planned_quantity + rng.randint(1, 40)),
            ]
        planned = Charge(
            product=product,
            segments=(Segment(start, None, planned_quantity),),
            planned_fee=PlannedFee(amount=(planned_quantity * rate).quantize(Decimal("0.01")), basis=planned_quantity),
        )
        actual = Charge(product=product, segments=tuple(segments), rates=(RateStep(dt.date(YEAR, 1, 1), rate),))
        result.append((product, planned, actual))
    return result


def _document(number: int, record: Any, lines: list[Line]) -> InvoiceDocument:
    leitweg = make_leitweg_id(record.ars, "ITDL")
    buyer = Party(
        name=record.name,
        address=Address(
            street="Rathaus", city=record.seat or record.name.split(",")[0], postcode=record.postcode or "00000"
        ),
        electronic_address=leitweg,
        electronic_scheme="0204",
    )
    breakdown = vat_breakdown(lines)
    return InvoiceDocument(
        number=f"SR-{YEAR}-{number:06d}",
        type_code=INVOICE,
        issue_date=dt.date(YEAR + 1, 1, 20),
        currency="EUR",
        buyer_reference=leitweg,
        seller=SELLER,
        buyer=buyer,
        payment=PAYMENT,
        lines=tuple(lines),
        vat_breakdown=breakdown,
        totals=totals(lines, breakdown),
        due_date=dt.date(YEAR + 1, 2, 20),
        period_start=dt.date(YEAR, 1, 1),
        period_end=dt.date(YEAR, 12, 31),
        notes=(f"Schlussrechnung {YEAR}",),
    )


def run() -> dict[str, Any]:
    municipalities = [r for r in gv100ad.read_file(GV100AD) if r.record_type == gv100ad.MUNICIPALITY]
    if len(municipalities) != 10981:
        raise BenchmarkError(f"expected 10,981 municipalities, got {len(municipalities)}")
    rng = random.Random(SEED)
    catalogue = [(f"P-{n:03d}", Decimal(rng.randint(50, 150_000)) / 100) for n in range(PRODUCTS)]
    members = [(record, _charges(rng, catalogue)) for record in municipalities]

    started = time.perf_counter()
    for _record, charges in members:
        for _product, planned, _actual in charges:
            item = instalment(planned, YEAR, "monthly", 12)
            if not item.trace:
                raise BenchmarkError(f"instalment of {item.product} has no trace")
    instalment_run_s = time.perf_counter() - started

    invoiced = [[annual_instalment_total(planned, YEAR, "monthly") for _p, planned, _a in c] for _r, c in members]

    started = time.perf_counter()
    settled = []
    for (record, charges), paid in zip(members, invoiced, strict=True):
        items = [
            SettlementItem(product=product, charge=actual, instalments=amount)
            for (product, _planned, actual), amount in zip(charges, paid, strict=True)
        ]
        settled.append((record, settle(items, YEAR)))
    compute_s = time.perf_counter() - started

    started = time.perf_counter()
    documents = []
    for number, (record, lines) in enumerate(settled, start=1):
        doc_lines = []
        for index, line in enumerate(lines, start=1):
            # A negative balance is a returned amount: quantity −1 at a positive price (BR-27: no negative price).
            quantity = Decimal(1) if line.balance >= 0 else Decimal(-1)
            doc_lines.append(
                Line(
                    id=str(index),
                    name=f"Schlussabrechnung {line.product}",
                    quantity=quantity,
                    unit_code="E48",
                    net_price=abs(line.balance),
                    net_amount=line.balance,
                    vat_category="S",
                    vat_rate=Decimal(19),
                    seller_item_id=line.product,
                )
            )
        documents.append(_document(number, record, doc_lines))
    document_s = time.perf_counter() - started

    started = time.perf_counter()
    xmls = [build_ubl(doc) for doc in documents]
    render_s = time.perf_counter() - started
    trees = [build_tree(doc) for doc in documents]
    started = time.perf_counter()
    for tree in trees:
        etree.tostring(tree, encoding="UTF-8", pretty_print=True)
    floor_s = time.perf_counter() - started

    # The same invoices as XRechnung CII, built with drafthorse (its object model, then its serialiser), and the
    # lxml floor for that XML: re-serialising the parsed CII trees.
    started = time.perf_counter()
    ciis = [build_cii(doc) for doc in documents]
    cii_s = time.perf_counter() - started
    cii_trees = [etree.fromstring(xml) for xml in ciis]
    started = time.perf_counter()
    for tree in cii_trees:
        etree.tostring(tree, encoding="UTF-8", pretty_print=True)
    cii_floor_s = time.perf_counter() - started
    del cii_trees

    shutdown_worker()
    pool = cen_pool_size()
    started = time.perf_counter()
    reports = validate_many(xmls)
    validate_s = time.perf_counter() - started
    sample = ciis[::CII_SAMPLE_STEP]
    started = time.perf_counter()
    reports_cii = validate_many(sample, syntax="cii")
    validate_cii_s = time.perf_counter() - started
    shutdown_worker()
    fatal = [r for r in reports + reports_cii if not r.valid]
    if fatal:
        raise BenchmarkError(f"{len(fatal)} invoices failed validation, e.g. {fatal[0].as_dict()}")
    total_s = compute_s + document_s + render_s + validate_s
    count = len(documents)
    return {
        "invoices": figure(count, "invoices"),
        "lines": figure(count * LINES, "lines"),
        "instalment_run_engine": {
            "what": "one monthly instalment run (December: cumulative over 12 months), trace per line",
            "time": figure(instalment_run_s, "s"),
            "lines_per_second": figure(count * LINES / instalment_run_s, "lines/s", 0),
        },
        "compute_engine": {
            "what": "final settlement: actual to the day minus instalments, trace per line",
            "time": figure(compute_s, "s"),
            "lines_per_second": figure(count * LINES / compute_s, "lines/s", 0),
        },
        "build_documents": figure(document_s, "s"),
        "render_ubl": {"time": figure(render_s, "s"), "invoices_per_second": figure(count / render_s, "invoices/s", 0)},
        "lxml_serialise_floor": {
            "time": figure(floor_s, "s"),
            "ratio_render_to_floor": figure(render_s / floor_s, "×", 1),
        },
        "validate_all": {
            "what": f"UBL: XSD + CEN XSLT ({pool} Saxon worker process(es)) + BR-DE, every invoice",
            "cen_workers": pool,
            "time": figure(validate_s, "s"),
            "invoices_per_second": figure(count / validate_s, "invoices/s", 1),
        },
        "total": {"time": figure(total_s, "s"), "invoices_per_second": figure(count / total_s, "invoices/s", 1)},
        "all_valid": True,
        "drafthorse_cii": {
            "what": "the same invoices as XRechnung CII built with drafthorse (build_cii), not part of the total",
            "time": figure(cii_s, "s"),
            "invoices_per_second": figure(count / cii_s, "invoices/s", 0),
            "ratio_to_ubl_render": figure(cii_s / render_s, "×", 1),
            "lxml_serialise_floor": figure(cii_floor_s, "s"),
            "ratio_to_floor": figure(cii_s / cii_floor_s, "×", 1),
            "validate_sample": {
                "invoices": len(sample),
                "time": figure(validate_cii_s, "s"),
                "invoices_per_second": figure(len(sample) / validate_cii_s, "invoices/s", 1),
            },
        },
    }


def main() -> int:
    print(json.dumps(run(), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
