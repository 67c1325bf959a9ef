"""Exports of a run: one XRechnung XML and/or PDF per invoice, as files in a folder or as one ZIP."""

import io
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

from verbund.billing.models import Invoice, InvoiceRun
from verbund.billing.pdf import invoice_pdf
from verbund.billing.selectors import run_invoices

FORMAT_UBL = "xrechnung-ubl"
FORMAT_PDF = "pdf"
FORMAT_ZIP = "zip"
FORMATS = (FORMAT_UBL, FORMAT_PDF, FORMAT_ZIP)


class ExportError(ValueError):
    pass


def invoice_filename(invoice: Invoice, extension: str) -> str:
    """RE-2026-000001.xml; a draft: entwurf-<id>.pdf. Only safe characters."""
    stem = invoice.number or f"entwurf-{invoice.pk}"
    return re.sub(r"[^A-Za-z0-9._-]", "_", stem) + f".{extension}"


def invoice_xml(invoice: Invoice) -> bytes | None:
    """The stored XRechnung of an issued invoice (None for internal settlements and drafts)."""
    if invoice.xml is None:
        return None
    return bytes(invoice.xml)


def _files(invoices: Iterable[Invoice], *, xml: bool, pdf: bool) -> Iterable[tuple[str, bytes]]:
    for invoice in invoices:
        if xml:
            data = invoice_xml(invoice)
            if data is not None:
                yield invoice_filename(invoice, "xml"), data
        if pdf:
            yield invoice_filename(invoice, "pdf"), invoice_pdf(invoice, list(invoice.lines.all()))


def run_zip(run: InvoiceRun) -> bytes:
    """A ZIP with the XML (where there is one) and the PDF of every invoice of the run."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in _files(run_invoices(run=run), xml=True, pdf=True):
            archive.writestr(name, data)
    return buffer.getvalue()


def export_run(run: InvoiceRun, *, fmt: str, out_dir: Path) -> list[Path]:
    """Write the run's documents into `out_dir` (created if missing): one file per invoice, or one ZIP.

    XML exists only for issued e-invoices; internal settlements have a PDF only. Drafts can be exported as
    PDF previews, not as XML."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    invoices = list(run_invoices(run=run))
    if fmt == FORMAT_UBL and not any(i.xml is not None for i in invoices):
        raise ExportError("the run has no issued e-invoices (issue it first; internal settlements have no XML)")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    if fmt == FORMAT_ZIP:
        path = out_dir / f"rechnungslauf-{run.pk}-{run.kind}-{run.year}{f'-{run.period:02d}' if run.period else ''}.zip"
        path.write_bytes(run_zip(run))
        return [path]
    for name, data in _files(invoices, xml=fmt == FORMAT_UBL, pdf=fmt == FORMAT_PDF):
        path = out_dir / name
        path.write_bytes(data)
        written.append(path)
    return written
