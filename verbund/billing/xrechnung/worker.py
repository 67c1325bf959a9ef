"""The CEN EN 16931 XSLT under SaxonC (saxonche) in a dedicated, long-lived worker process.

Why a process: SaxonC is a GraalVM native image; sharing one processor across threads crashes the isolate
(factur-x dropped saxonche for that reason), and a crash must not take the web or task process with it. So the
worker runs `python -m verbund.billing.xrechnung.worker STYLESHEET`, compiles the stylesheet once and then
transforms one invoice after another on a single thread, for as long as the parent lives.

Protocol on stdin/stdout, every integer a 4-byte big-endian unsigned length:
- worker → parent, once at start: a frame with JSON {"ready": true, "saxon": "...", "compile_s": 0.7} or
  {"ready": false, "error": "why saxonche could not load"};
- parent → worker: a batch = count N, then N frames (UTF-8 XML documents);
- worker → parent: N frames, one per document as soon as it is done, JSON {"findings": [[id, flag, location,
  text], ...]} (the svrl:failed-assert and svrl:successful-report elements) or {"error": "..."}.
The worker reads a whole batch before it answers, so the parent can write a batch and then do other work without
a pipe deadlock; each answer has its own deadline (the per-invoice timeout). EOF on stdin ends the worker.

`CenWorker` is the parent side: thread-safe (one batch at a time under a lock), started on first use, restarted
when it died or timed out; a batch that broke the worker is retried one invoice at a time, so that only the
invoice that hangs or crashes it gets an error.
"""

import json
import os
import re
import select
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from lxml import etree

from verbund.billing.xrechnung.codes import LOCATION_PREFIXES, NS_SVRL
from verbund.billing.xrechnung.rules_de import Finding, Severity

_LENGTH = struct.Struct(">I")
_SVRL_ID = re.compile(r"^\s*\[[^\]]+\]\s*-\s*")
_NS_STEP = re.compile(r"\*:([\w.-]+)\[namespace-uri\(\)='([^']*)'\]")
PROJECT_ROOT = Path(__file__).resolve().parents[3]


class WorkerError(RuntimeError):
    """The worker died, timed out or broke the protocol."""


class WorkerStartError(WorkerError):
    """The worker process did not come up (it is not worth trying again for every invoice of a batch)."""


# --- framing (both sides) ---------------------------------------------------------------------------------------


def write_frame(stream: IO[bytes], payload: bytes) -> None:
    stream.write(_LENGTH.pack(len(payload)))
    stream.write(payload)


def _read_exact_blocking(stream: IO[bytes], size: int) -> bytes:
    data = stream.read(size) if size else b""
    if len(data) != size:
        raise EOFError
    return data


def _read_exact(fd: int, size: int, deadline: float) -> bytes:
    chunks, missing = [], size
    while missing:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            raise WorkerError("timeout")
        chunk = os.read(fd, missing)
        if not chunk:
            raise WorkerError("the worker closed its output (died)")
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


def _read_frame(fd: int, deadline: float) -> Any:
    (size,) = _LENGTH.unpack(_read_exact(fd, _LENGTH.size, deadline))
    return json.loads(_read_exact(fd, size, deadline))


# --- the worker process -----------------------------------------------------------------------------------------


def svrl_findings(svrl: bytes) -> list[list[str]]:
    """[id, flag, location, text] for each failed assert and successful report in an SVRL document."""
    root = etree.fromstring(svrl)
    rows = []
    for node in root.iter(f"{{{NS_SVRL}}}failed-assert", f"{{{NS_SVRL}}}successful-report"):
        text = " ".join(node.findtext(f"{{{NS_SVRL}}}text", "").split())
        rows.append([node.get("id", ""), node.get("flag", "fatal"), node.get("location", ""), text])
    return rows


def _answer(responses: IO[bytes], answer: dict[str, Any]) -> None:
    write_frame(responses, json.dumps(answer).encode())
    responses.flush()


