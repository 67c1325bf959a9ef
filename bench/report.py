"""The short table that `python -m bench.run` prints at the end (one column per database backend)."""

from collections.abc import Callable
from typing import Any


def _latencies(block: dict[str, Any]) -> str:
    return " / ".join(str(block[key]["value"]) for key in ("latency_p50", "latency_p95", "latency_max"))


def print_table(results: dict[str, Any]) -> None:
    def first(key: str) -> Callable[[dict[str, Any]], Any]:
        return lambda r: r["import_first"][key]["value"]

    def api(role: str) -> Callable[[dict[str, Any]], Any]:
        return lambda r: _latencies(r["api_organizations"][role])

    def api_rate(role: str) -> Callable[[dict[str, Any]], Any]:
        return lambda r: "{} ({} requests)".format(
            r["api_organizations"][role]["throughput"]["value"],
            r["api_organizations"][role]["requests"]["value"],
        )

    def orders_rows(r: dict[str, Any]) -> str:
        bulk = r["orders"]["bulk_insert"]
        return f"{bulk['subscriptions']['value']} + {bulk['quantity_rows']['value']}"

    def folder(surface: str, role: str) -> Callable[[dict[str, Any]], Any]:
        return lambda r: _latencies(r["orders"][surface][role])

    def folder_rate(surface: str, role: str) -> Callable[[dict[str, Any]], Any]:
        return lambda r: "{} ({} requests)".format(
            r["orders"][surface][role]["throughput"]["value"], r["orders"][surface][role]["requests"]["value"]
        )

    def folder_queries(r: dict[str, Any]) -> str:
        def one(surface: str) -> str:
            counts = [
                n
                for role in ("provider_admin", "member_contact")
                for n in r["orders"][surface][role]["queries_per_request"]["by_folder"].values()
            ]
            return str(counts[0]) if len(set(counts)) == 1 else f"{min(counts)}-{max(counts)}"

        return f"{one('contract_folder_page')} / {one('contract_folder_api')}"

    def second(r: dict[str, Any]) -> str:
        return f"{r['import_second']['created']['value']} / {r['import_second']['updated']['value']}"

    rows: list[tuple[str, Callable[[dict[str, Any]], Any]]] = [
        ("parse GV100AD (s)", first("parse_time")),
        ("first import (s)", first("import_time")),
        ("rows written", first("rows_written")),
        ("rows/s", first("rows_per_second")),
        ("municipalities", first("municipalities")),
        ("population sum", first("population_sum")),
        ("second import (s)", lambda r: r["import_second"]["import_time"]["value"]),
        ("  created / updated", second),
        ("API provider_admin p50/p95/max (ms)", api("provider_admin")),
        ("API provider_admin req/s", api_rate("provider_admin")),
        ("API member_contact p50/p95/max (ms)", api("member_contact")),
        ("API member_contact req/s", api_rate("member_contact")),
        ("HTML list p50/p95/max (ms)", lambda r: _latencies(r["html_organization_list"])),
        ("HTML list req/s", lambda r: r["html_organization_list"]["throughput"]["value"]),
        ("peak RSS (MiB)", lambda r: r["peak_rss"]["value"]),
        ("orders: subscriptions + quantity rows", orders_rows),
        ("orders: bulk insert (s)", lambda r: r["orders"]["bulk_insert"]["time"]["value"]),
        ("orders: rows/s", lambda r: r["orders"]["bulk_insert"]["rows_per_second"]["value"]),
        ("folder page provider_admin p50/p95/max (ms)", folder("contract_folder_page", "provider_admin")),
        ("folder page provider_admin req/s", folder_rate("contract_folder_page", "provider_admin")),
        ("folder page member_contact p50/p95/max (ms)", folder("contract_folder_page", "member_contact")),
        ("folder page member_contact req/s", folder_rate("contract_folder_page", "member_contact")),
        ("folder API provider_admin p50/p95/max (ms)", folder("contract_folder_api", "provider_admin")),
        ("folder API provider_admin req/s", folder_rate("contract_folder_api", "provider_admin")),
        ("folder API member_contact p50/p95/max (ms)", folder("contract_folder_api", "member_contact")),
        ("folder API member_contact req/s", folder_rate("contract_folder_api", "member_contact")),
        ("folder SQL queries page / API", folder_queries),
        ("peak RSS after orders (MiB)", lambda r: r["orders"]["peak_rss"]["value"]),
    ]
    backends = list(results)
    columns: list[list[str]] = []
    for name in backends:
        result = results[name]
        if result["status"] != "ok":
            columns.append([f"{result['status']} (see above)"] + [""] * (len(rows) - 1))
        else:
            columns.append([str(get(result)) for _label, get in rows])
    width = max(len(label) for label, _get in rows)
    widths = [max(len(name), *map(len, column)) for name, column in zip(backends, columns, strict=True)]
    print()
    print(" | ".join([" " * width, *(name.ljust(w) for name, w in zip(backends, widths, strict=True))]))
    print("-+-".join(["-" * width, *("-" * w for w in widths)]))
    for i, (label, _get) in enumerate(rows):
        cells = [column[i].ljust(w) for column, w in zip(columns, widths, strict=True)]
        print(" | ".join([label.ljust(width), *cells]))
    print()
