"""The loaders of the demo catalogue and the demo subscriptions (idempotent, through the services)."""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from verbund.catalog.choices import (
    CatalogueStatus,
    ProductStatus,
    VatTreatment,
)
from verbund.catalog.models import CatalogueVersion, PriceRevision, Product, ProductFamily
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
from verbund.demo.catalogue.products import PRODUCTS, PRODUCTS_BY_NUMBER
from verbund.demo.catalogue.spec import (
    AGREEMENT_REFERENCE,
    DRAFT_ONLY,
    DRAFT_PRICE_FROM,
    FAMILIES,
    PRODUCT_MANAGER_USERNAME,
    PROVIDER_SHORT_NAME,
    SUBSCRIPTION_START,
    UNTIL_2025,
    VAT_2B_REASON,
    YEAR_2025,
    YEAR_2026,
    CatalogueYear,
)
from verbund.orders.models import Subscription
from verbund.orders.services import order_confirm, order_submit_new
from verbund.registry.choices import OrganizationKind
from verbund.registry.models import Agreement, AgreementParty, Organization


class DemoCatalogueError(RuntimeError):
    """The federation the catalogue builds on (citeq, the agreement) is missing."""


@dataclass
class _Counter:
    families: int = 0
    products: int = 0
    price_revisions: int = 0
    catalogue_versions: int = 0
    retired_products: int = 0
    subscriptions: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


# ---------------------------------------------------------------- catalogue


def _provider(short_name: str) -> Organization | None:
    return Organization.objects.filter(kind=OrganizationKind.PROVIDER, short_name=short_name).first()


def _ensure_families(actor: Any, counter: _Counter) -> dict[str, ProductFamily]:
    families = {}
    for position, (code, name, name_en) in enumerate(FAMILIES, start=1):
        family = ProductFamily.objects.filter(code=code).first()
        if family is None:
            family = product_family_create(actor=actor, code=code, name=name, name_en=name_en, position=position * 10)
            counter.families += 1
        families[code] = family
    return families


def _ensure_products(actor: Any, counter: _Counter, families: dict[str, ProductFamily]) -> dict[str, Product]:
    from verbund.accounts.models import User

    manager = User.objects.filter(username=PRODUCT_MANAGER_USERNAME).first()
    products: dict[str, Product] = {
        p.number: p for p in Product.objects.filter(number__in=PRODUCTS_BY_NUMBER).select_related("variant_of")
    }
    # Base products before their variants.
    for spec in sorted(PRODUCTS, key=lambda s: s.variant_of is not None):
        if spec.number in products:
            continue
        origin = _provider(spec.origin) if spec.origin else None
        products[spec.number] = product_create(
            actor=actor,
            number=spec.number,
            name=spec.name,
            name_en=spec.name_en,
            description=spec.description,
            description_en=spec.description_en,
            family=families[spec.family],
            variant_of=products[spec.variant_of] if spec.variant_of else None,
            category=spec.category,
            unit=spec.unit,
            in_standard_package=spec.in_standard_package,
            origin_provider=origin,
            product_manager=manager,
            notice_period_months=spec.notice_months,
            sla_service_hours=spec.service_hours,
            sla_target_availability=Decimal(spec.availability) if spec.availability else None,
            sla_support_hours=spec.support_hours,
        )
        counter.products += 1
    return products


def _ensure_prices(actor: Any, counter: _Counter, products: dict[str, Product], year: CatalogueYear) -> None:
    for spec in PRODUCTS:
        if year.year not in spec.years():
            continue
        product = products[spec.number]
        product.refresh_from_db(fields=["status"])
        if product.status == ProductStatus.RETIRED:
            continue
        if PriceRevision.objects.filter(product=product, valid_from=year.valid_from).exists():
            continue
        vat: dict[str, Any] = (
            {
                "vat_treatment": VatTreatment.NOT_TAXABLE_2B,
                "vat_rate": Decimal("0.00"),
                "vat_exemption_reason": VAT_2B_REASON,
            }
            if spec.not_taxable_2b
            else {"vat_treatment": VatTreatment.TAXABLE, "vat_rate": Decimal("19.00")}
        )
        price_revision_create(
            actor=actor,
            product=product,
            valid_from=year.valid_from,
            unit_price=spec.price_for(year.year),
            note=f"{year.name} (Plankostenrechnung)",
            **vat,
        )
        counter.price_revisions += 1