def serve(stylesheet: str, requests: IO[bytes], responses: IO[bytes]) -> None:
    started = time.perf_counter()
    try:
        from saxonche import PySaxonProcessor

        processor = PySaxonProcessor(license=False)
    except Exception as exc:  # not installed, or its native library does not load: the CEN layer is skipped
        _answer(responses, {"ready": False, "unavailable": f"{type(exc).__name__}: {exc}"})
        return
    try:
        executable = processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=stylesheet)
    except Exception as exc:  # a missing or broken stylesheet is an error, never a reason to skip the rules
        _answer(responses, {"ready": False, "error": f"{type(exc).__name__}: {exc}"})
        return
    _answer(responses, {"ready": True, "saxon": processor.version, "compile_s": time.perf_counter() - started})
    while True:
        try:
            (count,) = _LENGTH.unpack(_read_exact_blocking(requests, _LENGTH.size))
            batch = []
            for _ in range(count):
                (size,) = _LENGTH.unpack(_read_exact_blocking(requests, _LENGTH.size))
                batch.append(_read_exact_blocking(requests, size))
        except EOFError:
            return
        for document in batch:
            try:
                node = processor.parse_xml(xml_text=document.decode("utf-8"))
                svrl = executable.transform_to_string(xdm_node=node)
                if svrl is None:
                    raise WorkerError(executable.error_message or "the transformation gave no result")
                answer: dict[str, Any] = {"findings": svrl_findings(svrl.encode("utf-8"))}
            except Exception as exc:  # a document Saxon cannot read: report it, keep serving
                answer = {"error": f"{type(exc).__name__}: {exc}"}
            _answer(responses, answer)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        sys.stderr.write("usage: python -m verbund.billing.xrechnung.worker STYLESHEET\n")
        return 2
    # The protocol owns the original stdout; anything else printing to fd 1 (Saxon's native code too) goes to
    # stderr instead of corrupting the frames.
    responses = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    serve(args[0], sys.stdin.buffer, responses)
    return 0


# --- the parent side --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CenOutcome:
    findings: tuple[Finding, ...] = ()
    error: str = ""  # the CEN rules could not run on this document (worker crash, timeout, unreadable XML)
    skipped: str = ""  # the CEN rules cannot run at all here (saxonche does not load)


def simplify_location(location: str) -> str:
    """/*:Invoice[namespace-uri()='urn:…Invoice-2'][1]/*:TaxTotal[namespace-uri()='urn:…'][1] → /ubl:Invoice[1]/…"""

    def step(match: re.Match[str]) -> str:
        prefix = LOCATION_PREFIXES.get(match[2])
        return f"{prefix}:{match[1]}" if prefix else match[0]

    return _NS_STEP.sub(step, location)


_SEVERITIES = {"fatal": Severity.FATAL, "error": Severity.FATAL, "warning": Severity.WARNING}


def cen_finding(rule: str, flag: str, location: str, text: str) -> Finding:
    severity = _SEVERITIES.get(flag, Severity.INFORMATION)
    return Finding(rule or "CEN", severity, simplify_location(location), "", _SVRL_ID.sub("", text), "cen")


_FAILURES = (WorkerError, json.JSONDecodeError, struct.error)


