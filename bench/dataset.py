"""The national data set of the database benchmarks (`bench/billing_db.py`, `bench/load.py`), built in an empty
database: `python -m bench.dataset --out FILE [--small] [--issue]` (DATABASE_URL names the database).

1. `migrate`; the GV100AD import (10,981 municipalities, checked as in `bench/run.py`); `ANALYZE`;
2. the ordering data of `bench/national.py` (catalogue, agreement, ~275,000 subscriptions; bulk);
3. what billing needs: the provider's seller profile (service), Leitweg-IDs for every member and a post code
   where the directory has none (bulk, one audit event), and an approved plan of the year through the costing
   services (create, figures, calculate, submit, approve);
4. for the load benchmark: an order inbox (bulk orders, a tenth of them still submitted), a committee with a
   seat and a login for 50 members, a meeting in session with a vote under way (services), and the logins of
   member contacts and staff;
5. with `--issue`: the national final settlement prepared and issued through the billing services (untimed;
   `bench/billing_db.py` times the same calls).

`--small` takes the first 200 municipalities (AGS order) as parties, for development. The file written with
`--out` describes the data for the benchmark drivers (ids, user names, the password). Runs under the production
settings (`bench.common.PRODUCTION_ENV`), so the logins use the production password hasher.
"""

import argparse
import datetime as dt
import json
import random
import sys
import time
import warnings
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.common import (
    EXPECTED_MUNICIPALITIES,
    EXPECTED_POPULATION,
    GV100AD_PATH,
    BenchmarkError,
    figure,
    log,
)

PREFIX = "dataset"
SMALL_LIMIT = 200
PLAN_YEAR = 2025  # subscriptions start 2024-01 … 2025-06, so 2025 is the first year every one of them is billed
BILLING_DATE = dt.date(2026, 1, 20)
PASSWORD = "Bench-Passwort-2026!"  # one password for every benchmark login (hashed once, copied)
MEMBER_USERS = 30
STAFF_USERS = 10
COMMITTEE_SEATS = 50
COMMITTEE_USERS = 10  # of the seats, the ones whose logins the load benchmark uses
ORDERS = 5000
SEED = 20231130
SELLER = {
    "legal_name": "Benchmark IT-Dienstleister AöR",
    "street": "Musterstraße 1",
    "postcode": "48143",
    "city": "Münster",
    "country": "DE",
    "vat_id": "DE123456788",  # syntactically valid demo value
    "tax_number": "",
    "legal_registration_id": "HRA 0000 (Benchmark)",
    "contact_name": "Fakturierung",
    "contact_phone": "+49 251 000000",
    "contact_email": "rechnung@example.org",
    "electronic_address": "rechnung@example.org",
    "iban": "DE89370400440532013000",  # the well-known test IBAN
    "bic": "COBADEFFXXX",
    "bank_name": "Testbank",
    "payment_terms_days": 30,
    "invoice_frequency": "monthly",
    "host_settlement_internal": True,
}
# Families → end cost centres of the plan
CENTRE_OF_FAMILY = {
    "BEN-ARB": "AP",
    "BEN-KOM": "AP",
    "BEN-INF": "INF",
    "BEN-RZ": "INF",
    "BEN-FV": "FV",
    "BEN-BER": "BER",
}


def setup_django() -> None:
    import django

    # WhiteNoise warns once that var/static/ (collectstatic's target) is missing; nothing here serves static files.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()


