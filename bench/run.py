"""Benchmark: the national GV100AD import, the organisation list (API and HTML page) and national-scale ordering.

`python -m bench.run` (normally through `make bench`) runs every backend in a subprocess of itself:

- `postgresql`: the database in DATABASE_URL (a throw-away PostgreSQL 15 under `make bench`), else skipped;
- `sqlite`: a fresh file `var/bench.sqlite3`, deleted first.

Each worker migrates its empty database, imports the GV100AD file twice (the second import must change
nothing), then times `GET /api/v1/organizations` and `/organisationen/?page=N` through `django.test.Client`.
Finally `bench/orders.py` gives every municipality ~25 subscriptions (bulk insert, timed) and times the contract
folder (page and API).
The results go to `bench/results/latest.json` and a short table on stdout; `bench/README.md` explains them.
"""

import argparse
import datetime as dt
import json
import math
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from bench import billing_db
from bench.common import (
    GV100AD_PATH,
    RESULTS_DIR,
    ROOT,
    BenchmarkError,
    describe_url,
    drop_database,
    figure,
    is_postgres_url,
    latency_summary,
    peak_rss,
    timed_requests,
)
from bench.report import print_table

LATEST = RESULTS_DIR / "latest.json"
SQLITE_PATH = ROOT / "var" / "bench.sqlite3"
SETTINGS = "verbund.config.settings.test"

API_URL = "/api/v1/organizations"
API_LIMIT = 100
API_MIX = {"all": 160, "kind_land": 60, "ags_prefix": 60, "q": 60, "deep_offset": 60}  # 400 requests per user
HTML_URL = "/organisationen/"
HTML_REQUESTS = 100
HTML_PAGE_SIZE = 50  # verbund.registry.views.PAGE_SIZE
WARMUP_PER_KIND = 3
SEED = 20231130


# ---------------------------------------------------------------- worker (one backend, one process)


