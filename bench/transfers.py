"""Benchmark: executing the transfer of a national-scale product (issue #14: "transfer of a national-scale
product (10,981 members, one subscription each) — time and queries, goal under 30 s on PostgreSQL").
`python -m bench.transfers` under scripts/with-postgres.sh (`--members N` for a smaller run).

On a scratch database of the PostgreSQL server in DATABASE_URL: a provider with an approved 2026 catalogue of one
product, an operating company with its own agreement and no parties yet (so every member accedes with the
transfer, ADR 0043: the worst case), one committee, and 10,981 members with one subscription each (quantities from
1 January, every tenth with a later-dated change; bulk inserted). The transfer is proposed and adopted through
the services; timed is `transfers.services.transfer_execute` (the command and the job run exactly it), with the
number of queries; before it, the preview that the transfer page builds (best of three). Then the execution is
repeated (idempotent: nothing changes) and checked. JSON on stdout;
`python -m bench.run --record transfers FILE` stores it in bench/results/latest.json under `transfers`.
Without PostgreSQL it prints {"status": "skipped"}.
"""

import argparse
import datetime as dt
import json
import os
import sys
import time
from decimal import Decimal
from typing import Any

from bench.common import figure, is_postgres_url, log, machine_note, peak_rss, scratch_database

PREFIX = "transfers"
DATABASE_NAME = "verbund_bench_transfers"
MEMBERS = 10_981
EFFECTIVE = dt.date(2026, 7, 1)


def _build(members: int) -> dict[str, Any]:
    from verbund.catalog import services as catalog
    from verbund.governance.services import committee_create
    from verbund.orders.models import Subscription, SubscriptionQuantity
    from verbund.registry.models import Organization
    from verbund.registry.services import agreement_create, organization_create

    provider = organization_create(actor=None, name="Bench-Dienstleister", short_name="Bench", kind="provider")
    receiver = organization_create(
        actor=None, name="Bench Betriebsgesellschaft", short_name="Bench Betrieb", kind="operating_company"
    )
    agreement_create(actor=None, name="Rahmenvereinbarung Bench", provider=receiver, valid_from=dt.date(2026, 1, 1))
    committee = committee_create(actor=None, body=provider, name="Verbandsversammlung", short_name="VV", kind="central")
    family = catalog.product_family_create(actor=None, code="KOM", name="Kommunikation")
    product = catalog.product_create(
        actor=None, number="KOM-010", name="E-Mail-Postfach", family=family, category="communication", unit="user"
    )
    catalog.product_transition(actor=None, product=product, to_status="proposed")
    catalog.price_revision_create(
        actor=None, product=product, valid_from=dt.date(2026, 1, 1), unit_price=Decimal("78.00")
    )
    version = catalog.catalogue_version_create(actor=None, provider=provider, year=2026, name="Katalog 2026")
    catalog.catalogue_version_compose(actor=None, version=version)
    catalog.catalogue_version_propose(actor=None, version=version)
    catalog.catalogue_version_approve(
        actor=None, version=version, decision_reference="VV 2025/1", approved_on=dt.date(2025, 12, 1)
    )
    orgs = Organization.objects.bulk_create(
        [
            Organization(name=f"Gemeinde {i:05d}", kind="municipality", ags=f"99{i:06d}", land="05")
            for i in range(members)
        ],
        batch_size=2000,
    )
    subs = Subscription.objects.bulk_create(
        [Subscription(member=org, product=product, start_date=dt.date(2026, 1, 1)) for org in orgs], batch_size=2000
    )
    rows = [SubscriptionQuantity(subscription=s, valid_from=dt.date(2026, 1, 1), quantity=Decimal(10)) for s in subs]
    rows += [
        SubscriptionQuantity(subscription=s, valid_from=dt.date(2026, 9, 1), quantity=Decimal(12)) for s in subs[::10]
    ]
    SubscriptionQuantity.objects.bulk_create(rows, batch_size=5000)
    return {"provider": provider, "receiver": receiver, "committee": committee, "product": product}


def run(members: int) -> dict[str, Any]:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.db import connection

    from bench.dataset import analyze
    from verbund.transfers import services
    from verbund.transfers.models import MovedSubscription

    result: dict[str, Any] = {"status": "ok", "note": machine_note()}
    log(PREFIX, f"building {members} members with one subscription each")
    started = time.perf_counter()
    data = _build(members)
    result["build"] = figure(time.perf_counter() - started, "s")
    transfer = services.transfer_create(
        actor=None,
        from_provider=data["provider"],
        to_provider=data["receiver"],
        effective_date=EFFECTIVE,
        products=[data["product"]],
        prices={data["product"].pk: Decimal("74.50")},
        bodies=[data["committee"]],
        submit=True,
    )
    services.transfer_body_adopt(
        actor=None,
        transfer=transfer,
        committee=data["committee"],
        decision_reference="VV-2026-003",
        adopted_on=dt.date(2026, 5, 1),
    )
    analyze()
    from verbund.transfers.selectors import transfer_preview

    log(PREFIX, "building the preview (what the transfer page and the preview API compute)")
    timings = []
    for _round in range(3):
        started = time.perf_counter()
        preview = transfer_preview(transfer=transfer)
        timings.append(time.perf_counter() - started)
    if len(preview.members) != members:
        raise RuntimeError(f"the preview has {len(preview.members)} members, {members} expected")
    result["preview_best_of_3"] = figure(min(timings), "s")
    log(PREFIX, "executing")
    counted = [0]

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        counted[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        done = services.transfer_execute(actor=None, transfer=transfer, as_of=EFFECTIVE)
        elapsed = time.perf_counter() - started
    queries = counted[0]
    result["members"] = members
    result["execute"] = figure(elapsed, "s")
    result["execute_queries"] = figure(queries, "queries", 0)
    result["subscriptions_per_s"] = figure(done.moved_subscriptions / elapsed, "subscriptions/s", 0)
    log(PREFIX, f"executed in {elapsed:.1f} s with {queries} queries")
    if done.moved_subscriptions != members or MovedSubscription.objects.count() != members:
        raise RuntimeError(f"{done.moved_subscriptions} subscriptions moved, {members} expected")
    from verbund.registry.models import AgreementParty

    acceded = AgreementParty.objects.filter(agreement__provider=data["receiver"]).count()
    if acceded != members:
        raise RuntimeError(f"{acceded} members acceded to the receiving agreement, {members} expected")
    result["accessions"] = figure(acceded, "parties", 0)
    counted[0] = 0
    with connection.execute_wrapper(count):
        started = time.perf_counter()
        services.transfer_execute(actor=None, transfer=transfer, as_of=EFFECTIVE)
        result["execute_again"] = figure(time.perf_counter() - started, "s")
    result["execute_again_queries"] = figure(counted[0], "queries", 0)
    result["goal"] = "under 30 s on PostgreSQL for 10,981 members with one subscription each (issue #14)"
    result["peak_rss"] = peak_rss()
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=MEMBERS)
    args = parser.parse_args()
    server = os.environ.get("DATABASE_URL", "").strip()
    if not is_postgres_url(server):
        print(json.dumps({"status": "skipped", "reason": "needs PostgreSQL (scripts/with-postgres.sh)"}))
        return 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "verbund.config.settings.test")
    with scratch_database(server, DATABASE_NAME) as url:
        os.environ["DATABASE_URL"] = url
        figures = run(args.members)
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
