"""Demo of the third Münsterland provider billing beside citeq and the operating company (issue #14: "Verbund runs
the three Münsterland providers and their operating company side by side"): Kreis Steinfurt's IT services with
their own agreement (three towns of the district), an approved 2026 catalogue of one product and the towns'
subscriptions from 2025. With the seller profile of `verbund/demo/billing.py` (series `STRE-…`), `billing-run`
issues Kreis Steinfurt IT's instalments too. Demo figures, not real data; written through the services;
idempotent (what exists is left as it is).
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from verbund.catalog import services as catalog
from verbund.catalog.models import CatalogueVersion, CatalogueVersionItem, Product, ProductFamily
from verbund.orders.models import Subscription, SubscriptionQuantity
from verbund.registry.choices import OrganizationKind
from verbund.registry.keys import make_leitweg_id
from verbund.registry.models import Agreement, AgreementParty, Organization
from verbund.registry.services import agreement_accession_record, agreement_create, organization_update

PRODUCT = "KST-GIS"
PRICE = Decimal("240.00")  # per user and year, demo figure
AGREEMENT_REFERENCE = "KST-ÖrV-2020"
START = dt.date(2020, 1, 1)
TOWNS = (("05566004", 12), ("05566008", 30), ("05566012", 25))  # Altenberge, Emsdetten, Greven: users (demo)


def _product(provider: Organization) -> Product | None:
    product = Product.objects.filter(number=PRODUCT).first()
    if product is not None:
        return product
    family = ProductFamily.objects.filter(code="RZI").first()
    if family is None:
        return None
    product = catalog.product_create(
        actor=None,
        number=PRODUCT,
        name="Geoinformationssystem (Kreis Steinfurt)",
        name_en="Geographic information system (Kreis Steinfurt)",
        family=family,
        category="specialised_procedure",
        unit="user",
        origin_provider=provider,
    )
    catalog.product_transition(actor=None, product=product, to_status="proposed")
    catalog.price_revision_create(
        actor=None, product=product, valid_from=dt.date(2025, 1, 1), unit_price=PRICE, note="Demo-Zahl"
    )
    return product


def _catalogue(provider: Organization, product: Product) -> None:
    if CatalogueVersion.objects.filter(provider=provider, year=2026).exists():
        return
    version = catalog.catalogue_version_create(
        actor=None, provider=provider, year=2026, name="Leistungskatalog Kreis Steinfurt IT 2026 (Demo)"
    )
    CatalogueVersionItem.objects.create(version=version, product=product, price_revision=product.price_revisions.get())
    catalog.catalogue_version_propose(actor=None, version=version)
    catalog.catalogue_version_approve(
        actor=None,
        version=version,
        decision_reference="Kreisausschuss 2024/21 (Demo)",
        approved_on=dt.date(2024, 12, 9),
    )


def _agreement(provider: Organization) -> Agreement:
    agreement = Agreement.objects.filter(provider=provider, reference=AGREEMENT_REFERENCE).first()
    if agreement is None:
        agreement = agreement_create(
            actor=None,
            name="Öffentlich-rechtliche Vereinbarung über IT-Dienstleistungen des Kreises Steinfurt",
            provider=provider,
            valid_from=START,
            reference=AGREEMENT_REFERENCE,
            description="Kreis Steinfurt als Dienstleister für kreisangehörige Kommunen (Demo).",
        )
    return agreement


@transaction.atomic
def load_demo_steinfurt() -> dict[str, Any]:
    result = {"parties": 0, "subscriptions": 0}
    provider = Organization.objects.filter(kind=OrganizationKind.PROVIDER, short_name="Kreis Steinfurt IT").first()
    if provider is None:
        return result
    product = _product(provider)
    if product is None:
        return result
    _catalogue(provider, product)
    product.refresh_from_db()
    agreement = _agreement(provider)
    for ags, users in TOWNS:
        town = Organization.objects.filter(kind=OrganizationKind.MUNICIPALITY, ags=ags).first()
        if town is None:
            continue
        if not town.leitweg_id:
            town = organization_update(actor=None, organization=town, leitweg_id=make_leitweg_id(ags, "ITDL"))
        if not AgreementParty.objects.filter(agreement=agreement, organization=town).exists():
            agreement_accession_record(
                actor=None,
                agreement=agreement,
                organization=town,
                joined_on=START,
                committee_decision_ref="Kreistag 2019/7 (Demo)",
            )
            result["parties"] += 1
        if not Subscription.objects.filter(member=town, product=product).exists():
            sub = Subscription.objects.create(member=town, product=product, start_date=dt.date(2025, 1, 1))
            SubscriptionQuantity.objects.create(subscription=sub, valid_from=dt.date(2025, 1, 1), quantity=users)
            result["subscriptions"] += 1
    return result
