"""Load benchmark through a real server: `python -m bench.load [--small] [--duration S]`.

1. A fresh database on the PostgreSQL server of DATABASE_URL (normally the throw-away one of `make bench`) gets
   the national data (`bench/dataset.py --for-load --issue`: GV100AD, ~275,000 subscriptions, an approved plan,
   the issued final settlement, an order inbox, a committee voting, 50 logins). With `--dataset-file` the data of
   an earlier `bench.billing_db --keep-database` is used instead (that is what `make bench` does).
2. `verbund serve` (gunicorn) serves `verbund.config.wsgi:application` with the production settings
   (`verbund.config.settings.base`, DEBUG off, a secret key, plain http on 127.0.0.1 and a free port),
   `WORKERS` workers of `THREADS` threads.
3. The SQL queries of one request per page are counted in-process (`django.test.Client`), to explain the
   latencies (a count that grows with the data would show an N+1).
4. `bench/load_driver.py` runs locust headless with 50 users (30 member contacts, 10 staff, 10 committee members)
   who log in once each; the timed window opens when all are logged in and ends after `--duration` seconds or
   `MAX_REQUESTS` requests. Per page: p50/p95/p99/max (nearest rank over every request of the window), requests,
   errors; in all: throughput and errors. JSON on stdout; `make bench` records it under `load`.
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench.common import ROOT, figure, is_postgres_url, log, percentile, production_environment, scratch_database

PREFIX = "load"
DATABASE_NAME = "verbund_bench_load"
WORKERS = 3
THREADS = 4
DURATION = 180  # seconds of the timed window (national run)
SMALL_DURATION = 30
MAX_REQUESTS = 20000
SPAWN_RATE = 5  # users started per second
WARMUP = 15  # seconds after the last login before the timed window opens
GOAL_P95_MS = 250
KEEP_ALIVE = 30  # seconds; behind a TLS proxy, its own keep-alive applies


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_of(pid: int) -> tuple[float, float]:
    """(current, peak) resident set size of a process in MiB, from /proc (VmRSS, VmHWM)."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _sep, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


def worker_pids(master: int) -> list[int]:
    path = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    command = [  # the documented production command (`verbund serve`, ADR 0027): gunicorn with gthread workers
        sys.executable,
        "manage.py",
        "serve",
        f"--bind=127.0.0.1:{port}",
        f"--workers={WORKERS}",
        f"--threads={THREADS}",
        "--timeout=120",
        # Longer than the users' think time: with a short keep-alive the server closes idle connections
        # just as a user sends its next request, which the client sees as a dropped connection (an error).
        f"--keep-alive={KEEP_ALIVE}",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)  # no access log in the figures
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise RuntimeError("gunicorn did not answer /healthz within 120 s")


def probe(spec: dict[str, Any]) -> dict[str, Any]:
    """One request per page and kind of user through django.test.Client: its SQL queries and time."""
    from bench.dataset import setup_django

    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from verbund.accounts.models import User
    from verbund.billing.models import Invoice

    member = spec["logins"]["member"][0]
    invoice = Invoice.objects.filter(member_id=member["member_id"]).exclude(number="").order_by("id").first()
    pages = {
        "member": {
            "member: contract folder": f"/vertragsmappe/{member['member_id']}/",
            "member: invoice list": "/abrechnung/rechnungen/",
            "member: invoice detail": f"/abrechnung/rechnungen/{invoice.pk if invoice else 0}/",
            "member: showback": f"/kostenrechnung/{spec['plan_id']}/entgelte/{member['member_id']}/",
        },
        "staff": {
            "staff: organisation search": "/organisationen/?q=berg",
            "staff: order inbox": "/bestellungen/",
        },
        "committee": {
            "committee: tally": f"/gremien/top/{spec['item_id']}/abstimmung/",
            "committee: agenda item": f"/gremien/top/{spec['item_id']}/",
        },
    }
    result: dict[str, Any] = {}
    for kind, urls in pages.items():
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(User.objects.get(username=spec["logins"][kind][0]["username"]))
        for name, url in urls.items():
            client.get(url)  # warm
            with CaptureQueriesContext(connection) as captured:
                t0 = time.perf_counter()
                response = client.get(url)
                elapsed = time.perf_counter() - t0
            result[name] = {
                "url": url,
                "status": response.status_code,
                "queries": figure(len(captured.captured_queries), "queries"),
                "in_process_time": figure(elapsed * 1000, "ms", 1),
                "response_size": figure(len(response.content), "bytes"),
            }
    return result


