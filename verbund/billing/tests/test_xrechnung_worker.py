"""The CEN worker process: long-lived, batch and single calls agree, restart after a crash, timeouts, threads."""

import dataclasses
import os
import signal
import threading

import pytest

from verbund.billing.tests.fixtures.xrechnung_samples import SELLER, credit_note, invoice
from verbund.billing.xrechnung import validation
from verbund.billing.xrechnung.ubl import build_ubl
from verbund.billing.xrechnung.validation import (
    CEN_XSLT,
    cen_worker,
    facturx_file,
    shutdown_worker,
    validate_many,
    validate_ubl,
)
from verbund.billing.xrechnung.worker import CenWorker, simplify_location, svrl_findings


def documents():
    """Valid and invalid documents, so that agreement is tested on findings, not only on empty lists."""
    return [
        build_ubl(invoice()),
        build_ubl(invoice(buyer_reference="")),
        build_ubl(credit_note()),
        build_ubl(invoice(seller=dataclasses.replace(SELLER, vat_id="", tax_number=""))),
        b"<not-xml",
    ]


def test_worker_survives_fifty_validations_in_a_row():
    xml = build_ubl(invoice())
    first = validate_ubl(xml)
    worker = cen_worker()
    pid, starts = worker.pid, worker.starts
    assert pid is not None and first.valid
    for number in range(50):
        report = validate_ubl(build_ubl(invoice(number=f"RE-2026-{number:06d}")))
        assert report.valid and report.findings == () and "cen" in report.checks
    assert worker.pid == pid and worker.starts == starts  # one process did all of them
    assert worker.info["saxon"].startswith("SaxonC")


def test_validate_many_agrees_with_single_calls():
    docs = documents() * 3
    batch = validate_many(docs)
    single = [validate_ubl(xml) for xml in docs]
    assert batch == single
    assert [report.valid for report in batch[:5]] == [True, False, True, False, False]


def test_worker_is_restarted_after_it_died():
    validate_ubl(build_ubl(invoice()))
    worker = cen_worker()
    old_pid, starts = worker.pid, worker.starts
    assert old_pid is not None
    os.kill(old_pid, signal.SIGKILL)  # the worker process this test session started
    report = validate_ubl(build_ubl(invoice(buyer_reference="")))
    assert "cen" in report.checks and report.rules() == {"BR-DE-15", "VB-LEITWEG"}
    assert worker.pid not in (None, old_pid) and worker.starts == starts + 1


def test_worker_dying_in_the_middle_of_a_batch():
    worker = CenWorker(facturx_file(CEN_XSLT))
    docs = [build_ubl(invoice(number=f"RE-{n}")) for n in range(6)]
    try:
        assert all(not outcome.error for outcome in worker.run(docs[:1]))
        victim = worker.pid
        assert victim is not None

        def kill_while_waiting():
            os.kill(victim, signal.SIGKILL)

        outcomes = worker.run(docs, kill_while_waiting)
        assert len(outcomes) == 6 and all(not o.error and not o.skipped and o.findings == () for o in outcomes)
        assert worker.pid != victim
    finally:
        worker.close()


def test_timeout_gives_a_fatal_finding_and_the_next_call_recovers(monkeypatch):
    worker = CenWorker(facturx_file(CEN_XSLT), timeout=0.0)
    monkeypatch.setitem(validation._workers, "ubl", worker)
    try:
        report = validate_ubl(build_ubl(invoice()))
        assert not report.valid and report.rules() == {"VB-CEN"} and "cen" not in report.checks
        assert "timeout" in report.fatal[0].message_en
        worker.timeout = 30.0
        assert validate_ubl(build_ubl(invoice())).findings == ()
    finally:
        worker.close()


def test_saxonche_that_cannot_load_skips_the_cen_layer_with_a_reason(tmp_path, monkeypatch):
    (tmp_path / "saxonche.py").write_text("raise ImportError('simulated: no native library')\n")
    worker = CenWorker(facturx_file(CEN_XSLT), extra_path=str(tmp_path))
    monkeypatch.setitem(validation._workers, "ubl", worker)
    try:
        report = validate_ubl(build_ubl(invoice()))
        assert report.checks == ("xml", "xsd", "xrechnung")
        assert "simulated: no native library" in report.cen_skipped
        assert report.valid  # XSD and the German layer still ran and found nothing
        assert validate_ubl(build_ubl(invoice())).cen_skipped == report.cen_skipped  # no new start each time
        assert worker.starts == 1
    finally:
        worker.close()