def _ensure_draft_products(actor: Any, counter: _Counter, products: dict[str, Product]) -> None:
    """Draft products get a planned price for the next catalogue; they are never proposed."""
    for spec in PRODUCTS:
        if spec.lifecycle != DRAFT_ONLY:
            continue
        product = products[spec.number]
        if PriceRevision.objects.filter(product=product, valid_from=DRAFT_PRICE_FROM).exists():
            continue
        price_revision_create(
            actor=actor,
            product=product,
            valid_from=DRAFT_PRICE_FROM,
            unit_price=Decimal(spec.price),
            note="Planwert für den Produktkatalog 2027 (Pilot in Vorbereitung)",
        )
        counter.price_revisions += 1


def _ensure_version(
    actor: Any,
    counter: _Counter,
    provider: Organization,
    products: dict[str, Product],
    year: CatalogueYear,
    predecessor: CatalogueVersion | None,
) -> CatalogueVersion:
    version = CatalogueVersion.objects.filter(provider=provider, name=year.name).first()
    if version is None:
        version = catalogue_version_create(
            actor=actor, provider=provider, year=year.year, name=year.name, predecessor=predecessor
        )
        counter.catalogue_versions += 1
    if version.status == CatalogueStatus.DRAFT:
        for spec in PRODUCTS:
            product = products[spec.number]
            product.refresh_from_db(fields=["status"])
            if year.year in spec.years() and product.status == ProductStatus.DRAFT:
                product_transition(actor=actor, product=product, to_status=ProductStatus.PROPOSED)
        catalogue_version_compose(actor=actor, version=version)
        version = catalogue_version_propose(actor=actor, version=version)
    if version.status == CatalogueStatus.PROPOSED and year.decision_reference and year.approved_on:
        version = catalogue_version_approve(
            actor=actor,
            version=version,
            decision_reference=year.decision_reference,
            approved_on=year.approved_on,
        )
    return version


def _retire_discontinued(actor: Any, counter: _Counter, products: dict[str, Product]) -> None:
    for spec in PRODUCTS:
        if spec.lifecycle != UNTIL_2025:
            continue
        product = products[spec.number]
        product.refresh_from_db(fields=["status"])
        if product.status == ProductStatus.ACTIVE:
            product_transition(actor=actor, product=product, to_status=ProductStatus.RETIRED)
            counter.retired_products += 1


# ---------------------------------------------------------------- subscriptions


def _is_district_free_city(member: Organization) -> bool:
    """Kreisfreie Städte have the municipality part 000 in their AGS (Münster 05515000, Hamm 05915000)."""
    return member.kind == OrganizationKind.MUNICIPALITY and len(member.ags) == 8 and member.ags.endswith("000")


def subscription_plan(member: Organization) -> list[tuple[str, int | None]]:
    """The demo basket of one member: (product number, quantity or None for per-inhabitant/flat products).

    Workplaces scale with the population (one per 250 inhabitants, at least 10); e-mail users are about the
    workplaces; the rest varies with a random generator seeded by the member's official key (deterministic).
    """
    rng = random.Random(f"verbund-demo-catalogue:{member.ags or member.pk}")
    population = member.population or 0
    seats = max(10, round(population / 250))
    users = round(seats * rng.uniform(1.00, 1.08))
    is_district = member.kind == OrganizationKind.DISTRICT
    is_municipality = member.kind == OrganizationKind.MUNICIPALITY

    plan: list[tuple[str, int | None]] = [
        ("BER-001", None),  # Grundpauschale (standard package)
        ("ARB-010", seats),
        ("INF-010", seats),
        ("KOM-010", users),
        ("INF-030", users),
        ("ARB-020", max(2, round(seats * rng.uniform(0.10, 0.25)))),
        ("RZ-030", seats * rng.choice([20, 25, 30, 40])),
        ("BER-070", seats),
        ("FIN-010", max(2, round(seats * rng.uniform(0.02, 0.035)))),  # Finanzsoftware Doppik
    ]
    if seats >= 40:
        plan.append(("ARB-011", max(2, round(seats * 0.04))))
    if is_municipality:
        plan.append(("BUE-010", max(1, round(seats * 0.015))))  # Einwohnerwesen
        if population:
            plan.append(("OZG-010", None))  # portal, per inhabitant
        if rng.random() < 0.5:
            plan.append(("BUE-020", max(1, round(seats * 0.008))))  # Personenstandswesen
    if (is_district or _is_district_free_city(member)) and population:
        plan.append(("BUE-030", round(population * 0.22)))  # Kfz-Zulassung: registrations a year
    if is_district:
        plan.append(("BUE-050", max(2, round(seats * 0.02))))  # Sozialwesen
    if rng.random() < 0.5:
        plan.append(("BER-010", rng.choice([20, 40, 80])))  # consulting contingent in hours
    return plan


