"""The demo catalogue on a minimal federation (no GV100AD file needed): citeq, KAAW, Kreis Steinfurt IT and the
agreement "ÖrV citeq 2019" with a district-free city, a district and a municipality.

The catalogue step leaves "Produktkatalog 2026" proposed; here it is approved directly (as the committee
decision of the governance demo would, see test_demo_governance.py) before the subscriptions step."""

import datetime as dt
from decimal import Decimal

import pytest

from verbund.catalog.choices import CatalogueStatus, Category, ProductStatus, RevisionStatus, VatTreatment
from verbund.catalog.models import CatalogueVersion, PriceRevision, Product, ProductFamily
from verbund.catalog.selectors import approved_price_on
from verbund.catalog.services import catalogue_version_approve
from verbund.core.models import AuditEvent
from verbund.demo.catalogue import (
    PRODUCTS,
    VAT_2B_REASON,
    DemoCatalogueError,
    load_demo_catalogue,
    load_demo_subscriptions,
)
from verbund.orders.models import Order, Subscription
from verbund.registry.choices import OrganizationKind as K
from verbund.registry.choices import PartyRole
from verbund.registry.services import agreement_accession_record, agreement_create, organization_create

JAN_2025 = dt.date(2025, 1, 1)
JAN_2026 = dt.date(2026, 1, 1)


@pytest.fixture
def federation(db):
    nrw = organization_create(actor=None, name="Nordrhein-Westfalen", kind=K.STATE, ags="05", land="05")
    rb = organization_create(actor=None, name="Reg.-Bez. Münster", kind=K.REGION, ags="055", parent=nrw)
    muenster = organization_create(
        actor=None,
        name="Münster, Stadt",
        kind=K.MUNICIPALITY,
        ags="05515000",
        ars="055150000000",
        parent=rb,
        population=320946,
    )
    warendorf = organization_create(
        actor=None, name="Warendorf", kind=K.DISTRICT, ags="05570", parent=rb, population=278766
    )
    telgte = organization_create(
        actor=None,
        name="Telgte, Stadt",
        kind=K.MUNICIPALITY,
        ags="05570044",
        ars="055700044044",
        parent=warendorf,
        population=20222,
    )
    citeq = organization_create(
        actor=None, name="citeq", short_name="citeq", kind=K.PROVIDER, land="05", parent=muenster
    )
    kaaw = organization_create(actor=None, name="Zweckverband KAAW", short_name="KAAW", kind=K.PROVIDER, land="05")
    steinfurt_it = organization_create(
        actor=None, name="Kreis Steinfurt – IT", short_name="Kreis Steinfurt IT", kind=K.PROVIDER, land="05"
    )
    agreement = agreement_create(
        actor=None, name="ÖrV citeq", provider=citeq, valid_from=dt.date(2019, 1, 1), reference="ÖrV citeq 2019"
    )
    partners = [muenster, warendorf, telgte]
    for index, org in enumerate(partners):
        agreement_accession_record(
            actor=None,
            agreement=agreement,
            organization=org,
            joined_on=dt.date(2019, 1, 1),
            role=PartyRole.HOST if index == 0 else PartyRole.PARTNER,
        )
    return {"citeq": citeq, "KAAW": kaaw, "Kreis Steinfurt IT": steinfurt_it, "partners": partners}


def _counts():
    return (
        ProductFamily.objects.count(),
        Product.objects.count(),
        PriceRevision.objects.count(),
        CatalogueVersion.objects.count(),
        Order.objects.count(),
        Subscription.objects.count(),
        AuditEvent.objects.count(),
    )