def api_request_mix(total: int, kind_land: int, ags_prefix: int, q: int) -> list[tuple[str, str]]:
    """The API requests as (kind, url), shuffled with a fixed seed so that the kinds interleave.

    The totals are the admin's counts (everything), so a member contact walks the same URLs: its scoped
    queries answer the same questions, mostly with empty pages.
    """

    def url(offset: int, **params: str) -> str:
        return f"{API_URL}?{urlencode({**params, 'limit': API_LIMIT, 'offset': offset})}"

    def offsets(count: int, n: int) -> list[int]:
        pages = max(1, math.ceil(count / API_LIMIT))
        # spread evenly from the first to the last page
        return [(i * pages // n) * API_LIMIT for i in range(n)]

    mix: list[tuple[str, str]] = []
    mix += [("all", url(o)) for o in offsets(total, API_MIX["all"])]
    mix += [("kind_land", url(o, kind="municipality", land="05")) for o in offsets(kind_land, API_MIX["kind_land"])]
    mix += [("ags_prefix", url(o, ags_prefix="05515")) for o in offsets(ags_prefix, API_MIX["ags_prefix"])]
    mix += [("q", url(o, q="berg")) for o in offsets(q, API_MIX["q"])]
    deep = max(0, total - API_LIMIT)
    mix += [("deep_offset", url(deep))] * API_MIX["deep_offset"]
    random.Random(SEED).shuffle(mix)
    return mix


def bench_api(client: Any, mix: list[tuple[str, str]], expected_all_count: int | None) -> dict[str, Any]:
    counts: dict[str, set[int]] = {}
    kind_of = {url: kind for kind, url in mix}

    def check(url: str, response: Any) -> None:
        if response.status_code != 200:
            raise BenchmarkError(f"GET {url} answered {response.status_code}")
        body = response.json()
        kind = kind_of[url]
        counts.setdefault(kind, set()).add(body["count"])
        if kind == "all" and expected_all_count is not None and body["count"] != expected_all_count:
            raise BenchmarkError(f"GET {url}: count {body['count']}, expected {expected_all_count}")
        if len(body["items"]) > API_LIMIT:
            raise BenchmarkError(f"GET {url}: {len(body['items'])} items for limit {API_LIMIT}")

    warmup = []
    for kind in API_MIX:
        warmup += [url for k, url in mix if k == kind][:WARMUP_PER_KIND]
    timed_requests(client, warmup, check)

    urls = [url for _kind, url in mix]
    latencies, wall = timed_requests(client, urls, check)
    result = latency_summary(latencies, wall)
    by_kind: dict[str, Any] = {}
    for kind in API_MIX:
        own = [lat for (k, _url), lat in zip(mix, latencies, strict=True) if k == kind]
        summary = latency_summary(own, sum(own))
        del summary["throughput"], summary["wall_time"]
        summary["matching_rows"] = figure(max(counts.get(kind, {0})), "rows")
        by_kind[kind] = summary
    result["by_query"] = by_kind
    result["warmup_requests"] = figure(len(warmup), "requests")
    return result


def bench_html(client: Any, total: int) -> dict[str, Any]:
    last_page = max(1, math.ceil(total / HTML_PAGE_SIZE))
    pages = [1 + i * (last_page - 1) // (HTML_REQUESTS - 1) for i in range(HTML_REQUESTS)]
    urls = [f"{HTML_URL}?page={page}" for page in pages]

    def check(url: str, response: Any) -> None:
        if response.status_code != 200:
            raise BenchmarkError(f"GET {url} answered {response.status_code}")

    warmup = urls[:WARMUP_PER_KIND] + urls[-WARMUP_PER_KIND:]
    timed_requests(client, warmup, check)
    latencies, wall = timed_requests(client, urls, check)
    result = latency_summary(latencies, wall)
    result["pages"] = {"first": 1, "last": last_page, "page_size": HTML_PAGE_SIZE, "unit": "page numbers"}
    result["warmup_requests"] = figure(len(warmup), "requests")
    return result


def worker(backend: str, result_path: Path) -> int:
    from bench.dataset import database_info, import_registry, setup_django

    setup_django()

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from verbund.accounts.roles import Role
    from verbund.accounts.services import user_create
    from verbund.core.models import AuditEvent
    from verbund.registry.choices import OrganizationKind
    from verbund.registry.models import Organization
    from verbund.registry.services import gemeindeverzeichnis_import

    def log(message: str) -> None:
        print(f"[{backend}] {message}", flush=True)

    result: dict[str, Any] = {"status": "ok", "database": database_info()}
    log(f"{result['database']['vendor']} {result['database']['version']}: migrate")
    t0 = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    result["migrate_time"] = figure(time.perf_counter() - t0, "s")
    if Organization.objects.exists():
        raise BenchmarkError("the database already holds organisations; the benchmark needs an empty one")

    # (1) the first, full import (with the correctness checks)
    records, result["import_first"] = import_registry(backend)

    # (2) the second import of the same records: nothing may change
    audit_before = AuditEvent.objects.count()
    t0 = time.perf_counter()
    second = gemeindeverzeichnis_import(actor=None, records=records, source_name=GV100AD_PATH.name)
    second_s = time.perf_counter() - t0
    second_audit = AuditEvent.objects.count() - audit_before
    if second.created or second.updated or second_audit:
        raise BenchmarkError(
            f"the second import was not idempotent: {second.created} created, {second.updated} updated, "
            f"{second_audit} audit events"
        )
    result["import_second"] = {
        "import_time": figure(second_s, "s"),
        "created": figure(second.created, "rows"),
        "updated": figure(second.updated, "rows"),
        "unchanged": figure(second.unchanged, "rows"),
        "audit_events_written": figure(second_audit, "rows"),
    }
    log(f"second import: {second_s:.2f} s, {second.created} created, {second.updated} updated")

    if connection.vendor == "postgresql":
        # Autovacuum would do this shortly after a bulk load in any real deployment; doing it now keeps the
        # read figures from depending on whether it has run yet.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        result["analyze_before_reads"] = True
    else:
        result["analyze_before_reads"] = False

    # (3) the organisation list API, (4) the HTML list page
    total = Organization.objects.count()
    admin = user_create(actor=None, username="bench-admin", password=None, role=Role.PROVIDER_ADMIN)
    member_org = Organization.objects.get(kind=OrganizationKind.MUNICIPALITY, ags="05515000")
    member = user_create(
        actor=None, username="bench-member", password=None, role=Role.MEMBER_CONTACT, organization=member_org
    )
    probe = Client()
    probe.force_login(admin)

    def count_of(**params: str) -> int:
        response = probe.get(f"{API_URL}?{urlencode({**params, 'limit': 1})}")
        if response.status_code != 200:
            raise BenchmarkError(f"count probe {params} answered {response.status_code}")
        return int(response.json()["count"])

    if count_of() != total:
        raise BenchmarkError("the API does not show a provider admin every organisation")
    mix = api_request_mix(
        total, count_of(kind="municipality", land="05"), count_of(ags_prefix="05515"), count_of(q="berg")
    )
    api: dict[str, Any] = {"organizations_total": figure(total, "rows"), "limit": figure(API_LIMIT, "rows")}
    for label, user, expected in (("provider_admin", admin, total), ("member_contact", member, None)):
        log(f"API {API_URL} as {label}: {len(mix)} requests")
        client = Client()
        client.force_login(user)
        api[label] = bench_api(client, mix, expected)
    api["member_contact"]["organization"] = f"{member_org.ags} {member_org.name}"
    result["api_organizations"] = api

    log(f"HTML {HTML_URL}?page=N as provider_admin: {HTML_REQUESTS} requests")
    client = Client()
    client.force_login(admin)
    result["html_organization_list"] = bench_html(client, total)

    # Measured here, before the ordering step, so that it stays comparable with runs without that step.
    result["peak_rss"] = peak_rss()

    # (5) national-scale ordering: catalogue, ~275,000 subscriptions, the contract folder (bench/orders.py)
    from bench import orders

    result["orders"] = orders.run(backend=backend, admin=admin, member=member)
    result["orders"]["peak_rss"] = peak_rss()

    result_path.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    log("done")
    return 0


# ---------------------------------------------------------------- parent (orchestration, report)


def git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip() or "unknown"


def git_dirty() -> bool | None:
    try:
        out = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return bool(out.stdout.strip())


def run_worker(backend: str, database_url: str) -> dict[str, Any]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS, "DATABASE_URL": database_url}
    with tempfile.TemporaryDirectory(prefix="verbund-bench-") as tmp:
        result_path = Path(tmp) / "result.json"
        command = [
            sys.executable,
            "-m",
            "bench.run",
            "--backend-worker",
            backend,
            "--result",
            str(result_path),
        ]
        started = time.perf_counter()
        completed = subprocess.run(command, cwd=ROOT, env=env, check=False)
        elapsed = time.perf_counter() - started
        if completed.returncode != 0 or not result_path.exists():
            error = f"worker exited with status {completed.returncode}"
            if result_path.exists():
                error = json.loads(result_path.read_text(encoding="utf-8")).get("error", error)
            return {"status": "failed", "error": error}
        result: dict[str, Any] = json.loads(result_path.read_text(encoding="utf-8"))
    result["worker_wall_time"] = figure(elapsed, "s")
    return result


def run_costing_engine() -> dict[str, Any]:
    """bench/costing.py in its own process (its peak memory is its own); its JSON goes into latest.json."""
    return run_module("bench.costing")


def run_module(module: str, *args: str, progress: bool = False) -> dict[str, Any]:
    """A benchmark module in its own process; its JSON output (stdout) goes into latest.json. With `progress`
    its log (stderr) is shown as it runs, else only when it fails."""
    completed = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=None if progress else subprocess.PIPE,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        if completed.stderr:
            print(completed.stderr, file=sys.stderr)
        tail = (completed.stderr or completed.stdout or "").strip().splitlines()[-1:]
        return {"status": "failed", "error": tail or ["no output"]}
    figures: dict[str, Any] = json.loads(completed.stdout)
    figures.setdefault("status", "ok")
    return figures


def run_database_benchmarks(database_url: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """`bench.billing_db` builds the national data in a database of its own and times the billing run; it keeps
    the database, and `bench.load` then serves it with gunicorn under locust. The database is dropped after."""
    if not is_postgres_url(database_url):
        skipped = {"status": "skipped", "reason": "needs PostgreSQL (run `make bench`)"}
        return skipped, skipped
    with tempfile.TemporaryDirectory(prefix="verbund-bench-") as tmp:
        described = Path(tmp) / "dataset.json"
        print("Billing through the database: national final settlement, prepare → validate → issue")
        billing = run_module("bench.billing_db", "--dataset-file", str(described), progress=True)
        if billing["status"] != "ok" or not described.exists():
            load = {"status": "failed", "error": "the data set of the billing run is missing"}
        else:
            print("Load: gunicorn + locust, 50 users, on the national data")
            load = run_module("bench.load", "--dataset-file", str(described), progress=True)
        drop_database(database_url, billing_db.DATABASE_NAME)
    return billing, load


def record(key: str, path: Path) -> int:
    """Put the JSON of a module run on its own (`python -m bench.load > file`) into latest.json under `key`,
    leaving the other figures as they are; the entry gets its own timestamp and commit."""
    text = path.read_text(encoding="utf-8")
    merge(key, json.loads(text[text.index("{") :]))  # with-postgres.sh prints a line first
    print(f"Recorded {path} as {key!r} in {LATEST.relative_to(ROOT)}")
    return 0


def merge(key: str, figures: dict[str, Any]) -> None:
    figures["recorded"] = {
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git_commit": git_commit(),
        "git_dirty": git_dirty(),
        "cpu_count": os.cpu_count(),
    }
    document = json.loads(LATEST.read_text(encoding="utf-8"))
    document[key] = figures
    LATEST.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def database_only() -> int:
    """Only the database billing run and the load benchmark; their figures replace those in latest.json."""
    billing, load = run_database_benchmarks(os.environ.get("DATABASE_URL", "").strip())
    merge("billing_db_national", billing)
    merge("load", load)
    print(f"Written: {LATEST.relative_to(ROOT)} (billing_db_national, load)")
    return 0 if billing["status"] != "failed" and load["status"] != "failed" else 1


def main_parent() -> int:
    if not GV100AD_PATH.is_file():
        print(f"GV100AD file not found: {GV100AD_PATH}", file=sys.stderr)
        return 2
    results: dict[str, Any] = {}
    database_url = os.environ.get("DATABASE_URL", "").strip()
    if not database_url:
        reason = "no DATABASE_URL given (run `make bench` for a throw-away PostgreSQL 15)"
        print(f"PostgreSQL: skipped, {reason}")
        results["postgresql"] = {"status": "skipped", "reason": reason}
    elif urlsplit(database_url).scheme not in ("postgres", "postgresql", "pgsql"):
        reason = f"DATABASE_URL is not a PostgreSQL URL (scheme {urlsplit(database_url).scheme!r})"
        print(f"PostgreSQL: skipped, {reason}")
        results["postgresql"] = {"status": "skipped", "reason": reason}
    else:
        print(f"PostgreSQL: {describe_url(database_url)}")
        results["postgresql"] = run_worker("postgresql", database_url)

    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    print(f"SQLite: {SQLITE_PATH} (fresh)")
    results["sqlite"] = run_worker("sqlite", f"sqlite:///{SQLITE_PATH}")

    print("Costing engine (no database): 500 cost centres, 2,000 products, 10,981 members x 25 products")
    costing = run_costing_engine()
    closing = run_module("bench.closing")  # the national post-calculation (issue #18)
    print("XRechnung: build and fully validate 2,000 invoices of 25 lines (no database)")
    xrechnung = run_module("bench.xrechnung")
    print("Billing: national final settlement, 10,981 invoices x 25 lines, computed, rendered and validated")
    billing = run_module("bench.billing")
    scenarios = run_module("bench.scenarios")  # consolidation scenarios, national scale, no database
    billing_db_national, load = run_database_benchmarks(database_url)

    document = {
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git_commit": git_commit(),
        "git_dirty": git_dirty(),
        "machine": {
            "cpu_count": os.cpu_count(),
            "python_version": platform.python_version(),
            "platform": platform.platform(),
            "machine": platform.machine(),
        },
        "dataset": {"file": GV100AD_PATH.name, "bytes": GV100AD_PATH.stat().st_size},
        "settings": SETTINGS,
        "backends": results,
        "costing_engine": costing,
        "closing_engine": closing,
        "xrechnung": xrechnung,
        "billing_national": billing,
        "billing_db_national": billing_db_national,
        "load": load,
        "strategy": run_module("bench.strategy", progress=True),  # national inventory import + comparison page
        "scenarios": scenarios,
        "evidence": run_module("bench.evidence"),  # evidence files and figures, no database (issue #15)
        "surveys": run_module("bench.surveys"),  # the survey analysis, 50,000 responses (issue #16)
        "availability": run_module("bench.availability"),  # SLA availability, national scale, no database (#16)
        "controlling": run_module("bench.controlling", progress=True),  # dashboard and council report (issue #15)
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    tmp = LATEST.with_name(LATEST.name + ".tmp")
    tmp.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(LATEST)
    print_table(results)
    print(f"Written: {LATEST.relative_to(ROOT)}")
    failed = [name for name, result in results.items() if result["status"] == "failed"]
    if costing["status"] == "failed":
        failed.append("costing engine")
    if xrechnung["status"] == "failed":
        failed.append("xrechnung")
    for name, part in (("billing", billing), ("billing_db", billing_db_national), ("load", load)):
        if part["status"] == "failed":
            failed.append(name)
    if failed:
        print(f"FAILED: {', '.join(failed)} (see the output above; their figures are missing)", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--backend-worker", metavar="BACKEND", help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--record", nargs=2, metavar=("KEY", "FILE"), help="put a module's JSON output into latest.json under KEY"
    )
    parser.add_argument(
        "--database-only", action="store_true", help="only the database billing run and the load benchmark"
    )
    args = parser.parse_args(argv)
    if args.database_only:
        return database_only()
    if args.record:
        return record(args.record[0], Path(args.record[1]))
    if args.backend_worker:
        if args.result is None:
            parser.error("--backend-worker needs --result")
        try:
            return worker(args.backend_worker, args.result)
        except Exception as exc:
            if not isinstance(exc, BenchmarkError):
                traceback.print_exc()
            print(f"[{args.backend_worker}] BENCHMARK FAILED: {exc}", file=sys.stderr, flush=True)
            failure = {"status": "failed", "error": f"{type(exc).__name__}: {exc}"}
            args.result.write_text(json.dumps(failure), encoding="utf-8")
            return 1
    return main_parent()


if __name__ == "__main__":
    sys.exit(main())