def database_info() -> dict[str, str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        version = cursor.fetchone()[0]
    return {"vendor": connection.vendor, "version": str(version)}


def analyze() -> bool:
    """`ANALYZE` on PostgreSQL (what autovacuum would soon do after a bulk load); whether it ran."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return True


def import_registry(prefix: str) -> tuple[list[Any], dict[str, Any]]:
    """Parse and import the national GV100AD file; check municipalities and population in report and database.
    Returns the parsed records and the "import_first" figures."""
    from django.db.models import Sum

    from verbund.core.models import AuditEvent
    from verbund.registry import gv100ad
    from verbund.registry.choices import OrganizationKind
    from verbund.registry.models import Organization
    from verbund.registry.services import gemeindeverzeichnis_import

    log(prefix, f"parse {GV100AD_PATH.name}")
    t0 = time.perf_counter()
    records = gv100ad.read_file(GV100AD_PATH)
    parse_s = time.perf_counter() - t0
    log(prefix, f"import {len(records)} records")
    audit_before = AuditEvent.objects.count()
    t0 = time.perf_counter()
    report = gemeindeverzeichnis_import(actor=None, records=records, source_name=GV100AD_PATH.name)
    import_s = time.perf_counter() - t0
    audit_written = AuditEvent.objects.count() - audit_before
    municipalities = Organization.objects.filter(kind=OrganizationKind.MUNICIPALITY)
    db_municipalities = municipalities.count()
    db_population = municipalities.aggregate(total=Sum("population"))["total"] or 0
    reported_municipalities = report.counts_by_kind.get(OrganizationKind.MUNICIPALITY, 0)
    for label, got, expected in (
        ("municipalities (import report)", reported_municipalities, EXPECTED_MUNICIPALITIES),
        ("municipalities (database)", db_municipalities, EXPECTED_MUNICIPALITIES),
        ("population sum (import report)", report.population_municipalities, EXPECTED_POPULATION),
        ("population sum (database)", db_population, EXPECTED_POPULATION),
    ):
        if got != expected:
            raise BenchmarkError(f"correctness check failed: {label} is {got}, expected {expected}")
    rows_written = report.created + audit_written
    log(prefix, f"first import: {parse_s:.2f} s parse, {import_s:.2f} s import, {rows_written} rows")
    return records, {
        "records_parsed": figure(len(records), "records"),
        "parse_time": figure(parse_s, "s"),
        "import_time": figure(import_s, "s"),
        "organizations_created": figure(report.created, "rows"),
        "audit_events_written": figure(audit_written, "rows"),
        "rows_written": figure(rows_written, "rows"),
        "rows_per_second": figure(rows_written / import_s, "rows/s", 1),
        "organizations_per_second": figure(report.created / import_s, "rows/s", 1),
        "records_skipped": figure(report.skipped_records, "records"),
        "municipalities": {
            "value": db_municipalities,
            "unit": "municipalities",
            "expected": EXPECTED_MUNICIPALITIES,
            "check": "ok",
        },
        "population_sum": {
            "value": db_population,
            "unit": "inhabitants",
            "expected": EXPECTED_POPULATION,
            "check": "ok",
        },
    }


# ---------------------------------------------------------------- billing prerequisites


def billing_prerequisites(provider: Any, member_ids: list[int]) -> dict[str, int]:
    """Seller profile through the service; Leitweg-IDs (from the ARS) and missing post codes in bulk, with one
    audit event, as a data migration would do it."""
    from django.db import transaction

    from verbund.billing.services import seller_profile_save
    from verbund.core.audit import audit_record
    from verbund.core.models import AuditAction
    from verbund.registry.keys import make_leitweg_id
    from verbund.registry.models import Organization

    seller_profile_save(actor=None, provider=provider, **SELLER)
    members = list(Organization.objects.filter(pk__in=member_ids).only("pk", "ars", "postcode", "leitweg_id"))
    without_postcode = 0
    for org in members:
        org.leitweg_id = make_leitweg_id(org.ars, "ITDL")
        if not org.postcode:
            org.postcode = "00000"
            without_postcode += 1
    with transaction.atomic():
        Organization.objects.bulk_update(members, ["leitweg_id", "postcode"], batch_size=2000)
        audit_record(
            actor=None,
            action=AuditAction.UPDATE,
            obj=provider,
            after={"leitweg_ids_imported": len(members), "postcodes_completed": without_postcode},
            scope_organization_id=provider.pk,
            message="Bulk import of the members' Leitweg-IDs (benchmark)",
        )
    return {"leitweg_ids": len(members), "postcodes_completed": without_postcode}


def approved_plan(provider: Any, products: dict[str, Any], year: int = PLAN_YEAR) -> Any:
    """A plan of `year` through the costing services: one support and four end centres, every product metered
    with the subscribed quantity on 1 January as planned quantity, costs ≈ the planned revenue at catalogue
    prices (so the plan's rates stay near the prices); calculated, submitted and approved."""
    from verbund.catalog.selectors import approved_price_on
    from verbund.costing import services
    from verbund.costing.choices import CentreKind, Charging, Method
    from verbund.orders.models import SubscriptionQuantity
    from verbund.orders.selectors import quantity_on

    day = dt.date(year, 1, 1)
    rows: dict[tuple[int, int], list[Any]] = defaultdict(list)
    for q in (
        SubscriptionQuantity.objects.filter(subscription__start_date__lte=dt.date(year, 12, 31))
        .exclude(subscription__end_date__lt=day)
        .select_related("subscription")
        .only("valid_from", "quantity", "pk", "subscription__product_id", "subscription__start_date")
        .order_by("valid_from", "id")
    ):
        rows[(q.subscription_id, q.subscription.product_id)].append(q)
    planned: dict[int, Decimal] = defaultdict(Decimal)
    for (_sub, product_id), quantities in rows.items():
        quantity = quantity_on(quantities, max(day, quantities[0].subscription.start_date))
        planned[product_id] += quantity or Decimal(0)
    revenue: dict[str, Decimal] = defaultdict(Decimal)
    product_figures, mappings = [], []
    for number, product in sorted(products.items()):
        quantity = planned.get(product.pk) or Decimal(1)
        price = approved_price_on(product=product, on=day)
        equivalence = max(Decimal(1), (quantity * price.unit_price).quantize(Decimal(1)))
        centre = CENTRE_OF_FAMILY[number.rsplit("-", 1)[0]]
        revenue[centre] += equivalence
        product_figures.append(services.ProductFigure(number, Charging.METERED, quantity))
        mappings.append(services.MappingFigure(centre, number, equivalence))
    total = sum(revenue.values(), Decimal(0))
    costs = [
        services.CostFigure(centre, cost_type, (amount * share).quantize(Decimal("0.01")))
        for centre, amount in [*((c, r * Decimal("0.95")) for c, r in revenue.items()), ("VERW", total / 20)]
        for cost_type, share in (("PERS", Decimal("0.6")), ("SACH", Decimal("0.4")))
    ]
    figures = services.PlanFigures(
        centres=(
            services.CentreFigure("VERW", "IT-Verwaltung", CentreKind.SUPPORT),
            *(services.CentreFigure(c, f"Endkostenstelle {c}", CentreKind.END) for c in sorted(revenue)),
        ),
        cost_types=(
            services.CostTypeFigure("PERS", "Personalkosten", Decimal("0.1")),
            services.CostTypeFigure("SACH", "Sachkosten", Decimal("0.5")),
        ),
        costs=tuple(costs),
        flows=tuple(services.FlowFigure("VERW", c, Decimal(1)) for c in sorted(revenue)),
        products=tuple(product_figures),
        mappings=tuple(mappings),
    )
    plan = services.plan_version_create(
        actor=None,
        provider=provider,
        year=year,
        name=f"Plankostenrechnung {year} (Benchmark)",
        method=Method.RECIPROCAL,
    )
    services.plan_figures_replace(actor=None, plan=plan, figures=figures)
    plan.refresh_from_db()
    services.plan_version_calculate(actor=None, plan=plan)
    plan.refresh_from_db()
    services.plan_version_submit(actor=None, plan=plan)
    services.plan_version_approve(
        actor=None, plan=plan, decision_reference=f"VR-BENCH-{year}", approved_on=dt.date(year - 1, 11, 20)
    )
    plan.refresh_from_db()
    return plan


def issue_final_run(provider: Any, year: int = PLAN_YEAR) -> Any:
    """The final settlement of `year`, prepared and issued through the billing services (as the CLI does)."""
    from verbund.billing.choices import RunKind
    from verbund.billing.services import billing_run_issue, billing_run_prepare

    run = billing_run_prepare(
        actor=None, provider=provider, kind=RunKind.FINAL, year=year, period=None, billing_date=BILLING_DATE
    )
    return billing_run_issue(actor=None, run=run)


# ---------------------------------------------------------------- the whole data set


def build(*, small: bool, issue: bool, for_load: bool, land: str | None = None) -> dict[str, Any]:
    """Everything above in order; returns the description the drivers read (ids, logins) and set-up figures."""
    from django.core.management import call_command

    from bench import national
    from verbund.registry.models import Organization

    started = time.perf_counter()
    info: dict[str, Any] = {"database": database_info(), "small": small, "land": land}
    log(PREFIX, f"{info['database']['vendor']} {info['database']['version']}: migrate")
    call_command("migrate", interactive=False, verbosity=0)
    if Organization.objects.exists():
        raise BenchmarkError("the database already holds organisations; the data set needs an empty one")
    _records, info["import"] = import_registry(PREFIX)
    analyze()
    data = national.build_orders(PREFIX, limit=SMALL_LIMIT if small else None, land=land)
    member_ids = [pk for pk, _population in data.municipalities]
    info["orders"] = {key: data.figures[key] for key in ("bulk_insert",)}
    info["members"] = len(member_ids)
    info["provider_id"] = data.provider.pk
    log(PREFIX, "billing prerequisites: seller profile, Leitweg-IDs")
    info["billing_prerequisites"] = billing_prerequisites(data.provider, member_ids)
    log(PREFIX, f"plan {PLAN_YEAR}: figures, calculate, submit, approve")
    t0 = time.perf_counter()
    plan = approved_plan(data.provider, data.products)
    info["plan"] = {
        "id": plan.pk,
        "year": plan.year,
        "status": plan.status,
        "setup_time": figure(time.perf_counter() - t0, "s"),
    }
    if for_load:
        from bench import load_data

        rng = random.Random(SEED)
        log(PREFIX, "logins, order inbox, committee")
        info["password"] = PASSWORD
        info["logins"] = load_data.logins(
            password=PASSWORD, member_ids=member_ids, staff=STAFF_USERS, members=MEMBER_USERS, rng=rng
        )
        info["order_inbox"] = load_data.order_inbox(
            products=data.products, member_ids=member_ids, count=ORDERS, rng=rng
        )
        info["committee"] = load_data.committee(
            provider=data.provider, member_ids=member_ids, seats=COMMITTEE_SEATS, with_login=COMMITTEE_USERS, rng=rng
        )
    if issue:
        log(PREFIX, f"final settlement {PLAN_YEAR}: prepare and issue (untimed)")
        t0 = time.perf_counter()
        run = issue_final_run(data.provider)
        info["billing_run"] = {"id": run.pk, "status": run.status, "time": figure(time.perf_counter() - t0, "s")}
    analyze()
    info["setup_time"] = figure(time.perf_counter() - started, "s")
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dataset", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="where to write the description (JSON)")
    parser.add_argument("--small", action="store_true", help=f"only the first {SMALL_LIMIT} municipalities")
    parser.add_argument("--land", help="only the municipalities of one Land (two-digit key, e.g. 01)")
    parser.add_argument("--issue", action="store_true", help="prepare and issue the final settlement")
    parser.add_argument("--for-load", action="store_true", help="logins, order inbox and committee too")
    args = parser.parse_args(argv)
    setup_django()
    info = build(small=args.small, issue=args.issue, for_load=args.for_load, land=args.land)
    args.out.write_text(json.dumps(info, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    log(PREFIX, f"done in {info['setup_time']['value']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
