"""XRechnung 3.0 (UBL 2.1 and UN/CEFACT CII): build and validate e-invoices for public buyers. No Django.

Public API (the names below are imported on first use, so that `document` stays cheap to import):

- `document.InvoiceDocument` and friends: the invoice as data;
- `codes.vat_breakdown(lines, exemption_reasons)` and `codes.totals(lines, breakdown, prepaid)`: BG-23 / BG-22;
- `ubl.build_ubl(doc) -> bytes`: the XML (UBL, the document of record of an issued invoice);
- `cii.build_cii(doc) -> bytes`: the same document in CII syntax (built with drafthorse);
- `validation.validate_ubl(xml)`, `validation.validate_cii(xml) -> ValidationReport`,
  `validation.validate_many(xmls, syntax=None)` (either syntax, from the root element): XSD + CEN + BR-DE;
- `validation.shutdown_worker()`: ends the CEN worker processes (also registered with atexit).
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from verbund.billing.xrechnung.cii import build_cii
    from verbund.billing.xrechnung.codes import DocumentError, is_valid_iban, totals, vat_breakdown
    from verbund.billing.xrechnung.rules_de import Finding, Severity
    from verbund.billing.xrechnung.ubl import build_ubl
    from verbund.billing.xrechnung.validation import (
        ValidationReport,
        shutdown_worker,
        validate_cii,
        validate_many,
        validate_ubl,
    )

_EXPORTS = {
    "build_ubl": "ubl",
    "build_cii": "cii",
    "DocumentError": "codes",
    "vat_breakdown": "codes",
    "totals": "codes",
    "is_valid_iban": "codes",
    "Finding": "rules_de",
    "Severity": "rules_de",
    "ValidationReport": "validation",
    "validate_ubl": "validation",
    "validate_cii": "validation",
    "validate_many": "validation",
    "shutdown_worker": "validation",
}

__all__ = [
    "DocumentError",
    "Finding",
    "Severity",
    "ValidationReport",
    "build_cii",
    "build_ubl",
    "is_valid_iban",
    "shutdown_worker",
    "totals",
    "validate_cii",
    "validate_many",
    "validate_ubl",
    "vat_breakdown",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
