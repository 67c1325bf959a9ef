"""The demo seller profile of citeq: what its invoices say about the seller. Idempotent.

Address, telephone and e-mail are citeq's public contact data (seed 001: Scheibenstraße 109, 48153 Münster,
"Telefon: 492-1800", info@citeq.de). **Demo values, not citeq's real ones:** the IBAN is the well-known test
IBAN DE89 3704 0044 0532 0130 00 (check digits valid, used in documentation everywhere) with the BIC of its
bank code, and the VAT identification number DE123456788 is only syntactically valid (check digit correct).

citeq is an eigenbetriebsähnliche Einrichtung of the city of Münster, the host city of the agreement: what
Münster takes from citeq is settled internally (no VAT, no e-invoice). Instalments are billed monthly.

An e-invoice needs the buyer's post code and city (BR-DE-8/9). The municipality directory gives them for
towns, not for districts; the two partner districts get the public address of their district administration
(Kreishaus) where the registry has none.
"""

from typing import Any

from django.db import transaction

from verbund.billing.models import SellerProfile
from verbund.billing.services import seller_profile_save
from verbund.registry.choices import OrganizationKind
from verbund.registry.models import Organization
from verbund.registry.services import organization_update

PROVIDER_SHORT_NAME = "citeq"
DEMO_IBAN = "DE89370400440532013000"  # test IBAN (Commerzbank test account), not citeq's account
DEMO_BIC = "COBADEFFXXX"
DEMO_VAT_ID = "DE123456788"  # syntactically valid demo value, not citeq's VAT id

CITEQ_SELLER: dict[str, Any] = {
    "legal_name": "citeq – Informations-Technologie für Kommunen (eigenbetriebsähnliche Einrichtung der Stadt Münster)",
    "street": "Scheibenstraße 109",
    "postcode": "48153",
    "city": "Münster",
    "country": "DE",
    "vat_id": DEMO_VAT_ID,
    "tax_number": "",
    # BT-30: citeq has no legal personality of its own; the legal entity is the city of Münster (official key).
    "legal_registration_id": "05515000",
    "contact_name": "Fakturierung citeq",
    "contact_phone": "+49 251 4921800",
    "contact_email": "info@citeq.de",
    "electronic_address": "info@citeq.de",
    "iban": DEMO_IBAN,
    "bic": DEMO_BIC,
    "bank_name": "Demo-Bank (Testdaten)",
    "payment_terms_days": 30,
    "invoice_frequency": "monthly",
    "host_settlement_internal": True,
}


# The other providers of the Münsterland bill side by side with citeq (#14), each with its own number series.
# **Demo data**, like citeq's: test IBAN, syntactically valid demo VAT id, demo addresses and register number.
_DEMO_COMMON: dict[str, Any] = {
    "country": "DE",
    "vat_id": DEMO_VAT_ID,
    "tax_number": "",
    "iban": DEMO_IBAN,
    "bic": DEMO_BIC,
    "bank_name": "Demo-Bank (Testdaten)",
    "payment_terms_days": 30,
    "invoice_frequency": "monthly",
    "host_settlement_internal": False,
}
OTHER_SELLERS: dict[tuple[str, str], dict[str, Any]] = {
    (OrganizationKind.PROVIDER, "KAAW"): {
        **_DEMO_COMMON,
        "number_prefix": "KA",
        "legal_name": "Zweckverband KAAW (Demo-Rechnungsdaten)",
        "street": "Burloer Straße 93",
        "postcode": "46325",
        "city": "Borken",
        "legal_registration_id": "Zweckverband KAAW",
        "contact_name": "Fakturierung KAAW",
        "contact_phone": "+49 2861 000000",
        "contact_email": "rechnung@kaaw.example",
        "electronic_address": "rechnung@kaaw.example",
    },
    (OrganizationKind.PROVIDER, "Kreis Steinfurt IT"): {
        **_DEMO_COMMON,
        "number_prefix": "ST",
        "legal_name": "Kreis Steinfurt – IT-Dienstleistungen (Demo-Rechnungsdaten)",
        "street": "Tecklenburger Straße 10",
        "postcode": "48565",
        "city": "Steinfurt",
        "legal_registration_id": "05566",
        "contact_name": "Fakturierung Kreis Steinfurt",
        "contact_phone": "+49 2551 000000",
        "contact_email": "rechnung@kreis-steinfurt.example",
        "electronic_address": "rechnung@kreis-steinfurt.example",
    },
    (OrganizationKind.OPERATING_COMPANY, "Münsterland IT Betrieb"): {
        **_DEMO_COMMON,
        "number_prefix": "MB",
        "legal_name": "Münsterland IT Betriebsgesellschaft mbH (Demo-Rechnungsdaten)",
        "street": "Albersloher Weg 33",
        "postcode": "48155",
        "city": "Münster",
        "legal_registration_id": "HRB 99999 (Demo)",
        "contact_name": "Fakturierung Betriebsgesellschaft",
        "contact_phone": "+49 251 000000",
        "contact_email": "rechnung@muensterland-it.example",
        "electronic_address": "rechnung@muensterland-it.example",
    },
}


# (kind, AGS) → postal address of the district administration, used where the registry has no post code.
DISTRICT_ADDRESSES: dict[tuple[str, str], dict[str, str]] = {
    (OrganizationKind.DISTRICT, "05558"): {
        "street": "Friedrich-Ebert-Straße 7",
        "postcode": "48653",
        "city": "Coesfeld",
    },
    (OrganizationKind.DISTRICT, "05570"): {
        "street": "Waldenburger Straße 2",
        "postcode": "48231",
        "city": "Warendorf",
    },
}


def _complete_addresses(actor: Any) -> int:
    completed = 0
    for (kind, ags), address in DISTRICT_ADDRESSES.items():
        org = Organization.objects.filter(kind=kind, ags=ags).first()
        if org is not None and not org.postcode:
            organization_update(actor=actor, organization=org, **address)
            completed += 1
    return completed


@transaction.atomic
def load_demo_billing(*, actor: Any = None) -> dict[str, int]:
    """Create the seller profiles of citeq, KAAW, Kreis Steinfurt IT and the operating company unless they exist
    (an existing one is kept as it is) and complete the partner districts' postal addresses where missing."""
    result = {"seller_profiles": 0, "addresses_completed": _complete_addresses(actor)}
    sellers = {(OrganizationKind.PROVIDER, PROVIDER_SHORT_NAME): CITEQ_SELLER, **OTHER_SELLERS}
    for (kind, short_name), values in sellers.items():
        provider = Organization.objects.filter(kind=kind, short_name=short_name).first()
        if provider is None or SellerProfile.objects.filter(provider=provider).exists():
            continue
        seller_profile_save(actor=actor, provider=provider, **values)
        result["seller_profiles"] += 1
    return result
