"""National billing run through the database, as users run it: `python -m bench.billing_db [--small] [--profile]`.

On a fresh database (on the PostgreSQL server of DATABASE_URL, normally the throw-away one of `make bench`) it
builds the national data (`bench/dataset.py`: GV100AD, ~275,000 subscriptions, seller profile, Leitweg-IDs, an
approved plan of 2025), then in a new process runs the final settlement 2025 exactly as the CLI
(`verbund billing-run --kind final --year 2025 --issue`) and the web do: `billing_run_prepare`, then
`billing_run_issue` (which numbers, builds and validates every XRechnung, and writes). Measured per stage:
wall time, SQL queries (counted with `connection.execute_wrapper`), and the peak RSS of the process
(`resource.getrusage(RUSAGE_SELF).ru_maxrss`; the Saxon CEN validation workers are processes of their own and
not included). "write" is the part of issuing spent numbering and writing the chunks (invoice rows, audit
events); "validate" is the rest: loading the chunks and waiting for their XML and validation (XSD, CEN, BR-DE),
which run in a second thread beside the writes. JSON on stdout; `make bench` records it under
`billing_db_national` in bench/results/latest.json.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.common import (
    ROOT,
    BenchmarkError,
    figure,
    is_postgres_url,
    log,
    peak_rss,
    production_environment,
    scratch_database,
)

PREFIX = "billing_db"
DATABASE_NAME = "verbund_bench_billing"
GOAL_SECONDS = 300
GOAL_MIB = 2048


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def profiled(enabled: bool, sink: dict[str, str], key: str) -> Iterator[None]:
    if not enabled:
        yield
        return
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
        out = io.StringIO()
        order = os.environ.get("BENCH_PROFILE_SORT", "cumulative")  # or "tottime": by own time
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(40)
        sink[key] = out.getvalue()


def worker(profile: bool) -> dict[str, Any]:
    from bench.dataset import BILLING_DATE, PLAN_YEAR, setup_django

    setup_django()
    from django.db import connection

    from verbund.billing.choices import InvoiceStatus, RunKind, RunStatus
    from verbund.billing.models import Invoice, InvoiceLine, SellerProfile
    from verbund.billing.prepare_worker import prepare_workers
    from verbund.billing.services import billing_run_issue, billing_run_prepare, issue
    from verbund.billing.xrechnung import shutdown_worker
    from verbund.billing.xrechnung.validation import cen_pool_size

    provider = SellerProfile.objects.select_related("provider").get().provider
    profiles: dict[str, str] = {}
    counter = QueryCounter()
    result: dict[str, Any] = {"rss_before": peak_rss()}

    log(PREFIX, f"prepare: final settlement {PLAN_YEAR}")
    with connection.execute_wrapper(counter), profiled(profile, profiles, "prepare"):
        prepare_children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu0 = time.process_time()
        t0 = time.perf_counter()
        run = billing_run_prepare(
            actor=None, provider=provider, kind=RunKind.FINAL, year=PLAN_YEAR, period=None, billing_date=BILLING_DATE
        )
        prepare_s = time.perf_counter() - t0
        prepare_cpu = time.process_time() - cpu0
        prepare_children1 = resource.getrusage(resource.RUSAGE_CHILDREN)  # the prepare workers have ended
        prepare_workers_cpu = (prepare_children1.ru_utime + prepare_children1.ru_stime) - (
            prepare_children0.ru_utime + prepare_children0.ru_stime
        )
    prepare_queries = counter.count
    blocking = run.blocking_problems
    if blocking:
        raise BenchmarkError(f"the prepared run has blocking problems, e.g. {blocking[0]}")
    invoices = Invoice.objects.filter(run=run).count()
    lines = InvoiceLine.objects.filter(invoice__run=run).count()
    result["prepare"] = {
        "time": figure(prepare_s, "s"),
        "queries": figure(prepare_queries, "queries"),
        "workers": prepare_workers(),
        "queries_not_counted": "the COPY of the invoice lines (it bypasses Django's cursor wrapper)",
        "peak_rss": peak_rss(),
    }
    log(PREFIX, f"prepare: {invoices} drafts, {lines} lines in {prepare_s:.1f} s, {prepare_queries} queries")

    # Split issuing into writing (the numbers, the bulk writes of each chunk) and the rest, which is loading,
    # building and validating: the chunks validate in a second thread while this one writes, so the rest is the
    # time this thread spent on the e-invoices beyond what hid behind the writes (behaviour unchanged).
    write: dict[str, float] = {"time": 0.0, "queries": 0}
    validate: dict[str, float] = {"cpu_thread": 0.0}

    def timed(function: Callable[..., Any], sink: dict[str, float], key: str = "time") -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            before = counter.count
            t0 = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                sink[key] += time.perf_counter() - t0
                if "queries" in sink:
                    sink["queries"] += counter.count - before

        return wrapper

    originals = {name: getattr(issue, name) for name in ("issue_many", "_numbers", "build_and_validate")}
    issue.issue_many = timed(originals["issue_many"], write)
    issue._numbers = timed(originals["_numbers"], write)
    issue.build_and_validate = timed(originals["build_and_validate"], validate, "cpu_thread")
    counter.count = 0
    shutdown_worker()  # the validation workers start inside the timed stage, as in a fresh CLI process
    log(PREFIX, f"issue: number, build and validate {invoices} e-invoices, write")
    try:
        with connection.execute_wrapper(counter), profiled(profile, profiles, "issue"):
            children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu1 = time.process_time()
            t0 = time.perf_counter()
            run = billing_run_issue(actor=None, run=run)
            issue_s = time.perf_counter() - t0
            issue_cpu = time.process_time() - cpu1
    finally:
        for name, function in originals.items():
            setattr(issue, name, function)
    shutdown_worker()  # the CEN workers exit: their CPU time is now in RUSAGE_CHILDREN
    children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cen_cpu = (children1.ru_utime + children1.ru_stime) - (children0.ru_utime + children0.ru_stime)
    issue_queries = counter.count
    issued = Invoice.objects.filter(run=run, status=InvoiceStatus.ISSUED)
    if run.status != RunStatus.ISSUED or issued.count() != invoices:
        raise BenchmarkError(f"run {run.pk}: status {run.status}, {issued.count()} of {invoices} invoices issued")
    with_xml = issued.filter(internal=False).exclude(xml=None).count()
    validate_s = issue_s - write["time"]
    result["validate"] = {
        "what": f"inside issuing, all but the writes: loading each chunk, XML + XSD + CEN ({cen_pool_size()} Saxon "
        "worker(s)) + BR-DE of every e-invoice (in a second thread, beside the writes)",
        "time": figure(validate_s, "s"),
        "queries": figure(issue_queries - write["queries"], "queries"),
        "in_validation_thread": figure(validate["cpu_thread"], "s"),
        "invoices_per_second": figure(with_xml / validate_s, "invoices/s", 1) if validate_s else None,
    }
    result["write"] = {
        "what": "the numbers (one block per series) and the bulk writes of every chunk: invoice rows, audit events",
        "time": figure(write["time"], "s"),
        "queries": figure(write["queries"], "queries"),
    }
    result["issue"] = {"time": figure(issue_s, "s"), "queries": figure(issue_queries, "queries")}
    total_s = prepare_s + issue_s
    result["total"] = {
        "time": figure(total_s, "s"),
        "queries": figure(prepare_queries + issue_queries, "queries"),
        "goal": figure(GOAL_SECONDS, "s"),
        "within_goal": total_s < GOAL_SECONDS,
    }
    members = Invoice.objects.filter(run=run).values("member_id").distinct().count()
    result["size"] = {
        "members": figure(members, "members"),
        "invoices": figure(invoices, "invoices"),
        "e_invoices": figure(with_xml, "invoices"),
        "lines": figure(lines, "lines"),
        "lines_per_invoice": figure(lines / invoices if invoices else 0.0, "lines", 1),
    }
    result["cpu"] = {
        "what": "CPU seconds (user + system), less dependent on a busy machine than wall time: the billing "
        "process (all its threads) per stage, the processes drafting the slices while preparing (ADR 0028) and the "
        "Saxon CEN worker processes while issuing",
        "prepare": figure(prepare_cpu, "s"),
        "prepare_workers": figure(prepare_workers_cpu, "s"),
        "issue_billing_process": figure(issue_cpu, "s"),
        "issue_cen_workers": figure(cen_cpu, "s"),
        "total": figure(prepare_cpu + prepare_workers_cpu + issue_cpu + cen_cpu, "s"),
    }
    rss = peak_rss()
    result["peak_rss"] = {
        "process": rss,
        "measured_with": "resource.getrusage(RUSAGE_SELF).ru_maxrss of the billing process",
        "not_included": "the Saxon CEN workers (separate processes; RUSAGE_CHILDREN would report the billing "
        "process's own size, which a child has for a moment between fork and exec)",
        "goal": figure(GOAL_MIB, "MiB"),
        "within_goal": rss["value"] < GOAL_MIB,
    }
    if profiles:
        result["profile_top_cumulative"] = {k: v.splitlines()[:60] for k, v in profiles.items()}
    log(PREFIX, f"issued: {issue_s:.1f} s ({write['time']:.1f} s writing), {issue_queries} queries")
    return result


def run_in(
    database_url: str, *, small: bool, profile: bool, keep_for_load: Path | None, land: str | None = None
) -> dict[str, Any]:
    """Build the data in `database_url`, then run the timed worker process. With `keep_for_load`, the data of
    the load benchmark is built too and its description written there."""
    env = production_environment(database_url)
    result: dict[str, Any] = {"status": "ok", "small": small, **({"land": land} if land else {})}
    with tempfile.TemporaryDirectory(prefix="verbund-bench-") as tmp:
        described = keep_for_load or Path(tmp) / "dataset.json"
        command = [sys.executable, "-m", "bench.dataset", "--out", str(described)]
        command += ["--small"] * small + ["--for-load"] * (keep_for_load is not None) + ["--land", land] * bool(land)
        subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=sys.stderr)
        dataset = json.loads(described.read_text(encoding="utf-8"))
        result["setup_time"] = dataset["setup_time"]
        if keep_for_load:
            dataset["database_name"] = DATABASE_NAME
            described.write_text(json.dumps(dataset, indent=2, ensure_ascii=False), encoding="utf-8")
        out = Path(tmp) / "billing.json"
        command = [sys.executable, "-m", "bench.billing_db", "--worker", "--out", str(out)] + ["--profile"] * profile
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=sys.stderr)
        result["worker_wall_time"] = figure(time.perf_counter() - started, "s")
        result.update(json.loads(out.read_text(encoding="utf-8")))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.billing_db", description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="200 municipalities instead of 10,981")
    parser.add_argument("--land", help="only the municipalities of one Land (two-digit key, e.g. 01: 1,106)")
    parser.add_argument("--profile", action="store_true", help="cProfile each stage (slower; top costs in the JSON)")
    parser.add_argument(
        "--dataset-file", type=Path, help="build the load data too, keep the database, describe it in this file"
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        try:
            figures = worker(args.profile)
        except BenchmarkError as exc:
            print(f"[{PREFIX}] BENCHMARK FAILED: {exc}", file=sys.stderr, flush=True)
            return 1
        args.out.write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
        return 0
    server = os.environ.get("DATABASE_URL", "").strip()
    if not is_postgres_url(server):
        print(json.dumps({"status": "skipped", "reason": "needs DATABASE_URL of a PostgreSQL server"}))
        return 0
    try:
        with scratch_database(server, DATABASE_NAME, keep=args.dataset_file is not None) as url:
            result = run_in(
                url, small=args.small, profile=args.profile, keep_for_load=args.dataset_file, land=args.land
            )
    except subprocess.CalledProcessError as exc:
        print(json.dumps({"status": "failed", "error": f"{exc.cmd[2]} exited with {exc.returncode}"}))
        return 1
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
