"""Issuing a run: all drafts or none, numbered, with the parties copied and every e-invoice validated."""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeAlias

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from verbund.billing.choices import InvoiceStatus, RunStatus
from verbund.billing.documents import buyer_snapshot, seller_snapshot
from verbund.billing.models import Invoice, InvoiceLine, InvoiceRun
from verbund.billing.selectors import seller_profile_for
from verbund.billing.services.common import (
    Failure,
    ValidationFailed,
    build_and_validate,
    check_clerk,
    failure_messages,
    is_fatal,
    issue_many,
    leitweg_problem,
)
from verbund.core.audit import audit_record
from verbund.core.models import AuditAction
from verbund.core.numbering import next_numbers
from verbund.registry.models import Organization

ISSUE_CHUNK = 200  # invoices loaded, built, validated and written at a time (bounds the memory of a national run)

Prepared: TypeAlias = list[tuple[Invoice, str, dt.date, dt.date, dict[str, Any], dict[str, Any]]]


def _drafts_in_order(run: InvoiceRun) -> list[tuple[int, str, bool, int]]:
    """(id, series, internal, member id) of the run's drafts in the order of `run_invoices` (numbering order)."""
    return list(
        Invoice.objects.filter(run=run, status=InvoiceStatus.DRAFT)
        .order_by("member__name", "vat_group", "id")
        .values_list("pk", "series", "internal", "member_id")
    )


def _stale_leitweg_ids(drafts: list[tuple[int, str, bool, int]]) -> list[str]:
    member_ids = {member_id for _pk, _series, internal, member_id in drafts if not internal}
    members = Organization.objects.filter(pk__in=member_ids).only("pk", "name", "leitweg_id").in_bulk()
    problems = {pk: leitweg_problem(member) for pk, member in members.items()}
    return [problems[member_id] for _pk, _s, internal, member_id in drafts if not internal and problems[member_id]]


def _numbers(drafts: list[tuple[int, str, bool, int]], year: int) -> dict[int, str]:
    """A gap-free number per draft, in the order of the drafts: one block per series (one lock, one update)."""
    by_series: dict[str, list[int]] = defaultdict(list)
    for pk, series, _internal, _member in drafts:
        by_series[series].append(pk)
    numbers: dict[int, str] = {}
    for series in sorted(by_series):
        pks = by_series[series]
        numbers.update(zip(pks, next_numbers(series=series, year=year, count=len(pks)), strict=True))
    return numbers


def _load_chunk(pks: list[int]) -> list[Invoice]:
    rows = (
        Invoice.objects.filter(pk__in=pks)
        .select_related("member", "provider")
        .prefetch_related(Prefetch("lines", queryset=InvoiceLine.objects.order_by("position")))
        .in_bulk()
    )
    return [rows[pk] for pk in pks]


def _issue_chunks(
    *,
    actor: Any,
    chunks: list[list[int]],
    prepare_chunk: Callable[[list[int]], Prepared],
    progress: Callable[..., None] | None = None,
) -> tuple[list[str], list[Failure]]:
    """Number, build, validate and write the drafts chunk by chunk, so that only a few chunks of invoices and
    XML are in memory at a time. The XML and validation of a chunk run in a second thread (the CEN rules in
    their worker processes) while this thread loads the next chunk and writes the one before. Once a
    chunk fails, nothing more is written, but every chunk is still validated so that the refusal names every
    failing invoice; the caller's transaction then rolls back everything."""
    numbers: list[str] = []
    failures: list[Failure] = []
    total, done_count = sum(len(chunk) for chunk in chunks), 0
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="billing-issue") as executor:
        pending: tuple[Prepared, Future[Any]] | None = None
        for pks in [*chunks, None]:
            queued = None
            if pks is not None:  # queued behind the chunk being validated: it starts as soon as that one is done
                prepared = prepare_chunk(pks)
                queued = (prepared, executor.submit(build_and_validate, prepared))
            if pending is not None:
                done, future = pending
                xmls, findings, failed = future.result()
                failures += failed
                if not failures:  # written while the next chunk is validated
                    issue_many(actor=actor, prepared=done, xmls=xmls, findings=findings)
                    numbers += [number for _i, number, *_rest in done]
                done_count += len(done)
                if progress is not None:
                    message = gettext_noop("%(built)s of %(invoices)s invoices built, validated and numbered")
                    progress(done_count, total, message, built=done_count, invoices=total)
            pending = queued
    return numbers, failures