def test_demo_catalogue_is_complete_and_idempotent(federation):
    result = load_demo_catalogue()

    # Products: about 40, every category, German and English names.
    products = Product.objects.all()
    assert products.count() == len(PRODUCTS) == result["products"]
    assert 38 <= products.count() <= 46
    assert set(products.values_list("category", flat=True)) == set(Category.values)
    assert all(p.name and p.name_en and p.description and p.description_en for p in products)
    assert ProductFamily.objects.count() == result["families"] == 8

    # 2025 approved; 2026 proposed for the committee, no subscriptions yet (they need approved 2026 prices).
    v2025 = CatalogueVersion.objects.get(name="Produktkatalog 2025")
    v2026 = CatalogueVersion.objects.get(name="Produktkatalog 2026")
    assert (v2025.status, v2025.year, v2025.decision_reference, v2025.approved_on) == (
        CatalogueStatus.APPROVED,
        2025,
        "ZA-2024/11",
        dt.date(2024, 11, 20),
    )
    assert (v2026.status, v2026.year, v2026.decision_reference) == (CatalogueStatus.PROPOSED, 2026, "")
    assert result["subscriptions"] == 0 and not Subscription.objects.exists()
    with pytest.raises(DemoCatalogueError, match="not approved"):
        load_demo_subscriptions()

    # The committee approves 2026 (the governance demo does this by its decision); 2026 does not supersede 2025.
    v2026 = catalogue_version_approve(
        actor=None, version=v2026, decision_reference="ZA-2025-001", approved_on=dt.date(2025, 11, 19)
    )
    v2025.refresh_from_db()
    assert (v2025.status, v2026.status, v2026.approved_on) == (
        CatalogueStatus.APPROVED,
        CatalogueStatus.APPROVED,
        dt.date(2025, 11, 19),
    )
    assert v2026.predecessor == v2025
    subscriptions = load_demo_subscriptions()
    assert v2025.provider == v2026.provider == federation["citeq"]

    # Lifecycle: one draft (in no version), one retired after 2025, every other product active.
    draft = products.get(status=ProductStatus.DRAFT)
    assert not draft.catalogue_items.exists()
    assert not draft.price_revisions.filter(status=RevisionStatus.APPROVED).exists()
    retired = products.get(status=ProductStatus.RETIRED)
    assert set(retired.catalogue_items.values_list("version__name", flat=True)) == {"Produktkatalog 2025"}
    active = products.filter(status=ProductStatus.ACTIVE)
    assert active.count() == len(PRODUCTS) - 2

    # Every active product has an approved 2026 price that is in the 2026 version.
    items_2026 = {item.product_id: item.price_revision for item in v2026.items.all()}
    assert set(items_2026) == set(active.values_list("pk", flat=True))
    for product in active:
        price = approved_price_on(product=product, on=JAN_2026)
        assert price is not None and price.valid_from == JAN_2026, product.number
        assert items_2026[product.pk] == price

    # Year comparison: products of both years are about 3 % cheaper in 2025 (storage got cheaper in 2026).
    both_years = [p for p in active if approved_price_on(product=p, on=JAN_2025) is not None]
    assert len(both_years) >= 30
    for product in both_years:
        ratio = (
            approved_price_on(product=product, on=JAN_2026).unit_price
            / approved_price_on(product=product, on=JAN_2025).unit_price
        )
        assert Decimal("0.90") < ratio < Decimal("1.05"), product.number
    assert v2025.items.count() == len(both_years) + 1  # plus the retired fax service

    # Details: variant, providers of origin, standard package, SLA, VAT.
    power = products.get(number="ARB-011")
    assert power.variant_of.number == "ARB-010" and power.variant_of.name == "Standard-Arbeitsplatz"
    origins = set(products.exclude(origin_provider=None).values_list("origin_provider__short_name", flat=True))
    assert origins == {"KAAW", "Kreis Steinfurt IT"}
    base_fee = products.get(name="Grundpauschale IT-Verbund")
    assert base_fee.unit == "flat" and base_fee.in_standard_package
    assert products.filter(in_standard_package=True).count() >= 3
    assert set(products.values_list("notice_period_months", flat=True)) <= {3, 6, 12}
    for product in products.exclude(sla_target_availability=None):
        assert Decimal("98.00") <= product.sla_target_availability <= Decimal("99.90")
    exempt = PriceRevision.objects.filter(vat_treatment=VatTreatment.NOT_TAXABLE_2B)
    assert exempt.exists()
    assert all(r.vat_rate == 0 and r.vat_exemption_reason == VAT_2B_REASON for r in exempt)
    taxable = PriceRevision.objects.filter(vat_treatment=VatTreatment.TAXABLE)
    assert taxable.count() > 5 * exempt.count()
    assert set(taxable.values_list("vat_rate", flat=True)) == {Decimal("19.00")}
    assert approved_price_on(product=products.get(number="ARB-010"), on=JAN_2026).unit_price == Decimal("1320.00")

    # Subscriptions for every partner, confirmed from 1 Jan 2026; the standard package for all.
    assert subscriptions["subscriptions"] == Subscription.objects.count() > 0
    assert not Order.objects.exclude(status="confirmed").exists()
    for member in federation["partners"]:
        subs = {s.product.number: s for s in Subscription.objects.filter(member=member).select_related("product")}
        assert {"BER-001", "ARB-010", "KOM-010", "INF-010", "FIN-010"} <= set(subs), member
        assert all(s.start_date == JAN_2026 and s.end_date is None for s in subs.values())
    muenster, warendorf, telgte = federation["partners"]
    seats = Subscription.objects.get(member=muenster, product__number="ARB-010").quantities.get().quantity
    assert seats == round(320946 / 250)
    assert Subscription.objects.get(member=telgte, product__number="OZG-010").quantities.get().quantity == 20222
    assert Subscription.objects.filter(member=warendorf, product__number="BUE-030").exists()  # Kfz: district
    assert not Subscription.objects.filter(member=warendorf, product__number="OZG-010").exists()
    assert not Subscription.objects.filter(product__status__in=["draft", "retired"]).exists()

    # The second call creates nothing, not even an audit event.
    before = _counts()
    again = load_demo_catalogue()
    assert set(again.values()) == {0}
    assert load_demo_subscriptions() == {"subscriptions": 0}
    assert _counts() == before


def test_demo_catalogue_needs_the_federation(db):
    with pytest.raises(DemoCatalogueError):
        load_demo_catalogue()
    with pytest.raises(DemoCatalogueError):
        load_demo_subscriptions()
