"""Preparing a run: create it or find it again, rebuild its draft invoices, record its problems."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from verbund.billing import engine
from verbund.billing.choices import (
    InvoiceFrequency,
    InvoiceStatus,
    InvoiceType,
    ProblemSeverity,
    RunKind,
    RunStatus,
)
from verbund.billing.drafts import Problem
from verbund.billing.drafts.rows import LINE_FIELDS, SliceOptions, SliceRows
from verbund.billing.models import Invoice, InvoiceLine, InvoiceRun, SellerProfile
from verbund.billing.prepare_worker import slices_drafted
from verbund.billing.selectors import billing_frame, seller_profile_for, slice_records
from verbund.billing.services.common import check_clerk
from verbund.core.audit import audit_record
from verbund.core.bulkcopy import copy_rows
from verbund.core.models import AuditAction
from verbund.core.params import check_year
from verbund.registry.models import Organization


def _period(kind: str, year: int, period: int | None, frequency: str) -> engine.Period:
    if kind == RunKind.FINAL:
        if period is not None:
            raise ValidationError({"period": _("A final settlement is for a whole year; give no period.")})
        return engine.whole_year(year)
    if period is None:
        raise ValidationError({"period": _("Give the period (month or quarter) of the run.")})
    try:
        return engine.period_of(year, frequency, period)
    except engine.PeriodError as exc:
        raise ValidationError(
            {
                "period": _("Period %(period)s does not exist for %(frequency)s billing.")
                % {"period": period, "frequency": InvoiceFrequency(frequency).label}
            }
        ) from exc


def _run_for_update(
    *, provider: Organization, kind: str, year: int, period: int | None, **defaults: Any
) -> tuple[InvoiceRun, bool]:
    lookup = {"provider": provider, "kind": kind, "year": year, "period": period}
    run = InvoiceRun.objects.select_for_update().filter(**lookup).first()
    if run is not None:
        return run, False
    try:
        with transaction.atomic():
            return InvoiceRun.objects.create(**lookup, **defaults), True
    except IntegrityError:  # created by a concurrent prepare; use it
        return InvoiceRun.objects.select_for_update().get(**lookup), False


PREPARE_CHUNK = 500  # members whose inputs and drafts are in memory at a time
INSERT_BATCH = 1000
WRITTEN_LINE_FIELDS = ("invoice_id", *LINE_FIELDS)


def _write_slice(*, run: InvoiceRun, rows: SliceRows) -> list[Invoice]:
    """Insert the drafts of a slice of members: the invoices in bulk (their ids come back), then their lines
    (with COPY on PostgreSQL, `core.bulkcopy`)."""
    invoices = [Invoice(provider=run.provider, run=run, **values) for values, _lines in rows.invoices]
    Invoice.objects.bulk_create(invoices, batch_size=INSERT_BATCH)  # sets the ids; the lines take them from there
    copy_rows(
        InvoiceLine,
        WRITTEN_LINE_FIELDS,
        (
            (invoice.pk, *line)
            for invoice, (_values, lines) in zip(invoices, rows.invoices, strict=True)
            for line in lines
        ),
        batch_size=INSERT_BATCH,
    )
    return invoices


def _check_year_ended(*, year: int, billing_date: dt.date, as_of: dt.date, reason: str) -> None:
    """A final settlement bills the actual amounts of a whole year: not before the year is over."""
    last_day = dt.date(year, 12, 31)
    if reason or (as_of > last_day and billing_date > last_day):
        return
    raise ValidationError(
        {
            "billing_date" if as_of > last_day else "year": _(
                "The final settlement %(year)s can only be made after %(last_day)s (billing date and day of "
                "preparing). For a member that leaves during the year, give the reason for an early settlement."
            )
            % {"year": year, "last_day": date_format(last_day, "SHORT_DATE_FORMAT")}
        }
    )


def _summary(invoices: list[Invoice]) -> dict[str, Any]:
    """Invoices and credit notes counted and summed apart (a credit note's totals are positive amounts owed to
    the member); `balance` is what the members owe in all: invoices − credit notes."""
    bills = [i for i in invoices if i.type_code != InvoiceType.CREDIT_NOTE]
    credits = [i for i in invoices if i.type_code == InvoiceType.CREDIT_NOTE]

    def total(items: list[Invoice], field: str) -> Decimal:
        return sum((getattr(i, field) for i in items), engine.vat.ZERO)

    return {
        "invoices": len(invoices),
        "internal": sum(1 for i in invoices if i.internal),
        "credit_notes": len(credits),
        "net": str(total(bills, "net_total")),
        "tax": str(total(bills, "tax_total")),
        "gross": str(total(bills, "gross_total")),
        "credit_net": str(total(credits, "net_total")),
        "credit_tax": str(total(credits, "tax_total")),
        "credit_gross": str(total(credits, "gross_total")),
        "balance_net": str(total(bills, "net_total") - total(credits, "net_total")),
        "balance_gross": str(total(bills, "gross_total") - total(credits, "gross_total")),
    }


def _issued(run: InvoiceRun) -> ValidationError:
    return ValidationError(
        _(
            "%(run)s was already issued on %(date)s; it cannot be prepared again and its billing date stays "
            "%(date)s. Correct an issued invoice with a credit note."
        )
        % {"run": run, "date": date_format(run.billing_date, "SHORT_DATE_FORMAT")},
        code="run_issued",
    )


def billing_run_check(
    *,
    actor: Any,
    provider: Organization,
    kind: str,
    year: int,
    period: int | None,
    billing_date: dt.date,
    as_of: dt.date | None = None,
    early_final_reason: str = "",
) -> tuple[SellerProfile, engine.Period]:
    """The checks of `billing_run_prepare` that need no lock (who, kind, year, a final settlement not before the
    year has ended, the seller profile, the period, a run already issued), so that a page can answer a wrong
    request at once before it queues the work. Returns the seller profile and the billing period."""
    check_clerk(actor)
    if kind not in RunKind.values:
        raise ValidationError({"kind": _("Unknown kind of run: %(kind)s.") % {"kind": kind}})
    check_year(year)
    early_final_reason = early_final_reason.strip()
    if kind == RunKind.FINAL:
        _check_year_ended(year=year, billing_date=billing_date, as_of=as_of or billing_date, reason=early_final_reason)
    elif early_final_reason:
        raise ValidationError(
            {"early_final_reason": _("A reason for an early settlement only applies to a final settlement.")}
        )
    profile = seller_profile_for(provider)
    if profile is None:
        raise ValidationError(
            _("%(provider)s has no seller profile; enter its invoice data first.") % {"provider": provider}
        )
    billing_period = _period(kind, year, period, profile.invoice_frequency)
    issued = InvoiceRun.objects.filter(
        provider=provider, kind=kind, year=year, period=period, status=RunStatus.ISSUED
    ).first()
    if issued is not None:
        raise _issued(issued)
    return profile, billing_period


@transaction.atomic
def billing_run_prepare(
    *,
    actor: Any,
    provider: Organization,
    kind: str,
    year: int,
    period: int | None,
    billing_date: dt.date,
    as_of: dt.date | None = None,
    early_final_reason: str = "",
    progress: Callable[..., None] | None = None,
) -> InvoiceRun:
    """Create (or find again) the run and rebuild its draft invoices: one per member and VAT group, members with
    nothing to bill (or a balance of zero) skipped. Problems (missing Leitweg-ID, missing price, …) are stored on
    the run. An issued run is refused (its billing date stays what it was issued with).

    `as_of` is the day the run is prepared (callers pass today; it defaults to the billing date). A final
    settlement needs the year to have ended on both days, unless `early_final_reason` says why it is made early
    (a member leaving mid-year); that override is stored on the run, shown as a warning and audited.
    `progress(done, total, message, **params)` is told after each slice of members (a job's progress bar)."""
    early_final_reason = early_final_reason.strip()
    profile, billing_period = billing_run_check(
        actor=actor,
        provider=provider,
        kind=kind,
        year=year,
        period=period,
        billing_date=billing_date,
        as_of=as_of,
        early_final_reason=early_final_reason,
    )
    run, created = _run_for_update(
        provider=provider,
        kind=kind,
        year=year,
        period=period,
        billing_date=billing_date,
        frequency=profile.invoice_frequency if kind != RunKind.FINAL else "",
    )
    if run.status == RunStatus.ISSUED:  # checked again under the row lock: a run issued meanwhile
        raise _issued(run)
    if kind != RunKind.FINAL and run.frequency and run.frequency != profile.invoice_frequency:
        raise ValidationError(
            _("This run was prepared for %(old)s periods; the seller profile now says %(new)s.")
            % {"old": run.get_frequency_display(), "new": profile.get_invoice_frequency_display()}
        )
    deleted, _counts = Invoice.objects.filter(run=run, status=InvoiceStatus.DRAFT).delete()
    frame = billing_frame(provider=provider, year=year, with_instalments=kind == RunKind.FINAL)
    members = frame.members
    bounds = [(start, min(start + PREPARE_CHUNK, len(members))) for start in range(0, len(members), PREPARE_CHUNK)]
    options = SliceOptions(
        kind=kind,
        period=billing_period,
        frequency=profile.invoice_frequency,
        host_settlement_internal=profile.host_settlement_internal,
        billing_date=billing_date,
        terms_days=profile.payment_terms_days,
        series_prefix=profile.number_prefix,
    )
    problems: list[Problem] = []
    skipped: list[str] = []
    invoices: list[Invoice] = []
    not_subject = False
    drafted = slices_drafted(
        frame,
        bounds or [(0, 0)],
        options,
        lambda start, stop: slice_records(frame, members[start:stop]),
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    for (_start, stop), rows in zip(bounds or [(0, 0)], drafted, strict=True):
        problems += rows.problems
        skipped += rows.skipped
        not_subject = not_subject or rows.not_subject
        invoices += _write_slice(run=run, rows=rows)
        if progress is not None:
            message = gettext_noop("Drafted the invoices of %(drafted)s of %(members)s members")
            progress(stop, len(members), message, drafted=stop, members=len(members))
    if not profile.legal_registration_id and not_subject:
        problems.append(
            Problem(
                "seller_identifier",
                ProblemSeverity.ERROR,
                _(
                    "Invoices of services not subject to VAT carry no VAT id (BR-O-02) and then need the seller's "
                    "legal registration identifier (BT-30, BR-CO-26). Enter it in the seller profile."
                ),
            )
        )
    run.billing_date = billing_date
    run.problems = [problem.as_dict() for problem in problems]
    if early_final_reason:
        run.problems.insert(
            0,
            Problem(
                "early_final",
                ProblemSeverity.WARNING,
                _("Final settlement before the end of %(year)s: %(reason)s")
                % {"year": year, "reason": early_final_reason},
            ).as_dict(),
        )
    run.summary = {
        **_summary(invoices),
        "members": len({i.member_id for i in invoices}),
        "skipped": skipped,
        "plan": frame.plan.pk if frame.plan else None,
        "period_start": billing_period.start.isoformat(),
        "period_end": billing_period.end.isoformat(),
        **({"early_final_reason": early_final_reason} if early_final_reason else {}),
    }
    run.prepared_at = timezone.now()
    run.prepared_by = actor if getattr(actor, "is_authenticated", False) else None
    run.modified = timezone.now()
    run.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=run,
        after={
            **run.summary,
            "problems": len(run.problems),
            "drafts_replaced": deleted,
            "as_of": (as_of or billing_date).isoformat(),
        },
        scope_organization_id=provider.pk,
        message=_("Run prepared"),
    )
    return run