class CenWorker:
    """Parent-side handle of one worker process (see the module docstring)."""

    def __init__(
        self,
        stylesheet: Path,
        *,
        timeout: float = 30.0,
        startup_timeout: float = 120.0,
        extra_path: str = "",
    ) -> None:
        self.stylesheet = stylesheet
        self.extra_path = extra_path  # put in front of the worker's PYTHONPATH (tests simulate a missing saxonche)
        self.timeout = timeout  # per invoice
        self.startup_timeout = startup_timeout  # process start and stylesheet compilation
        self.unavailable = ""  # set when saxonche cannot load; then the CEN rules are skipped for good
        self.info: dict[str, Any] = {}
        self.starts = 0
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self._owner = os.getpid()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def _start(self) -> subprocess.Popen[bytes]:
        env = dict(os.environ)
        paths = [self.extra_path, str(PROJECT_ROOT), env.get("PYTHONPATH", "")]
        env["PYTHONPATH"] = os.pathsep.join(path for path in paths if path)
        if self._stderr is not None:
            self._stderr.close()
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115  (open for the worker's lifetime)
        process = subprocess.Popen(
            [sys.executable, "-m", "verbund.billing.xrechnung.worker", str(self.stylesheet)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=env,
        )
        self._process = process
        self.starts += 1
        assert process.stdout is not None
        try:
            ready = _read_frame(process.stdout.fileno(), time.monotonic() + self.startup_timeout)
        except WorkerError as exc:
            raise WorkerStartError(f"the worker did not start: {exc}{self._stderr_tail()}") from exc
        if not ready.get("ready"):
            self._kill()
            if ready.get("unavailable"):
                self.unavailable = f"saxonche does not load, the CEN rules cannot run: {ready['unavailable']}"
                raise WorkerStartError(self.unavailable)
            raise WorkerStartError(f"the CEN XSLT does not compile: {ready.get('error')}")
        self.info = ready
        return process

    def _stderr_tail(self) -> str:
        if self._stderr is None:
            return ""
        self._stderr.seek(0, os.SEEK_END)
        self._stderr.seek(max(0, self._stderr.tell() - 2000))
        tail = self._stderr.read().decode("utf-8", "replace").strip()
        return f" (worker stderr: {tail})" if tail else ""

    def _kill(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            process.kill()
            process.wait()
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    stream.close()

    def _exchange(self, pending: Sequence[bytes], results: list[CenOutcome], while_waiting: Callable[[], None]) -> None:
        """Send `pending`, run `while_waiting`, then append one answer per document to `results`."""
        if os.getpid() != self._owner:  # forked: the process belongs to the parent, start our own
            self._process, self._owner = None, os.getpid()
        process = self._process if self._process is not None and self._process.poll() is None else None
        if process is None:
            self._kill()
            process = self._start()
        assert process.stdin is not None and process.stdout is not None
        message = [_LENGTH.pack(len(pending))]
        for document in pending:
            message += [_LENGTH.pack(len(document)), document]
        try:
            process.stdin.write(b"".join(message))
            process.stdin.flush()
        except OSError as exc:
            raise WorkerError(f"the worker does not accept input: {exc}") from exc
        finally:
            try:
                while_waiting()
            except BaseException:
                self._kill()  # the answers to this batch will not be read: never leave them for the next batch
                raise
        fd = process.stdout.fileno()
        for _ in pending:
            answer = _read_frame(fd, time.monotonic() + self.timeout)
            try:
                outcome = (
                    CenOutcome(error=str(answer["error"]))
                    if "error" in answer
                    else CenOutcome(findings=tuple(cen_finding(*row) for row in answer["findings"]))
                )
            except (KeyError, TypeError) as exc:
                raise WorkerError(f"malformed answer from the worker: {answer!r:.200}") from exc
            results.append(outcome)

    def run(self, documents: Sequence[bytes], while_waiting: Callable[[], None] | None = None) -> list[CenOutcome]:
        """CEN findings for each document, in order. `while_waiting` runs (once) while the worker transforms.

        The batch goes to the worker in one message. If the worker dies or an answer times out, the worker is
        killed and the documents not answered yet are sent again one by one to a fresh worker; a document that
        fails on its own gets `CenOutcome.error` and the others go on.
        """
        callbacks = [while_waiting] if while_waiting is not None else []

        def once() -> None:
            while callbacks:
                callbacks.pop()()

        results: list[CenOutcome] = []
        with self._lock:
            try:
                if not self.unavailable:
                    self._exchange(documents, results, once)
            except _FAILURES:
                self._kill()
            while len(results) < len(documents):
                once()
                if self.unavailable:
                    results += [CenOutcome(skipped=self.unavailable)] * (len(documents) - len(results))
                    break
                try:
                    self._exchange(documents[len(results) : len(results) + 1], results, once)
                except _FAILURES as exc:
                    error = CenOutcome(error=f"the CEN worker failed: {exc}{self._stderr_tail()}")
                    self._kill()
                    if self.unavailable:
                        continue
                    missing = len(documents) - len(results) if isinstance(exc, WorkerStartError) else 1
                    results += [error] * missing
            once()
        return results

    def close(self) -> None:
        """End the worker: EOF on its input, then a kill if it does not leave within five seconds."""
        with self._lock:
            process, self._process = self._process, None
            if process is None or os.getpid() != self._owner:
                return
            try:
                if process.stdin is not None:
                    process.stdin.close()
                process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()
            if self._stderr is not None:
                self._stderr.close()
                self._stderr = None


if __name__ == "__main__":
    sys.exit(main())
