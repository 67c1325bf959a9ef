"""The constants of the demo catalogue and the shape of one demo product (`ProductSpec`)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from verbund.catalog.choices import (
    Category,
    ChargeUnit,
)
from verbund.core.money import round_money

PROVIDER_SHORT_NAME = "citeq"
AGREEMENT_REFERENCE = "ÖrV citeq 2019"
SUBSCRIPTION_START = dt.date(2026, 1, 1)
PRODUCT_MANAGER_USERNAME = "produkt"  # demo user of federation.py; used when present

# Until 31.12.2026 opted-out public bodies still apply § 2 Abs. 3 UStG old version (§ 27 Abs. 22a UStG);
# § 2b Abs. 3 Nr. 2 UStG governs cooperation between public bodies from 2027 on.
VAT_2B_REASON = (
    "nicht steuerbar: Kooperation juristischer Personen des öffentlichen Rechts "
    "(§ 2 Abs. 3 UStG a. F. i. V. m. § 27 Abs. 22a UStG bis 31.12.2026; ab 2027 § 2b Abs. 3 Nr. 2 UStG)"
)

# Lifecycle of a demo product.
BOTH_YEARS = "both"  # priced and approved in 2025 and 2026
FROM_2026 = "from_2026"  # new in 2026 (portfolio of a joining provider)
UNTIL_2025 = "until_2025"  # in the 2025 catalogue only, retired afterwards
DRAFT_ONLY = "draft"  # stays a draft, in no catalogue version


@dataclass(frozen=True)
class CatalogueYear:
    year: int
    name: str
    decision_reference: str | None = None  # None: left proposed, for a committee decision to approve
    approved_on: dt.date | None = None

    @property
    def valid_from(self) -> dt.date:
        return dt.date(self.year, 1, 1)


YEAR_2025 = CatalogueYear(2025, "Produktkatalog 2025", "ZA-2024/11", dt.date(2024, 11, 20))
YEAR_2026 = CatalogueYear(2026, "Produktkatalog 2026")  # approved by the ZA decision in demo/governance.py
DRAFT_PRICE_FROM = dt.date(2027, 1, 1)
PRICE_INCREASE_2026 = Decimal("1.03")  # 2025 price = 2026 price / 1.03 unless given explicitly

FAMILIES: list[tuple[str, str, str]] = [
    ("ARB", "Arbeitsplatz und Endgeräte", "Workplace and devices"),
    ("KOM", "Kommunikation und Zusammenarbeit", "Communication and collaboration"),
    ("OZG", "Digitale Verwaltung und Onlinedienste", "Digital administration and online services"),
    ("FIN", "Fachverfahren Finanzen und Personal", "Specialised procedures: finance and HR"),
    ("BUE", "Fachverfahren Bürgerdienste und Soziales", "Specialised procedures: citizen services and welfare"),
    ("RZI", "Rechenzentrum und Infrastruktur", "Data centre and infrastructure"),
    ("BER", "Beratung, Konzeption und Einkauf", "Consulting, IT concept and purchasing"),
    ("SCH", "Schulung", "Training"),
]

OFFICE_HOURS = "Mo–Fr 07:00–18:00"
SUPPORT_HOURS = "Mo–Fr 07:30–16:30 (Service-Desk)"
AROUND_THE_CLOCK = "Mo–So 00:00–24:00 (Wartungsfenster Di 18:00–22:00)"
ON_CALL_SUPPORT = "Mo–Fr 07:00–18:00, Rufbereitschaft bei Störungen 24/7"
BY_ARRANGEMENT = "nach Vereinbarung, Mo–Fr 08:00–16:00"


@dataclass(frozen=True)
class ProductSpec:
    number: str
    family: str
    category: str
    unit: str
    name: str
    name_en: str
    description: str
    description_en: str
    price: str  # net EUR per unit: the 2026 price (the 2025 price for UNTIL_2025, the planned price for drafts)
    price_2025: str | None = None  # explicit 2025 price; otherwise price / 1.03
    lifecycle: str = BOTH_YEARS
    not_taxable_2b: bool = False
    in_standard_package: bool = False
    origin: str | None = None  # short name of the provider that brought the product in
    variant_of: str | None = None
    notice_months: int = 6
    service_hours: str = OFFICE_HOURS
    availability: str | None = "99.00"
    support_hours: str = SUPPORT_HOURS

    def price_for(self, year: int) -> Decimal:
        if year == YEAR_2025.year and self.lifecycle == BOTH_YEARS:
            if self.price_2025 is not None:
                return Decimal(self.price_2025)
            exact = Decimal(self.price) / PRICE_INCREASE_2026
            # Catalogue-style rounding: whole euros from 100 €, cents from 1 €, tenths of a cent below.
            places = Decimal("1") if exact >= 100 else Decimal("0.01") if exact >= 1 else Decimal("0.001")
            return round_money(exact, places)
        return Decimal(self.price)

    def years(self) -> tuple[int, ...]:
        return {
            BOTH_YEARS: (YEAR_2025.year, YEAR_2026.year),
            FROM_2026: (YEAR_2026.year,),
            UNTIL_2025: (YEAR_2025.year,),
            DRAFT_ONLY: (),
        }[self.lifecycle]


C = Category
U = ChargeUnit
