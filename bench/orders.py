"""Benchmark step: national-scale ordering (every municipality with ~25 subscriptions) and the contract folder.

Called by the worker of `bench/run.py` after the organisation-list measurements, on the database that already
holds the GV100AD import (10,981 municipalities). It

1. builds the ordering data with `bench/national.py` (catalogue and agreement through the services and in bulk,
   ~275,000 subscriptions with their quantity rows, bulk-inserted and timed);
2. times the contract folder, page `/vertragsmappe/<id>/` and API `/api/v1/members/<id>/contract-folder`, for a
   provider admin (random municipalities) and for a member contact (its own folder), and counts the SQL queries
   of single requests to show that they do not grow with the folder.

Import this module only after `django.setup()`.
"""

import random
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from bench import national
from bench.common import BenchmarkError, figure, latency_summary, log, timed_requests
from verbund.registry.models import Organization

SEED = national.SEED
FOLDER_REQUESTS = 100  # timed requests per surface (page, API) and role
FOLDER_WARMUP = 5

PAGE_URL = "/vertragsmappe/{id}/"
API_URL = "/api/v1/members/{id}/contract-folder"

# ---------------------------------------------------------------- contract folder requests


def _query_count(client: Client, url: str, check: Callable[[str, Any], None]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    check(url, response)
    return len(captured.captured_queries)


def bench_folder(
    client: Client,
    template: str,
    warmup_ids: list[int],
    timed_ids: list[int],
    probe_ids: dict[str, int],
    check: Callable[[str, Any], None],
) -> dict[str, Any]:
    """Warm up, time GET for every id, then count the queries of single requests for the probe folders."""
    sizes: list[int] = []

    def measuring(url: str, response: Any) -> None:
        check(url, response)
        sizes.append(len(response.content))

    timed_requests(client, [template.format(id=i) for i in warmup_ids], check)
    latencies, wall = timed_requests(client, [template.format(id=i) for i in timed_ids], measuring)
    result = latency_summary(latencies, wall)
    result["warmup_requests"] = figure(len(warmup_ids), "requests")
    result["distinct_members"] = figure(len(set(timed_ids)), "members")
    result["response_size_mean"] = figure(round(sum(sizes) / len(sizes)), "bytes")
    counts = {label: _query_count(client, template.format(id=i), check) for label, i in probe_ids.items()}
    result["queries_per_request"] = {
        "value": max(counts.values()),
        "unit": "queries",
        "by_folder": counts,
        "constant": len(set(counts.values())) == 1,
    }
    return result


def _checks(
    expected_lines: dict[int, int], names: dict[int, str]
) -> tuple[Callable[[str, Any], None], Callable[[str, Any], None]]:
    def member_of(url: str) -> int:
        return int(url.strip("/").split("/")[-1 if url.endswith("/") else -2])

    def check_page(url: str, response: Any) -> None:
        if response.status_code != 200:
            raise BenchmarkError(f"GET {url} answered {response.status_code}")
        if escape(names[member_of(url)]).encode() not in response.content:
            raise BenchmarkError(f"GET {url}: the page does not name the member")

    def check_api(url: str, response: Any) -> None:
        if response.status_code != 200:
            raise BenchmarkError(f"GET {url} answered {response.status_code}")
        body = response.json()
        member_id = member_of(url)
        if body["member_id"] != member_id or len(body["lines"]) != expected_lines[member_id]:
            raise BenchmarkError(
                f"GET {url}: {len(body['lines'])} lines for member {body['member_id']}, "
                f"expected {expected_lines[member_id]} for {member_id}"
            )

    return check_page, check_api


# ---------------------------------------------------------------- the step


def run(*, backend: str, admin: Any, member: Any) -> dict[str, Any]:
    """The whole ordering step; `member` is a member contact of a municipality. Returns the "orders" figures."""
    data = national.build_orders(backend)
    result = data.figures
    municipalities, per_member = data.municipalities, data.per_member

    # Requests: the admin walks random municipalities; the member contact its own folder again and again.
    rng = random.Random(SEED)
    ids = [pk for pk, _population in municipalities]
    admin_ids = rng.sample(ids, FOLDER_REQUESTS)
    admin_warmup = rng.sample(ids, FOLDER_WARMUP)
    own = member.organization_id
    smallest = min(per_member, key=lambda pk: (per_member[pk], pk))
    largest = max(per_member, key=lambda pk: (per_member[pk], -pk))
    admin_probes = {
        f"smallest ({per_member[smallest]} lines)": smallest,
        f"largest ({per_member[largest]} lines)": largest,
        f"own member ({per_member[own]} lines)": own,
    }
    member_probes = {f"own ({per_member[own]} lines)": own}
    names = dict(
        Organization.objects.filter(pk__in={*admin_ids, *admin_warmup, *admin_probes.values()}).values_list(
            "pk", "name"
        )
    )
    check_page, check_api = _checks(per_member, names)
    admin_client, member_client = Client(), Client()
    admin_client.force_login(admin)
    member_client.force_login(member)
    own_org = Organization.objects.get(pk=own)
    for surface, template, check in (
        ("contract_folder_page", PAGE_URL, check_page),
        ("contract_folder_api", API_URL, check_api),
    ):
        block: dict[str, Any] = {"url": template.replace("{id}", "<id>")}
        log(backend, f"orders: {template} as provider_admin ({FOLDER_REQUESTS} random municipalities)")
        block["provider_admin"] = bench_folder(admin_client, template, admin_warmup, admin_ids, admin_probes, check)
        log(backend, f"orders: {template} as member_contact ({FOLDER_REQUESTS} × its own folder)")
        block["member_contact"] = bench_folder(
            member_client, template, [own] * FOLDER_WARMUP, [own] * FOLDER_REQUESTS, member_probes, check
        )
        block["member_contact"]["organization"] = f"{own_org.ags} {own_org.name}"
        result[surface] = block
    return result