@transaction.atomic
def _issue(*, actor: Any, run: InvoiceRun, progress: Callable[..., None] | None = None) -> InvoiceRun:
    locked = InvoiceRun.objects.select_for_update().select_related("provider").get(pk=run.pk)
    if locked.status == RunStatus.ISSUED:
        return locked  # issuing twice changes nothing
    blocking = locked.blocking_problems
    if blocking:
        raise ValidationError(
            [_("The run has problems that block issuing:"), *(str(problem["message"]) for problem in blocking)]
        )
    profile = seller_profile_for(locked.provider)
    if profile is None:
        raise ValidationError(_("The provider has no seller profile."))
    drafts = _drafts_in_order(locked)
    if not drafts:
        raise ValidationError(_("The run has no draft invoices to issue; prepare it first."))
    stale = _stale_leitweg_ids(drafts)
    if stale:
        raise ValidationError([_("Leitweg-IDs changed since the run was prepared:"), *stale])
    seller = seller_snapshot(profile)
    issue_date = locked.billing_date
    due_date = issue_date + dt.timedelta(days=profile.payment_terms_days)
    numbers = _numbers(drafts, issue_date.year)

    def prepare_chunk(pks: list[int]) -> Prepared:
        return [
            (invoice, numbers[invoice.pk], issue_date, due_date, seller, buyer_snapshot(invoice.member))
            for invoice in _load_chunk(pks)
        ]

    ids = [pk for pk, *_rest in drafts]
    chunks = [ids[start : start + ISSUE_CHUNK] for start in range(0, len(ids), ISSUE_CHUNK)]
    issued_numbers, failures = _issue_chunks(actor=actor, chunks=chunks, prepare_chunk=prepare_chunk, progress=progress)
    if failures:
        raise ValidationFailed(failures)  # rolls back: no number used, nothing issued
    locked.status = RunStatus.ISSUED
    locked.issued_at = timezone.now()
    locked.issued_by = actor if getattr(actor, "is_authenticated", False) else None
    locked.summary = {**(locked.summary or {}), "numbers": issued_numbers}
    locked.summary.pop("last_refusal", None)
    locked.modified = timezone.now()
    locked.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        before={"status": RunStatus.DRAFT},
        after={"status": RunStatus.ISSUED, "invoices": len(issued_numbers)},
        scope_organization_id=locked.provider_id,
        message=_("Run issued"),
    )
    return locked


@transaction.atomic
def _record_refusal(*, actor: Any, run: InvoiceRun, failures: list[Failure]) -> None:
    """Keep the findings on the drafts and the run after the issuing transaction was rolled back."""
    for failure in failures:
        Invoice.objects.filter(pk=failure.invoice.pk, status=InvoiceStatus.DRAFT).update(
            validation_findings=failure.findings
        )
    refusal = {
        "at": timezone.now().isoformat(),
        "invoices": [
            {
                "invoice_id": f.invoice.pk,
                "member": f.invoice.member.name,
                "title": f.invoice.title,
                "rules": sorted({x["rule"] for x in f.findings if is_fatal(x)}),
            }
            for f in failures
        ],
    }
    locked = InvoiceRun.objects.select_for_update().get(pk=run.pk)
    locked.summary = {**(locked.summary or {}), "last_refusal": refusal}
    locked.save(update_fields=["summary", "modified"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        after={"issue_refused": refusal["invoices"]},
        scope_organization_id=locked.provider_id,
        message=_("Issuing refused: e-invoice validation failed"),
    )


def billing_run_issue(*, actor: Any, run: InvoiceRun, progress: Callable[..., None] | None = None) -> InvoiceRun:
    """Issue all drafts of the run, or none. Raises ValidationError naming invoice, rule ids and messages when a
    draft fails validation; no number is used then. Issuing an issued run changes nothing. `progress(done,
    total, message, **params)` is told after each chunk (a job's progress bar)."""
    check_clerk(actor)
    try:
        return _issue(actor=actor, run=run, progress=progress)
    except ValidationFailed as failed:
        _record_refusal(actor=actor, run=run, failures=failed.failures)
        raise ValidationError(
            [_("No invoice was issued: the e-invoice validation failed."), *failure_messages(failed.failures)]
        ) from None
