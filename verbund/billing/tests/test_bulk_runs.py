"""Prepare and issue in slices and chunks (bounded memory, bulk writes) give exactly the documents of the
one-at-a-time path; an interrupted issue uses no number, and issuing again numbers without gaps or doubles."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from verbund.billing import engine, prepare_worker
from verbund.billing.choices import InvoiceStatus, RunKind, RunStatus
from verbund.billing.documents import issued_invoice_document
from verbund.billing.drafts import build_drafts
from verbund.billing.models import Invoice, InvoiceRun
from verbund.billing.selectors import billing_frame, billing_inputs, run_invoices
from verbund.billing.services import billing_run_issue, billing_run_prepare, issue, prepare
from verbund.billing.xrechnung import build_ubl
from verbund.core.models import AuditEvent, NumberSequence

BILLING_DATE = dt.date(2026, 1, 5)


@pytest.fixture
def ready(approved_plan, seller, members):
    return approved_plan


def _prepare(registry, kind=RunKind.INSTALMENT, period=1, billing_date=BILLING_DATE):
    return billing_run_prepare(
        actor=None, provider=registry["citeq"], kind=kind, year=2026, period=period, billing_date=billing_date
    )


def _stored(run):
    """Everything a draft holds, in document order (ids left out: they change when a run is prepared again)."""
    return [
        (
            invoice.member_id,
            invoice.vat_group,
            invoice.series,
            invoice.type_code,
            invoice.internal,
            invoice.title,
            invoice.net_total,
            invoice.tax_total,
            invoice.gross_total,
            invoice.vat_breakdown,
            invoice.notes,
            [
                (
                    line.position,
                    line.kind,
                    line.product_number,
                    line.name,
                    line.description,
                    line.quantity,
                    line.basis_quantity,
                    line.unit_code,
                    line.unit_price,
                    line.net,
                    line.vat_category,
                    line.vat_rate,
                    line.vat_exemption_reason,
                    line.period_start,
                    line.period_end,
                    line.trace,
                )
                for line in invoice.lines.all()
            ],
        )
        for invoice in run_invoices(run=run)
    ]


def _drafted(drafts):
    """The same figures from the drafts of the whole run built at once (the path before slicing)."""
    return [
        (
            draft.member.pk,
            draft.vat_group,
            draft.title,
            [
                (line.kind, line.name, line.description, line.figures.quantity, line.figures.net, list(line.trace))
                for line in draft.lines
            ],
        )
        for draft in sorted(drafts, key=lambda d: (d.member.name, d.vat_group))
    ]


@pytest.mark.parametrize("kind,period", [(RunKind.INSTALMENT, 1), (RunKind.FINAL, None)])
def test_prepare_in_slices_stores_the_drafts_of_the_whole_run_at_once(ready, registry, monkeypatch, kind, period):
    billing_date = BILLING_DATE if kind == RunKind.INSTALMENT else dt.date(2027, 1, 15)
    whole = _stored(_prepare(registry, kind=kind, period=period, billing_date=billing_date))
    whole_problems = InvoiceRun.objects.get(kind=kind).problems
    monkeypatch.setattr(prepare, "PREPARE_CHUNK", 1)  # one member per slice
    run = _prepare(registry, kind=kind, period=period, billing_date=billing_date)
    assert len(whole) >= 2
    assert _stored(run) == whole
    assert run.problems == whole_problems

    inputs = billing_inputs(provider=registry["citeq"], year=2026, with_instalments=kind == RunKind.FINAL)
    result = build_drafts(
        inputs,
        kind=kind,
        period=engine.whole_year(2026) if kind == RunKind.FINAL else engine.period_of(2026, "monthly", 1),
        frequency="monthly",
        host_settlement_internal=True,  # as in the seller fixture
    )
    stored = [
        (member, group, title, [(l[1], l[3], l[4], l[5], l[9], l[15]) for l in lines])  # noqa: E741
        for member, group, _series, _type, _internal, title, *_totals, lines in whole
    ]
    assert stored == _drafted(result.invoices)


@pytest.mark.parametrize("kind,period", [(RunKind.INSTALMENT, 1), (RunKind.FINAL, None)])
def test_slices_drafted_in_a_worker_process_store_what_the_service_process_drafts(
    ready, registry, monkeypatch, kind, period
):
    billing_date = BILLING_DATE if kind == RunKind.INSTALMENT else dt.date(2027, 1, 15)
    monkeypatch.setattr(prepare, "PREPARE_CHUNK", 1)  # one member per slice
    monkeypatch.setenv(prepare_worker.WORKERS_ENV, "0")
    here = _prepare(registry, kind=kind, period=period, billing_date=billing_date)
    here_rows, here_problems, here_summary = _stored(here), here.problems, here.summary
    monkeypatch.setenv(prepare_worker.WORKERS_ENV, "1")
    monkeypatch.setattr(prepare_worker, "MIN_SLICES", 1)
    spawned: list[int] = []
    real_pool = prepare_worker.ProcessPoolExecutor

    def counting_pool(*args, **kwargs):
        spawned.append(kwargs["max_workers"])
        return real_pool(*args, **kwargs)

    monkeypatch.setattr(prepare_worker, "ProcessPoolExecutor", counting_pool)
    there = _prepare(registry, kind=kind, period=period, billing_date=billing_date)
    assert spawned == [1]  # the slices went to a worker process
    assert len(here_rows) >= 2
    assert _stored(there) == here_rows
    assert there.problems == here_problems and there.summary == here_summary


def test_prepare_workers_come_from_the_environment(monkeypatch):
    monkeypatch.setenv(prepare_worker.WORKERS_ENV, "3")
    assert prepare_worker.prepare_workers() == 3
    monkeypatch.setenv(prepare_worker.WORKERS_ENV, "zwei")
    with pytest.raises(ValueError, match=prepare_worker.WORKERS_ENV):
        prepare_worker.prepare_workers()
    monkeypatch.delenv(prepare_worker.WORKERS_ENV)
    assert 0 <= prepare_worker.prepare_workers() <= 2


def test_issue_in_chunks_stores_what_the_single_document_path_builds(ready, registry, monkeypatch):
    monkeypatch.setattr(issue, "ISSUE_CHUNK", 1)  # one invoice per chunk: every chunk boundary is crossed
    run = billing_run_issue(actor=None, run=_prepare(registry))
    invoices = list(run_invoices(run=run))
    assert len(invoices) >= 2 and run.status == RunStatus.ISSUED
    by_series: dict[str, list[str]] = {}
    for invoice in invoices:  # numbered in document order, per series from 1 without gaps
        by_series.setdefault(invoice.series, []).append(invoice.number)
    for series, numbers in by_series.items():
        assert numbers == [f"{series}-2026-{n:06d}" for n in range(1, len(numbers) + 1)]
    assert run.summary["numbers"] == [invoice.number for invoice in invoices]
    for invoice in invoices:
        assert invoice.status == InvoiceStatus.ISSUED
        if not invoice.internal:
            assert bytes(invoice.xml) == build_ubl(issued_invoice_document(invoice))
        (event,) = _issued_events(invoice)
        assert event.after["number"] == invoice.number and event.after["gross_total"] == str(invoice.gross_total)


def _issued_events(invoice=None):
    """The audit events "issued" of invoices (of one invoice), whatever the language of their message."""
    events = AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(Invoice))
    if invoice is not None:
        events = events.filter(object_id=str(invoice.pk))
    return [event for event in events if (event.after or {}).get("status") == InvoiceStatus.ISSUED]


def _sequences():
    return sorted(NumberSequence.objects.values_list("series", "year", "last"))


def _used(before):
    """Numbers taken since `before` (a `_sequences()`), over all series."""
    return sum(last for *_key, last in _sequences()) - sum(last for *_key, last in before)


def test_an_interrupted_issue_uses_no_number_and_issuing_again_numbers_without_gaps(ready, registry, monkeypatch):
    monkeypatch.setattr(issue, "ISSUE_CHUNK", 1)
    run = _prepare(registry)
    drafts = run.invoices.count()
    before = _sequences()
    real = issue.issue_many
    calls = []

    def crashing(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the worker was killed")  # after the first chunk was written
        real(**kwargs)

    monkeypatch.setattr(issue, "issue_many", crashing)
    with pytest.raises(RuntimeError):
        billing_run_issue(actor=None, run=run)
    assert len(calls) == 2
    run.refresh_from_db()
    assert run.status == RunStatus.DRAFT
    assert not Invoice.objects.filter(run=run).exclude(status=InvoiceStatus.DRAFT).exists()
    assert not Invoice.objects.filter(run=run).exclude(number="").exists()
    assert _sequences() == before
    assert not _issued_events()

    monkeypatch.setattr(issue, "issue_many", real)
    run = billing_run_issue(actor=None, run=run)
    numbers = list(Invoice.objects.filter(run=run).values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == drafts
    assert sorted(numbers) == sorted(run.summary["numbers"])
    assert _used(before) == drafts  # no gaps: the counters moved by exactly the number of invoices
    events = len(_issued_events())
    assert events == drafts

    again = billing_run_issue(actor=None, run=run)  # repeating changes nothing
    assert again.summary["numbers"] == run.summary["numbers"]
    assert list(Invoice.objects.filter(run=run).values_list("number", flat=True)) == numbers
    assert len(_issued_events()) == events
    assert _used(before) == drafts


def test_a_failure_in_a_later_chunk_issues_nothing_and_names_every_failing_invoice(ready, registry, monkeypatch):
    from verbund.billing.services import common

    monkeypatch.setattr(issue, "ISSUE_CHUNK", 1)
    run = _prepare(registry)
    before = _sequences()
    real = issue.build_and_validate
    seen = []

    def failing_after_the_first(prepared):
        seen.append(prepared[0][0].pk)
        if len(seen) == 1:
            return real(prepared)
        finding = {"rule": "BR-DE-15", "severity": "fatal", "message": "Buyer reference missing", "location": "/"}
        return {}, {}, [common.Failure(item[0], [finding]) for item in prepared]

    monkeypatch.setattr(issue, "build_and_validate", failing_after_the_first)
    with pytest.raises(ValidationError) as raised:
        billing_run_issue(actor=None, run=run)
    drafts = run.invoices.count()
    assert len(seen) == drafts  # every chunk was validated
    assert sum("BR-DE-15" in message for message in raised.value.messages) == drafts - 1
    assert not Invoice.objects.filter(run=run).exclude(number="").exists()
    assert _sequences() == before
    assert InvoiceRun.objects.get(pk=run.pk).status == RunStatus.DRAFT


def test_the_zero_total_guard_still_holds_in_slices(ready, registry, monkeypatch):
    """A slice without anything to bill adds no invoice (the summary counts only what was written)."""
    monkeypatch.setattr(prepare, "PREPARE_CHUNK", 1)
    run = _prepare(registry)
    assert run.summary["invoices"] == run.invoices.count()
    assert Decimal(run.summary["gross"]) == sum(i.gross_total for i in run.invoices.all())


def test_prepare_and_issue_report_progress_per_slice_and_chunk(ready, registry, monkeypatch):
    monkeypatch.setattr(prepare, "PREPARE_CHUNK", 1)
    monkeypatch.setattr(issue, "ISSUE_CHUNK", 1)
    reports = []

    def record(done, total, message="", **params):  # the signature of the job's and the CLI's reporters
        assert message % params  # the bar shows the message with its numbers
        reports.append((done, total))

    run = billing_run_prepare(
        actor=None, provider=registry["citeq"], kind=RunKind.INSTALMENT, year=2026, period=1,
        billing_date=BILLING_DATE, progress=record,
    )  # fmt: skip
    members = len(billing_frame(provider=registry["citeq"], year=2026).members)
    assert members >= 2
    assert reports == [(n, members) for n in range(1, members + 1)]
    reports.clear()
    run = billing_run_issue(actor=None, run=run, progress=record)
    count = len(run.summary["numbers"])
    assert reports == [(n, count) for n in range(1, count + 1)]
