"""Exports of a run: one XRechnung XML (UBL or CII) and/or PDF per invoice, as files in a folder or as one ZIP.

The UBL of an issued invoice is stored (the document of record). The CII is built when asked for, from the
invoice's frozen data (`documents.issued_invoice_document`: lines and the seller/buyer snapshots of issue time),
and validated (XSD, CEN, BR-DE) before anything is handed out or written.
"""

import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from verbund.billing.documents import issued_invoice_document
from verbund.billing.models import Invoice, InvoiceRun
from verbund.billing.pdf import invoice_pdf
from verbund.billing.selectors import run_invoices

FORMAT_UBL = "xrechnung-ubl"
FORMAT_CII = "xrechnung-cii"
FORMAT_PDF = "pdf"
FORMAT_ZIP = "zip"
FORMATS = (FORMAT_UBL, FORMAT_CII, FORMAT_PDF, FORMAT_ZIP)
CII_SUFFIX = "-cii"  # RE-2026-000001-cii.xml next to RE-2026-000001.xml (UBL)


class ExportError(ValueError):
    pass


@dataclass(frozen=True)
class CiiFailure:
    invoice: Invoice
    rules: tuple[str, ...]  # the fatal rule ids
    messages: tuple[str, ...]  # "rule – message", German where there is a German text


class CiiInvalid(ExportError):
    """The CII of one or more invoices failed validation (or could not be built); nothing was handed out."""

    def __init__(self, failures: Sequence[CiiFailure]):
        self.failures = list(failures)
        listed = "; ".join(f"{f.invoice.number} ({', '.join(f.rules)})" for f in self.failures)
        super().__init__(f"XRechnung CII validation failed, nothing was written: {listed}")

    @property
    def rules(self) -> list[str]:
        return sorted({rule for failure in self.failures for rule in failure.rules})


def invoice_filename(invoice: Invoice, extension: str, suffix: str = "") -> str:
    """RE-2026-000001.xml (RE-2026-000001-cii.xml with suffix "-cii"); a draft: entwurf-<id>.pdf. Safe characters."""
    stem = invoice.number or f"entwurf-{invoice.pk}"
    return re.sub(r"[^A-Za-z0-9._-]", "_", stem + suffix) + f".{extension}"


def cii_filename(invoice: Invoice) -> str:
    return invoice_filename(invoice, "xml", CII_SUFFIX)


def invoice_xml(invoice: Invoice) -> bytes | None:
    """The stored XRechnung of an issued invoice (None for internal settlements and drafts)."""
    if invoice.xml is None:
        return None
    return bytes(invoice.xml)


def cii_documents(invoices: Iterable[Invoice]) -> list[tuple[Invoice, bytes]]:
    """The validated CII of every issued e-invoice among `invoices` (drafts and internal settlements are skipped).

    All documents are built, then validated in one batch; if any fails, `CiiInvalid` names every failing invoice
    with its fatal rule ids and nothing is returned."""
    from verbund.billing.xrechnung import DocumentError, Severity, build_cii, validate_many

    built: list[tuple[Invoice, bytes]] = []
    failures: list[CiiFailure] = []
    for invoice in invoices:
        if invoice.xml is None:
            continue
        doc = issued_invoice_document(invoice)  # totals and VAT breakdown as stored: nothing to re-check
        try:
            built.append((invoice, build_cii(doc)))
        except DocumentError as exc:
            failures.append(CiiFailure(invoice, ("XSD",), (f"XSD – {exc}",)))
    reports = validate_many([xml for _invoice, xml in built], syntax="cii") if built else []
    for (invoice, _xml), report in zip(built, reports, strict=True):
        if not report.valid:
            fatal = report.fatal
            rules = tuple(sorted(report.rules(Severity.FATAL)))
            failures.append(CiiFailure(invoice, rules, tuple(f"{f.rule} – {f.message}" for f in fatal)))
    if failures:
        raise CiiInvalid(failures)
    return built


def invoice_cii(invoice: Invoice) -> bytes | None:
    """The validated CII of an issued e-invoice (None for internal settlements and drafts); `CiiInvalid` if it
    fails validation."""
    documents = cii_documents([invoice])
    return documents[0][1] if documents else None


def _files(invoices: Iterable[Invoice], *, xml: bool, pdf: bool) -> Iterable[tuple[str, bytes]]:
    for invoice in invoices:
        if xml:
            data = invoice_xml(invoice)
            if data is not None:
                yield invoice_filename(invoice, "xml"), data
        if pdf:
            yield invoice_filename(invoice, "pdf"), invoice_pdf(invoice, list(invoice.lines.all()))


def run_zip_name(run: InvoiceRun) -> str:
    """invoice-run-7-instalment-2026-01.zip / rechnungslauf-7-abschlag-2026-01.zip: in the reader's language."""
    period = f"-{run.period:02d}" if run.period else ""
    return f"{slugify(_('invoice run'))}-{run.pk}-{slugify(run.get_kind_display())}-{run.year}{period}.zip"


def run_zip(run: InvoiceRun, progress: Callable[..., None] | None = None) -> bytes:
    """A ZIP with the XML (where there is one) and the PDF of every invoice of the run, one invoice at a time;
    `progress(done, total, message, **params)` is told after each (the background job's progress bar)."""
    invoices = list(run_invoices(run=run))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for done, invoice in enumerate(invoices):
            if progress is not None:
                progress(done, len(invoices), gettext_noop("Writing %(number)s"), number=invoice.number or "")
            for name, data in _files([invoice], xml=True, pdf=True):
                archive.writestr(name, data)
    if progress is not None:
        progress(len(invoices), len(invoices), gettext_noop("Done"))
    return buffer.getvalue()


def export_run(run: InvoiceRun, *, fmt: str, out_dir: Path, progress: Callable[..., None] | None = None) -> list[Path]:
    """Write the run's documents into `out_dir` (created if missing): one file per invoice, or one ZIP;
    `progress(done, total, message, **params)` is told as each file is written (the CLI's progress bar).

    XML exists only for issued e-invoices; internal settlements have a PDF only. Drafts can be exported as
    PDF previews, not as XML. The CII is validated for every invoice before the first file is written; if one
    fails, `CiiInvalid` names the invoices and rule ids and nothing is written."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    invoices = list(run_invoices(run=run))
    if fmt in (FORMAT_UBL, FORMAT_CII) and not any(i.xml is not None for i in invoices):
        raise ExportError("the run has no issued e-invoices (issue it first; internal settlements have no XML)")
    files: Iterable[tuple[str, bytes]]
    report = progress or (lambda done, total, message="", **params: None)
    if fmt == FORMAT_CII:
        report(0, len(invoices), gettext_noop("Building and validating the CII of every e-invoice"))
        files = [(cii_filename(invoice), xml) for invoice, xml in cii_documents(invoices)]
    else:
        files = _files(invoices, xml=fmt == FORMAT_UBL, pdf=fmt == FORMAT_PDF)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    if fmt == FORMAT_ZIP:
        path = out_dir / run_zip_name(run)
        path.write_bytes(run_zip(run, progress))
        return [path]
    total = len(invoices)
    for name, data in files:
        path = out_dir / name
        path.write_bytes(data)
        written.append(path)
        report(min(len(written), total), total, gettext_noop("Writing %(name)s"), name=name)
    report(total, total, gettext_noop("Done"))
    return written
