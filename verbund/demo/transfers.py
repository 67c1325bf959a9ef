"""Demo of service transfers (issue #14): KAAW's and citeq's e-mail service moved to the operating company on
1 January 2026: citeq's by a recorded decision of the Zentralausschuss meeting of 19 Nov 2025, KAAW's by the
identical resolutions of KAAW's Verbandsversammlung and the operating company's Gesellschafterversammlung
(`verbund/demo/transfer_bodies.py`); one more transfer proposed on the agenda of the invited meeting of 10 Dec
2026.

KAAW has no catalogue in the demo otherwise: it gets a minimal 2026 catalogue with its e-mail product (price from
2025) and subscriptions of some Kreis Borken municipalities from 2025 (demo figures, not real data). Written
through the services; idempotent (what exists is left as it is). Runs while the 2025 meeting is still invited
(before `hold_demo_meeting`).
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from verbund.catalog import services as catalog
from verbund.catalog.models import CatalogueVersion, Product, ProductFamily
from verbund.demo.governance.common import HELD_START, UPCOMING_START, Counter
from verbund.demo.governance.meetings import ensure_attendance, ensure_item, ensure_paper, vote_and_decide
from verbund.demo.joining import ensure_opco_agreement, give_parties_routing_ids, load_demo_joining
from verbund.demo.transfer_bodies import bodies_for, decide_in_bodies, transfer_bodies
from verbund.governance.choices import PaperType, SubjectKind
from verbund.governance.models import Committee, Meeting
from verbund.orders.models import Subscription, SubscriptionQuantity
from verbund.registry.choices import OrganizationKind
from verbund.registry.models import Organization
from verbund.transfers import services
from verbund.transfers.models import ServiceTransfer

KAAW_PRODUCT = "KAAW-MAIL"
KAAW_PRICE = Decimal("72.00")  # demo figure
BORKEN_USERS = (("05554004", 180), ("05554008", 240), ("05554012", 95), ("05554020", 310))  # demo figures
EFFECTIVE = dt.date(2026, 1, 1)
MAIL_PRICE = Decimal("76.00")  # the operating company's price from 2026 (demo figure)
TRANSFERS = {
    "citeq": ("Übertragung E-Mail-Postfach citeq → Münsterland IT Betrieb", "KOM-010", "ZA-V-2025/31"),
    "KAAW": ("Übertragung E-Mail-Postfach KAAW → Münsterland IT Betrieb", KAAW_PRODUCT, "ZA-V-2025/32"),
}
PROPOSED = ("Übertragung Kollaborationsplattform citeq → Münsterland IT Betrieb", "KOM-020", "ZA-V-2026/31")


def _kaaw_catalogue(kaaw: Organization, counter: Counter) -> Product | None:
    product = Product.objects.filter(number=KAAW_PRODUCT).first()
    family = ProductFamily.objects.filter(code="KOM").first()
    if product is None:
        if family is None:
            counter.note("KAAW catalogue skipped: no product family KOM (load the catalogue demo)")
            return None
        product = catalog.product_create(
            actor=None,
            number=KAAW_PRODUCT,
            name="E-Mail-Postfach (KAAW)",
            name_en="E-mail mailbox (KAAW)",
            family=family,
            category="communication",
            unit="user",
            origin_provider=kaaw,
        )
        catalog.product_transition(actor=None, product=product, to_status="proposed")
        catalog.price_revision_create(
            actor=None, product=product, valid_from=dt.date(2025, 1, 1), unit_price=KAAW_PRICE, note="Demo-Zahl"
        )
    if not CatalogueVersion.objects.filter(provider=kaaw, year=2026).exists():
        version = catalog.catalogue_version_create(
            actor=None, provider=kaaw, year=2026, name="Leistungskatalog KAAW 2026 (Demo)"
        )
        from verbund.catalog.models import CatalogueVersionItem

        CatalogueVersionItem.objects.create(
            version=version, product=product, price_revision=product.price_revisions.get()
        )
        catalog.catalogue_version_propose(actor=None, version=version)
        catalog.catalogue_version_approve(
            actor=None, version=version, decision_reference="VV KAAW 2024/4 (Demo)", approved_on=dt.date(2024, 12, 5)
        )
    for ags, users in BORKEN_USERS:
        member = Organization.objects.filter(kind=OrganizationKind.MUNICIPALITY, ags=ags).first()
        if member is None or Subscription.objects.filter(member=member, product__number__in=[KAAW_PRODUCT]).exists():
            continue
        if ServiceTransfer.objects.filter(name=TRANSFERS["KAAW"][0]).exists():
            continue
        sub = Subscription.objects.create(member=member, product=product, start_date=dt.date(2025, 1, 1))
        SubscriptionQuantity.objects.create(subscription=sub, valid_from=dt.date(2025, 1, 1), quantity=users)
        counter.note(f"KAAW demo subscription of {member.name}: {users} users")
    return Product.objects.get(pk=product.pk)


def _ensure_transfer(
    name: str, source: Organization, opco: Organization, product: Product, effective: dt.date, bodies: list[Committee]
) -> ServiceTransfer | None:
    transfer = ServiceTransfer.objects.filter(name=name).first()
    if transfer is not None:
        return transfer
    if product.status not in ("approved", "active"):
        return None
    return services.transfer_create(
        actor=None,
        from_provider=source,
        to_provider=opco,
        effective_date=effective,
        products=[product],
        prices={product.pk: MAIL_PRICE} if product.number != "KOM-020" else None,
        bodies=bodies,
        name=name,
        reason="Stufe 1 der Konsolidierung: Kommunikationsdienste in die Betriebsgesellschaft (Demo).",
        submit=True,
    )


def _decide(counter: Counter, meeting: Meeting, citeq: Organization, transfer: ServiceTransfer, paper_ref: str) -> None:
    paper = ensure_paper(
        None,
        counter,
        citeq,
        paper_ref,
        transfer,
        name=transfer.name,
        date=dt.date(2025, 10, 20),
        paper_type=PaperType.RESOLUTION,
        text="Die Leistung geht mit allen laufenden Abonnements zum Stichtag auf die Betriebsgesellschaft über.",
        proposed_resolution=f"Der Zentralausschuss beschließt die {transfer.name} zum "
        f"{transfer.effective_date:%d.%m.%Y}.",
        subject_kind=SubjectKind.SERVICE_TRANSFER,
    )
    if paper is None:
        return
    item = ensure_item(None, counter, meeting, transfer.name, paper)
    if item is not None:
        vote_and_decide(None, counter, item, ensure_attendance(None, counter, meeting), abstaining=None)


@transaction.atomic
def load_demo_transfers() -> dict[str, Any]:
    counter = Counter()
    providers = {o.short_name: o for o in Organization.objects.filter(short_name__in=["citeq", "KAAW"])}
    opco = Organization.objects.filter(kind=OrganizationKind.OPERATING_COMPANY).order_by("pk").first()
    za = Committee.objects.filter(body=providers.get("citeq"), short_name="ZA").first()
    if opco is None or za is None or len(providers) < 2:
        counter.note("transfers skipped: operating company, citeq's ZA or KAAW missing")
        return counter.as_dict()
    kaaw_product = _kaaw_catalogue(providers["KAAW"], counter)
    opco_agreement = ensure_opco_agreement(opco)  # moved members become its parties (verbund/demo/joining.py)
    held = Meeting.objects.alive().filter(committee=za, start=HELD_START).first()
    # KAAW's transfer needs identical resolutions of KAAW's and the operating company's bodies
    kaaw_bodies = transfer_bodies(counter, providers["KAAW"], opco, [ags for ags, _users in BORKEN_USERS])
    for key, (name, number, paper_ref) in TRANSFERS.items():
        product = kaaw_product if key == "KAAW" else Product.objects.filter(number=number).first()
        if product is None:
            continue
        transfer = _ensure_transfer(name, providers[key], opco, product, EFFECTIVE, bodies_for(key, za, kaaw_bodies))
        if transfer is None:
            continue
        if transfer.status == "proposed" and transfer.bodies.filter(committee=za).exists() and held is not None:
            _decide(counter, held, providers["citeq"], transfer, paper_ref)
        elif transfer.status == "proposed":
            decide_in_bodies(counter, transfer, *kaaw_bodies)
        transfer.refresh_from_db()
        if transfer.status == "adopted":
            services.transfer_execute(actor=None, transfer=transfer, as_of=EFFECTIVE)
    load_demo_joining(counter, held, providers["citeq"], opco)  # Heek and Heiden join for the e-mail product
    give_parties_routing_ids(opco_agreement)
    name, number, paper_ref = PROPOSED
    product = Product.objects.filter(number=number).first()
    upcoming = Meeting.objects.alive().filter(committee=za, start=UPCOMING_START).first()
    if product is not None:
        transfer = _ensure_transfer(name, providers["citeq"], opco, product, dt.date(2027, 1, 1), [za])
        if transfer is not None and upcoming is not None:
            paper = ensure_paper(
                None,
                counter,
                providers["citeq"],
                paper_ref,
                transfer,
                name=transfer.name,
                date=dt.date(2026, 11, 20),
                paper_type=PaperType.RESOLUTION,
                text="Zweite Stufe: die Kollaborationsplattform geht zum 01.01.2027 auf die Betriebsgesellschaft über.",
                proposed_resolution=f"Der Zentralausschuss beschließt die {transfer.name} zum 01.01.2027.",
                subject_kind=SubjectKind.SERVICE_TRANSFER,
            )
            if paper is not None:
                ensure_item(None, counter, upcoming, transfer.name, paper)
    return counter.as_dict()