def summarise(raw: dict[str, Any]) -> dict[str, Any]:
    by_name: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    for name, seconds, failed in raw["records"]:
        by_name[name].append(seconds)
        errors[name] += int(failed)
    pages: dict[str, Any] = {}
    for name in sorted(by_name):
        values = sorted(by_name[name])
        p95 = percentile(values, 95) * 1000
        pages[name] = {
            "requests": figure(len(values), "requests"),
            "errors": figure(errors[name], "requests"),
            "latency_p50": figure(percentile(values, 50) * 1000, "ms", 1),
            "latency_p95": figure(p95, "ms", 1),
            "latency_p99": figure(percentile(values, 99) * 1000, "ms", 1),
            "latency_max": figure(values[-1] * 1000, "ms", 1),
            "within_goal": p95 < GOAL_P95_MS and errors[name] == 0,
        }
    total = len(raw["records"])
    every = sorted(seconds for _name, seconds, _failed in raw["records"])
    logins = sorted(raw["login_times"])
    return {
        "users": figure(raw["users"], "users"),
        "ramp_up_time": figure(raw["ramp_up_time"], "s", 1),
        "warmup": figure(raw["warmup"], "s"),
        "window": figure(raw["window"], "s", 1),
        "load_average_1min": {**raw["load_average_1min"], "unit": "runnable processes", "cpu_count": os.cpu_count()},
        "error_messages": raw["error_messages"],
        "requests": figure(total, "requests"),
        "errors": figure(sum(errors.values()), "requests"),
        "throughput": figure(total / raw["window"], "requests/s", 1),
        "latency_p50": figure(percentile(every, 50) * 1000, "ms", 1) if every else None,
        "latency_p95": figure(percentile(every, 95) * 1000, "ms", 1) if every else None,
        "latency_p99": figure(percentile(every, 99) * 1000, "ms", 1) if every else None,
        "pages": pages,
        "login": {
            "logins": figure(len(logins), "requests"),
            "failures": figure(raw["login_failures"], "requests"),
            "latency_p50": figure(percentile(logins, 50) * 1000, "ms", 1) if logins else None,
            "latency_max": figure(logins[-1] * 1000, "ms", 1) if logins else None,
            "note": "before the timed window; PBKDF2 hashing of the production settings dominates",
        },
        "goal": {"latency_p95": figure(GOAL_P95_MS, "ms"), "errors": 0},
        "within_goal": all(p["within_goal"] for p in pages.values()) and raw["login_failures"] == 0,
    }


def run_against(database_url: str, dataset: dict[str, Any], *, duration: int) -> dict[str, Any]:
    env = production_environment(database_url)
    spec = {
        "password": dataset["password"],
        "plan_id": dataset["plan"]["id"],
        "item_id": dataset["committee"]["item_id"],
        "logins": {**dataset["logins"], "committee": dataset["committee"]["logins"]},
        "spawn_rate": SPAWN_RATE,
        "login_timeout": 600,
        "duration": duration,
        "warmup": WARMUP,
        "max_requests": MAX_REQUESTS,
    }
    port = free_port()
    result: dict[str, Any] = {
        "status": "ok",
        "server": {
            "command": "verbund serve (gunicorn, verbund.config.wsgi:application)",
            "settings": env["DJANGO_SETTINGS_MODULE"],
            "workers": WORKERS,
            "worker_class": "gthread",
            "threads": THREADS,
            "keep_alive": figure(KEEP_ALIVE, "s"),
            "bind": "127.0.0.1 (free port)",
        },
        "client": {"tool": "locust (library, headless)", "spawn_rate": figure(SPAWN_RATE, "users/s")},
        "data": {"members": dataset["members"], "small": dataset["small"]},
    }
    with tempfile.TemporaryDirectory(prefix="verbund-bench-") as tmp:
        spec_path, out_path = Path(tmp) / "spec.json", Path(tmp) / "out.json"
        spec["host"] = f"http://127.0.0.1:{port}"
        spec_path.write_text(json.dumps(spec), encoding="utf-8")
        log(PREFIX, "queries per page (in-process probe)")
        subprocess.run(
            [sys.executable, "-m", "bench.load", "--probe", str(spec_path), "--out", str(out_path)],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=sys.stderr,
        )
        result["queries_per_page"] = json.loads(out_path.read_text(encoding="utf-8"))
        log(PREFIX, f"gunicorn on 127.0.0.1:{port}, {WORKERS} workers × {THREADS} threads")
        server = start_server(env, port)
        try:
            log(PREFIX, f"locust: 50 users, {duration} s window (at most {MAX_REQUESTS} requests)")
            subprocess.run(
                [sys.executable, "-m", "bench.load_driver", "--spec", str(spec_path), "--out", str(out_path)],
                cwd=ROOT,
                check=True,
                stdout=sys.stderr,
            )
            peaks = [rss_of(pid)[1] for pid in worker_pids(server.pid)]
            result["server"]["worker_peak_rss_max"] = figure(max(peaks, default=0.0), "MiB", 1)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
        result.update(summarise(json.loads(out_path.read_text(encoding="utf-8"))))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="200 municipalities and a 30 s window")
    parser.add_argument("--duration", type=int, default=None, help="seconds of the timed window")
    parser.add_argument("--dataset-file", type=Path, help="use the kept database of `bench.billing_db`")
    parser.add_argument("--probe", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.probe:
        figures = probe(json.loads(args.probe.read_text(encoding="utf-8")))
        args.out.write_text(json.dumps(figures), encoding="utf-8")
        return 0
    server = os.environ.get("DATABASE_URL", "").strip()
    if not is_postgres_url(server):
        print(json.dumps({"status": "skipped", "reason": "needs DATABASE_URL of a PostgreSQL server"}))
        return 0
    duration = args.duration or (SMALL_DURATION if args.small else DURATION)
    if args.dataset_file:
        dataset = json.loads(args.dataset_file.read_text(encoding="utf-8"))
        parts = urlsplit(server)
        url = urlunsplit(parts._replace(path=f"/{dataset['database_name']}"))
        result = run_against(url, dataset, duration=duration)
    else:
        with scratch_database(server, DATABASE_NAME) as url, tempfile.TemporaryDirectory() as tmp:
            described = Path(tmp) / "dataset.json"
            command = [sys.executable, "-m", "bench.dataset", "--for-load", "--issue", "--out", str(described)]
            subprocess.run(
                command + ["--small"] * args.small,
                cwd=ROOT,
                env=production_environment(url),
                check=True,
                stdout=sys.stderr,
            )
            result = run_against(url, json.loads(described.read_text(encoding="utf-8")), duration=duration)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
