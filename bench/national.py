"""National-scale ordering data: a catalogue, an agreement with every municipality and ~275,000 subscriptions.

Shared by the ordering benchmark (`bench/orders.py`), the database billing run (`bench/billing_db.py`) and the
load benchmark (`bench/load.py`). `build_orders` creates, on a database that holds the GV100AD import,

1. a small synthetic catalogue through the catalogue services (a provider, 30 products, approved prices in an
   approved catalogue version) and an agreement with the municipalities as parties (bulk);
2. the subscriptions and their quantity rows (~275,000 + ~285,000 rows for all 10,981 municipalities, bulk,
   timed), and checks that the database holds exactly what was generated.

Import this module only after `django.setup()`.
"""

import datetime as dt
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count

from bench.common import BenchmarkError, figure, log
from verbund.catalog.choices import Category, ChargeUnit, ProductStatus, RevisionStatus, VatTreatment
from verbund.catalog.models import PriceRevision, Product
from verbund.catalog.services import (
    catalogue_version_approve,
    catalogue_version_compose,
    catalogue_version_create,
    catalogue_version_propose,
    price_revision_create,
    product_create,
    product_family_create,
    product_transition,
)
from verbund.core.audit import audit_record
from verbund.core.models import AuditAction
from verbund.orders.models import Subscription, SubscriptionQuantity
from verbund.registry.choices import OrganizationKind, PartyRole
from verbund.registry.models import AgreementParty, Organization
from verbund.registry.services import agreement_create, organization_create