def test_a_stylesheet_that_does_not_compile_is_an_error_not_a_skip(tmp_path, monkeypatch):
    broken = tmp_path / "broken.xslt"
    broken.write_text("<xsl:stylesheet xmlns:xsl='http://www.w3.org/1999/XSL/Transform' version='3.0'><oops/>")
    worker = CenWorker(broken)
    monkeypatch.setitem(validation._workers, "ubl", worker)
    try:
        report = validate_ubl(build_ubl(invoice()))
        assert report.cen_skipped == "" and report.rules() == {"VB-CEN"}
        assert "does not compile" in report.fatal[0].message_en
    finally:
        worker.close()


def test_concurrent_threads_share_the_worker_safely():
    results = []
    errors = []

    def work(offset):
        try:
            for n in range(5):
                report = validate_ubl(build_ubl(invoice(number=f"T{offset}-{n}")))
                results.append(report.valid and "cen" in report.checks)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors and results == [True] * 20


def test_shutdown_and_restart():
    validate_ubl(build_ubl(invoice()))
    process_id = cen_worker().pid
    shutdown_worker()
    assert validation._workers == {}
    assert process_id is not None
    assert validate_ubl(build_ubl(invoice())).findings == ()  # a new worker on demand
    assert cen_worker().pid != process_id


def test_svrl_parsing_and_locations():
    svrl = b"""<svrl:schematron-output xmlns:svrl="http://purl.oclc.org/dsdl/svrl">
      <svrl:failed-assert test="x" id="BR-CO-17" flag="fatal"
        location="/*:Invoice[namespace-uri()='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'][1]/*:TaxTotal[namespace-uri()='urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2'][1]">
        <svrl:text>[BR-CO-17]-VAT category tax amount  wrong.</svrl:text>
      </svrl:failed-assert>
      <svrl:successful-report test="y" id="R-1" flag="warning" location="/">
        <svrl:text>note</svrl:text>
      </svrl:successful-report>
    </svrl:schematron-output>"""
    rows = svrl_findings(svrl)
    assert rows[0][:2] == ["BR-CO-17", "fatal"] and rows[0][3] == "[BR-CO-17]-VAT category tax amount wrong."
    assert rows[1] == ["R-1", "warning", "/", "note"]
    assert simplify_location(rows[0][2]) == "/ubl:Invoice[1]/cac:TaxTotal[1]"


def test_an_error_while_waiting_leaves_no_stale_answers_for_the_next_batch():
    worker = CenWorker(facturx_file(CEN_XSLT))
    broken = build_ubl(invoice(seller=dataclasses.replace(SELLER, vat_id="", tax_number="")))
    try:

        def fail():
            raise RuntimeError("simulated failure in the local checks")

        with pytest.raises(RuntimeError, match="simulated"):
            worker.run([broken], fail)
        (outcome,) = worker.run([build_ubl(invoice())])
        assert outcome.findings == () and not outcome.error  # not the broken document's answer
        assert worker.starts == 2
    finally:
        worker.close()


def test_a_large_batch_is_spread_over_the_pool_and_the_reports_stay_in_order(monkeypatch):
    monkeypatch.setenv(validation.POOL_ENV, "2")
    # Three distinguishable documents repeated: the pool splits them into two shares, each to its own process.
    kinds = [
        build_ubl(invoice()),
        build_ubl(invoice(buyer_reference="")),
        build_ubl(credit_note()),
    ]
    batch = [kinds[index % 3] for index in range(2 * validation.MIN_SHARE + 3)]
    single = [validate_ubl(xml) for xml in kinds]
    try:
        reports = validate_many(batch)
        assert set(validation._workers) >= {"ubl", "ubl#1"}
        assert validation._workers["ubl"].pid != validation._workers["ubl#1"].pid
        assert [r.findings for r in reports] == [single[index % 3].findings for index in range(len(batch))]
        assert all("cen" in r.checks for r in reports)
    finally:
        shutdown_worker()


def test_a_small_batch_uses_one_worker_and_a_bad_pool_size_is_named(monkeypatch):
    monkeypatch.setenv(validation.POOL_ENV, "4")
    shutdown_worker()
    try:
        validate_many([build_ubl(invoice())] * 3)
        assert list(validation._workers) == ["ubl"]
    finally:
        shutdown_worker()
    monkeypatch.setenv(validation.POOL_ENV, "zwei")
    with pytest.raises(ValueError, match="VERBUND_CEN_WORKERS"):
        validation.cen_pool_size()
    monkeypatch.delenv(validation.POOL_ENV)
    assert 1 <= validation.cen_pool_size() <= 2