def _partners(provider: Organization) -> Iterator[Organization]:
    agreement = Agreement.objects.filter(reference=AGREEMENT_REFERENCE, provider=provider).first()
    if agreement is None:
        raise DemoCatalogueError(f"the agreement {AGREEMENT_REFERENCE!r} does not exist; load the federation first")
    parties = (
        AgreementParty.objects.filter(agreement=agreement, joined_on__lte=SUBSCRIPTION_START)
        .exclude(left_on__lt=SUBSCRIPTION_START)
        .select_related("organization")
        .order_by("organization__ags", "organization_id")
    )
    for party in parties:
        yield party.organization


def _ensure_subscriptions(actor: Any, counter: _Counter, provider: Organization) -> None:
    products = {p.number: p for p in Product.objects.filter(number__in=PRODUCTS_BY_NUMBER)}  # current statuses
    for member in _partners(provider):
        existing = set(Subscription.objects.filter(member=member).values_list("product__number", flat=True))
        for number, quantity in subscription_plan(member):
            if number in existing or products[number].status == ProductStatus.RETIRED:  # retired: transferred
                continue
            order = order_submit_new(
                actor=actor,
                member=member,
                product=products[number],
                quantity=None if quantity is None else Decimal(quantity),
                start_date=SUBSCRIPTION_START,
                as_of=SUBSCRIPTION_START,
                comment="Demo-Bestand: Übernahme der laufenden Leistungen zum 01.01.2026",
            )
            order_confirm(actor=actor, order=order)
            counter.subscriptions += 1


# ---------------------------------------------------------------- entry point


def _citeq() -> Organization:
    provider = _provider(PROVIDER_SHORT_NAME)
    if provider is None:
        raise DemoCatalogueError(f"the provider {PROVIDER_SHORT_NAME!r} does not exist; load the federation first")
    return provider


@transaction.atomic
def load_demo_catalogue(*, actor: Any = None) -> dict[str, int]:
    """Load the demo catalogue: families, products, prices 2025/2026, "Produktkatalog 2025" approved and
    "Produktkatalog 2026" proposed (the governance demo approves it). Returns what was created (`subscriptions`
    is always 0 here; see `load_demo_subscriptions`); a second call creates nothing and returns zeros.

    Needs the demo federation: provider citeq (and, for products of origin, KAAW and Kreis Steinfurt IT) and
    the agreement "ÖrV citeq 2019" with its partners."""
    provider = _citeq()
    counter = _Counter()
    families = _ensure_families(actor, counter)
    products = _ensure_products(actor, counter, families)
    _ensure_prices(actor, counter, products, YEAR_2025)
    version_2025 = _ensure_version(actor, counter, provider, products, YEAR_2025, predecessor=None)
    _retire_discontinued(actor, counter, products)
    _ensure_prices(actor, counter, products, YEAR_2026)
    _ensure_version(actor, counter, provider, products, YEAR_2026, predecessor=version_2025)
    _ensure_draft_products(actor, counter, products)
    return counter.as_dict()


@transaction.atomic
def load_demo_subscriptions(*, actor: Any = None) -> dict[str, int]:
    """The partners' subscriptions from 1 Jan 2026, ordered and confirmed. Needs the approved "Produktkatalog
    2026" (its prices): run it after the governance demo. Returns {"subscriptions": created}; idempotent."""
    provider = _citeq()
    version = CatalogueVersion.objects.filter(provider=provider, name=YEAR_2026.name).first()
    if version is None or version.status != CatalogueStatus.APPROVED:
        raise DemoCatalogueError(
            f"{YEAR_2026.name!r} is not approved; load the catalogue and the governance demo (its decision) first"
        )
    counter = _Counter()
    _ensure_subscriptions(actor, counter, provider)
    return {"subscriptions": counter.subscriptions}


def summary_line(result: dict[str, int]) -> str:
    """One line for the load-demo command."""
    return (
        f"Demo catalogue: {result['families']} families, {result['products']} products, "
        f"{result['price_revisions']} prices, {result['catalogue_versions']} catalogue versions, "
        f"{result['retired_products']} retired, {result['subscriptions']} subscriptions created (existing ones kept)."
    )