SEED = 20231130
BATCH_SIZE = 5000  # rows per bulk_create call; Django splits it further on SQLite (999 variables per statement)
SUBSCRIPTIONS_PER_MEMBER = (22, 28)  # uniform, so about 25 on average
CHANGE_SHARE = 0.04  # subscriptions with a second quantity row (a confirmed change)
ENDED_SHARE = 0.02  # subscriptions that have ended (a confirmed cancellation)
CATALOGUE_YEAR = 2024
PRICES_FROM = dt.date(2024, 1, 1)
AGREEMENT_FROM = dt.date(2020, 1, 1)
# Subscriptions start on the first of a month between January 2024 and June 2025 (all priced from 2024).
START_DATES = [dt.date(2024 + (m // 12), m % 12 + 1, 1) for m in range(18)]
VAT_2B_REASON = "nicht steuerbar: Kooperation juristischer Personen des öffentlichen Rechts (§ 2b Abs. 3 UStG)"

# (family code, family name)
FAMILIES = [
    ("BEN-ARB", "Arbeitsplatz"),
    ("BEN-INF", "Infrastruktur"),
    ("BEN-KOM", "Kommunikation"),
    ("BEN-RZ", "Rechenzentrum"),
    ("BEN-FV", "Fachverfahren"),
    ("BEN-BER", "Beratung und Schulung"),
]


@dataclass(frozen=True)
class ProductSpec:
    number: str
    name: str
    family: str
    category: str
    unit: str
    price: str  # net EUR per unit and year (once for one-off products)
    factor: float = 1.0  # quantity = factor × the unit's base quantity (see _quantity)
    not_taxable: bool = False


C, U = Category, ChargeUnit
SP = Category.SPECIALISED_PROCEDURE
PRODUCTS = [
    ProductSpec("BEN-ARB-01", "Standardarbeitsplatz", "BEN-ARB", C.WORKPLACE, U.WORKSTATION, "1450"),
    ProductSpec("BEN-ARB-02", "Mobiler Arbeitsplatz", "BEN-ARB", C.WORKPLACE, U.WORKSTATION, "1690", 0.15),
    ProductSpec("BEN-ARB-03", "Druckerservice", "BEN-ARB", C.WORKPLACE, U.WORKSTATION, "120"),
    ProductSpec("BEN-ARB-04", "Softwareverteilung", "BEN-ARB", C.WORKPLACE, U.WORKSTATION, "85"),
    ProductSpec("BEN-ARB-05", "Einrichtung Arbeitsplatz", "BEN-ARB", C.WORKPLACE, U.ONE_OFF, "250", 0.1),
    ProductSpec("BEN-INF-01", "Netzanschluss", "BEN-INF", C.INFRASTRUCTURE, U.FLAT, "4800"),
    ProductSpec("BEN-INF-02", "Firewall-Service", "BEN-INF", C.INFRASTRUCTURE, U.FLAT, "2400"),
    ProductSpec("BEN-INF-03", "VPN-Zugang", "BEN-INF", C.INFRASTRUCTURE, U.USER, "36", 0.3),
    ProductSpec("BEN-INF-04", "Verzeichnisdienst", "BEN-INF", C.INFRASTRUCTURE, U.USER, "24"),
    ProductSpec("BEN-KOM-01", "E-Mail-Postfach", "BEN-KOM", C.COMMUNICATION, U.USER, "48"),
    ProductSpec("BEN-KOM-02", "Telefonie (VoIP)", "BEN-KOM", C.COMMUNICATION, U.USER, "96"),
    ProductSpec("BEN-KOM-03", "Videokonferenz", "BEN-KOM", C.COMMUNICATION, U.USER, "60", 0.5),
    ProductSpec("BEN-KOM-04", "Kollaborationsplattform", "BEN-KOM", C.COMMUNICATION, U.USER, "72"),
    ProductSpec("BEN-RZ-01", "Speicher", "BEN-RZ", C.DATA_CENTRE, U.GIGABYTE, "0.45"),
    ProductSpec("BEN-RZ-02", "Datensicherung", "BEN-RZ", C.DATA_CENTRE, U.GIGABYTE, "0.30"),
    ProductSpec("BEN-RZ-03", "Archivierung", "BEN-RZ", C.DATA_CENTRE, U.GIGABYTE, "0.20", 0.5),
    ProductSpec("BEN-RZ-04", "Serverbetrieb", "BEN-RZ", C.DATA_CENTRE, U.FLAT, "3600"),
    ProductSpec("BEN-FV-01", "Einwohnerwesen", "BEN-FV", SP, U.INHABITANT, "0.42", not_taxable=True),
    ProductSpec("BEN-FV-02", "Personenstandswesen", "BEN-FV", SP, U.CASE, "3.10", 0.01, True),
    ProductSpec("BEN-FV-03", "Finanzwesen (Doppik)", "BEN-FV", SP, U.USER, "780", 0.03, True),
    ProductSpec("BEN-FV-04", "Gewerbewesen", "BEN-FV", SP, U.CASE, "2.40", 0.008, True),
    ProductSpec("BEN-FV-05", "Bauportal", "BEN-FV", SP, U.INHABITANT, "0.08", not_taxable=True),
    ProductSpec("BEN-FV-06", "OZG-Serviceportal", "BEN-FV", SP, U.INHABITANT, "0.15", not_taxable=True),
    ProductSpec("BEN-FV-07", "Ratsinformationssystem", "BEN-FV", SP, U.FLAT, "1900", not_taxable=True),
    ProductSpec("BEN-FV-08", "Personalabrechnung", "BEN-FV", SP, U.CASE, "4.20", 0.12, True),
    ProductSpec("BEN-FV-09", "Wahlsoftware", "BEN-FV", SP, U.FLAT, "650", not_taxable=True),
    ProductSpec("BEN-FV-10", "Friedhofswesen", "BEN-FV", SP, U.CASE, "5.50", 0.012, True),
    ProductSpec("BEN-BER-01", "IT-Beratung", "BEN-BER", C.CONSULTING, U.HOUR, "115", not_taxable=True),
    ProductSpec("BEN-BER-02", "Schulung", "BEN-BER", C.TRAINING, U.HOUR, "95", not_taxable=True),
    ProductSpec("BEN-BER-03", "Informationssicherheitsberatung", "BEN-BER", C.CONSULTING, U.HOUR, "125", 0.5, True),
]
# Quantities of these units follow from the member (population, 1) and are never changed by an order.
FIXED_QUANTITY_UNITS = frozenset({ChargeUnit.INHABITANT, ChargeUnit.FLAT, ChargeUnit.ONE_OFF})

# ---------------------------------------------------------------- catalogue and agreement


def create_catalogue(actor: Any) -> tuple[Organization, dict[str, Product]]:
    """Provider, families, products, prices and an approved catalogue version, all through the services."""
    provider = organization_create(
        actor=actor, name="Benchmark IT-Dienstleister AöR", short_name="BENCH-IT", kind=OrganizationKind.PROVIDER
    )
    families = {
        code: product_family_create(actor=actor, code=code, name=name, position=10 * i)
        for i, (code, name) in enumerate(FAMILIES, start=1)
    }
    products: dict[str, Product] = {}
    for spec in PRODUCTS:
        product = product_create(
            actor=actor,
            number=spec.number,
            name=spec.name,
            family=families[spec.family],
            category=spec.category,
            unit=spec.unit,
            origin_provider=provider,
        )
        product = product_transition(actor=actor, product=product, to_status=ProductStatus.PROPOSED)
        vat: dict[str, Any] = (
            {
                "vat_treatment": VatTreatment.NOT_TAXABLE_2B,
                "vat_rate": Decimal("0.00"),
                "vat_exemption_reason": VAT_2B_REASON,
            }
            if spec.not_taxable
            else {"vat_treatment": VatTreatment.TAXABLE, "vat_rate": Decimal("19.00")}
        )
        price_revision_create(
            actor=actor, product=product, valid_from=PRICES_FROM, unit_price=Decimal(spec.price), **vat
        )
        products[spec.number] = product
    version = catalogue_version_create(
        actor=actor, provider=provider, year=CATALOGUE_YEAR, name=f"Produktkatalog {CATALOGUE_YEAR} (Benchmark)"
    )
    catalogue_version_compose(actor=actor, version=version)
    version = catalogue_version_propose(actor=actor, version=version)
    catalogue_version_approve(
        actor=actor, version=version, decision_reference="VR-BENCH-2023-12", approved_on=dt.date(2023, 12, 1)
    )
    active = {p.number: p for p in Product.objects.filter(number__in=products, status=ProductStatus.ACTIVE)}
    approved = PriceRevision.objects.filter(product__in=active.values(), status=RevisionStatus.APPROVED).count()
    if len(active) != len(PRODUCTS) or approved != len(PRODUCTS):
        raise BenchmarkError(
            f"catalogue set-up: {len(active)} active products and {approved} approved prices, expected {len(PRODUCTS)}"
        )
    return provider, active


def create_agreement(actor: Any, provider: Organization, municipality_ids: list[int]) -> int:
    """One agreement with every municipality as a partner.

    `agreement_accession_record` checks, locks and audits one accession at a time (several queries each), which
    is far too slow for 10,981 parties. A real migration of existing memberships would import them in bulk, as
    done here, and note the import with one audit event instead of one per party.
    """
    agreement = agreement_create(
        actor=actor,
        name="Öffentlich-rechtliche Vereinbarung (Benchmark, alle Gemeinden)",
        reference="ÖrV-BENCH",
        provider=provider,
        valid_from=AGREEMENT_FROM,
    )
    with transaction.atomic():
        parties = AgreementParty.objects.bulk_create(
            (
                AgreementParty(
                    agreement=agreement, organization_id=org_id, role=PartyRole.PARTNER, joined_on=AGREEMENT_FROM
                )
                for org_id in municipality_ids
            ),
            batch_size=BATCH_SIZE,
        )
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=agreement,
            after={"parties_imported": len(parties)},
            scope_organization_id=provider.pk,
            message="Bulk import of the accessions (benchmark)",
        )
    return len(parties)


# ---------------------------------------------------------------- subscriptions


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    return dt.date(day.year + index // 12, index % 12 + 1, 1)


def _quantity(spec: ProductSpec, rng: random.Random, population: int, seats: int, users: int) -> int:
    unit = spec.unit
    if unit == ChargeUnit.INHABITANT:
        return population
    if unit == ChargeUnit.FLAT:
        return 1
    if unit == ChargeUnit.WORKSTATION:
        return max(1, round(seats * spec.factor))
    if unit == ChargeUnit.USER:
        return max(1, round(users * spec.factor))
    if unit == ChargeUnit.GIGABYTE:
        return max(10, round(seats * rng.choice((20, 30, 50)) * spec.factor))
    if unit == ChargeUnit.CASE:
        return max(1, round(population * spec.factor * rng.uniform(0.8, 1.2)))
    if unit == ChargeUnit.HOUR:
        return max(4, round(rng.choice((8, 20, 40, 80)) * spec.factor))
    return max(1, round(seats * spec.factor))  # one-off: a count of set-ups


@dataclass
class Plan:
    """One subscription to create: its quantity rows as (valid_from, quantity)."""

    member_id: int
    product_id: int
    start_date: dt.date
    end_date: dt.date | None
    version: int
    quantities: list[tuple[dt.date, Decimal]]


def subscription_plans(
    members: list[tuple[int, int | None]], products: dict[str, Product], rng: random.Random
) -> Iterator[Plan]:
    """The subscriptions of every member (id, population), deterministic for a given random generator."""
    specs = [(spec, products[spec.number].pk) for spec in PRODUCTS]
    with_population = specs
    without_population = [(s, pk) for s, pk in specs if s.unit != ChargeUnit.INHABITANT]
    for member_id, population in members:
        people = population or 0
        seats = max(2, round(people / 250 * rng.uniform(0.8, 1.25)))
        users = max(2, round(seats * rng.uniform(1.0, 1.1)))
        eligible = with_population if people > 0 else without_population
        count = min(rng.randint(*SUBSCRIPTIONS_PER_MEMBER), len(eligible))
        chosen = sorted(rng.sample(eligible, count), key=lambda c: c[0].number)
        for spec, product_id in chosen:
            start = rng.choice(START_DATES)
            quantity = _quantity(spec, rng, people, seats, users)
            quantities = [(start, Decimal(quantity))]
            version = 1
            if spec.unit not in FIXED_QUANTITY_UNITS and rng.random() < CHANGE_SHARE:
                changed = max(1, round(quantity * rng.uniform(0.7, 1.4)))
                quantities.append((_add_months(start, rng.randint(3, 9)), Decimal(changed)))
                version += 1
            end = None
            if rng.random() < ENDED_SHARE:
                end = _add_months(start, 12) - dt.timedelta(days=1)  # after any change (at most 9 months in)
                version += 1
            yield Plan(member_id, product_id, start, end, version, quantities)


@dataclass
class BulkStats:
    subscriptions: int = 0
    quantities: int = 0
    changed: int = 0
    ended: int = 0
    db_seconds: float = 0.0  # inside bulk_create (SQL and Django's row preparation)


def _flush(batch: list[Plan], stats: BulkStats) -> None:
    now = dt.datetime.now(dt.UTC)
    subscriptions = [
        Subscription(
            member_id=p.member_id,
            product_id=p.product_id,
            start_date=p.start_date,
            end_date=p.end_date,
            version=p.version,
            created=now,
            modified=now,
        )
        for p in batch
    ]
    t0 = time.perf_counter()
    Subscription.objects.bulk_create(subscriptions, batch_size=BATCH_SIZE)
    stats.db_seconds += time.perf_counter() - t0
    quantities = [
        SubscriptionQuantity(subscription_id=sub.pk, valid_from=valid_from, quantity=quantity)
        for sub, plan in zip(subscriptions, batch, strict=True)
        for valid_from, quantity in plan.quantities
    ]
    t0 = time.perf_counter()
    SubscriptionQuantity.objects.bulk_create(quantities, batch_size=BATCH_SIZE)
    stats.db_seconds += time.perf_counter() - t0
    stats.subscriptions += len(subscriptions)
    stats.quantities += len(quantities)
    stats.changed += sum(1 for p in batch if len(p.quantities) > 1)
    stats.ended += sum(1 for p in batch if p.end_date is not None)


def bulk_create_subscriptions(plans: Iterator[Plan]) -> BulkStats:
    """Insert in batches of BATCH_SIZE subscriptions (then their quantity rows), in one transaction."""
    stats = BulkStats()
    batch: list[Plan] = []
    with transaction.atomic():
        for plan in plans:
            batch.append(plan)
            if len(batch) >= BATCH_SIZE:
                _flush(batch, stats)
                batch = []
        if batch:
            _flush(batch, stats)
    return stats


# ---------------------------------------------------------------- the whole ordering data set


@dataclass
class OrdersData:
    provider: Organization
    products: dict[str, Product]
    municipalities: list[tuple[int, int | None]]  # (id, population) of the parties, in AGS order
    per_member: dict[int, int]  # member id → number of subscriptions
    figures: dict[str, Any]


def build_orders(prefix: str, limit: int | None = None, land: str | None = None) -> OrdersData:
    """Catalogue, agreement and subscriptions for every municipality (the first `limit` in AGS order if given;
    only those of one Land, by its two-digit key, if `land` is given),
    with the correctness checks; on PostgreSQL `ANALYZE` afterwards. Returns the data and the "orders" figures
    of the set-up (catalogue, agreement_parties, bulk_insert, analyze_time)."""
    result: dict[str, Any] = {}
    municipalities = list(
        Organization.objects.filter(kind=OrganizationKind.MUNICIPALITY, ags__startswith=land or "")
        .order_by("ags")
        .values_list("pk", "population")
    )
    if limit is not None:
        municipalities = municipalities[:limit]

    log(prefix, f"orders: catalogue ({len(PRODUCTS)} products) and agreement with {len(municipalities)} parties")
    t0 = time.perf_counter()
    provider, products = create_catalogue(actor=None)
    catalogue_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    parties = create_agreement(None, provider, [pk for pk, _population in municipalities])
    parties_s = time.perf_counter() - t0
    result["catalogue"] = {
        "products": figure(len(products), "rows"),
        "setup_time": figure(catalogue_s, "s"),
        "note": "provider, families, products, prices and an approved catalogue version through the services",
    }
    result["agreement_parties"] = {
        "rows": figure(parties, "rows"),
        "time": figure(parties_s, "s"),
        "rows_per_second": figure(parties / parties_s, "rows/s", 1),
    }

    log(prefix, f"orders: bulk-create subscriptions for {len(municipalities)} municipalities")
    t0 = time.perf_counter()
    stats = bulk_create_subscriptions(subscription_plans(municipalities, products, random.Random(SEED)))
    bulk_s = time.perf_counter() - t0
    per_member = dict(
        Subscription.objects.order_by().values("member_id").annotate(n=Count("id")).values_list("member_id", "n")
    )
    db_subscriptions = Subscription.objects.count()
    db_quantities = SubscriptionQuantity.objects.count()
    if db_subscriptions != stats.subscriptions or db_quantities != stats.quantities:
        raise BenchmarkError(
            f"bulk insert: the database holds {db_subscriptions} subscriptions and {db_quantities} quantity rows, "
            f"expected {stats.subscriptions} and {stats.quantities}"
        )
    if len(per_member) != len(municipalities):
        raise BenchmarkError(f"bulk insert: {len(per_member)} members have subscriptions, not {len(municipalities)}")
    rows = stats.subscriptions + stats.quantities
    result["bulk_insert"] = {
        "subscriptions": figure(stats.subscriptions, "rows"),
        "quantity_rows": figure(stats.quantities, "rows"),
        "rows_written": figure(rows, "rows"),
        "time": figure(bulk_s, "s"),
        "rows_per_second": figure(rows / bulk_s, "rows/s", 1),
        "time_in_bulk_create": figure(stats.db_seconds, "s"),
        "subscriptions_changed": figure(stats.changed, "rows"),
        "subscriptions_ended": figure(stats.ended, "rows"),
        "batch_size": figure(BATCH_SIZE, "rows"),
        "subscriptions_per_member": {
            "min": min(per_member.values()),
            "mean": round(stats.subscriptions / len(per_member), 2),
            "max": max(per_member.values()),
            "unit": "subscriptions",
        },
    }
    log(prefix, f"orders: {rows} rows in {bulk_s:.2f} s ({stats.db_seconds:.2f} s in bulk_create)")

    if connection.vendor == "postgresql":
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as after the GV100AD import: what autovacuum would soon do
        result["analyze_time"] = figure(time.perf_counter() - t0, "s")
    return OrdersData(provider, products, municipalities, per_member, result)
