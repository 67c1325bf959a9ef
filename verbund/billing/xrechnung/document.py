"""The e-invoice as plain data (EN 16931 business terms), independent of syntax and of Django.

The billing app fills an `InvoiceDocument` from an issued invoice (seller and buyer data copied at issue
time); `ubl.build_ubl` serialises it as XRechnung 3.0 UBL; `validation` checks the XML. Field comments name
the EN 16931 business terms (BT-n / BG-n).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"  # BT-24
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"  # BT-23

INVOICE = "380"  # commercial invoice
CREDIT_NOTE = "381"
CORRECTED_INVOICE = "384"

# VAT category codes (UNCL 5305) used here.
VAT_STANDARD = "S"
VAT_EXEMPT = "E"  # e.g. § 4 Nr. 29 UStG, with exemption reason
VAT_NOT_SUBJECT = "O"  # outside the scope of VAT (e.g. § 2b UStG); an invoice with O has no other category


@dataclass(frozen=True)
class Address:
    street: str  # BT-35 / BT-50
    city: str  # BT-37 / BT-52
    postcode: str  # BT-38 / BT-53
    country: str = "DE"  # BT-40 / BT-55


@dataclass(frozen=True)
class Contact:
    name: str  # BT-41 / BT-56
    phone: str  # BT-42 / BT-57
    email: str  # BT-43 / BT-58


@dataclass(frozen=True)
class Party:
    name: str  # BT-27 / BT-44
    address: Address
    electronic_address: str  # BT-34 / BT-49 (e-mail address, scheme EM; or a Leitweg-ID, scheme 0204)
    electronic_scheme: str = "EM"
    contact: Contact | None = None  # BG-6 (seller, mandatory by BR-DE-2) / BG-9 (buyer)
    vat_id: str = ""  # BT-31 / BT-48, e.g. DE123456789
    tax_number: str = ""  # BT-32 (Steuernummer), seller only
    legal_id: str = ""  # BT-30 / BT-47


@dataclass(frozen=True)
class Payment:
    means_code: str  # BT-81, "58" SEPA credit transfer
    iban: str  # BT-84
    bic: str = ""  # BT-86
    account_name: str = ""  # BT-85
    remittance: str = ""  # BT-83, defaults to the invoice number


@dataclass(frozen=True)
class Line:
    id: str  # BT-126
    name: str  # BT-153
    quantity: Decimal  # BT-129
    unit_code: str  # BT-130, UN/ECE Rec. 20 (C62 piece, HUR hour, ANN year, MON month, E48 service unit …)
    net_price: Decimal  # BT-146, per unit, up to 4 decimals
    net_amount: Decimal  # BT-131 = quantity × price, rounded to the cent
    vat_category: str  # BT-151
    vat_rate: Decimal  # BT-152 (percent)
    description: str = ""  # BT-154
    period_start: dt.date | None = None  # BT-134
    period_end: dt.date | None = None  # BT-135
    seller_item_id: str = ""  # BT-155, the product number
    note: str = ""  # BT-127


@dataclass(frozen=True)
class VatBreakdown:
    category: str  # BT-118
    rate: Decimal  # BT-119
    taxable_amount: Decimal  # BT-116
    tax_amount: Decimal  # BT-117
    exemption_reason: str = ""  # BT-120 (E and O categories)
    exemption_code: str = ""  # BT-121 (VATEX code)


@dataclass(frozen=True)
class Totals:
    line_net: Decimal  # BT-106
    tax_exclusive: Decimal  # BT-109
    tax: Decimal  # BT-110
    tax_inclusive: Decimal  # BT-112
    prepaid: Decimal = Decimal("0.00")  # BT-113 (e.g. instalments already paid, final settlement)
    payable: Decimal = Decimal("0.00")  # BT-115


@dataclass(frozen=True)
class InvoiceDocument:
    number: str  # BT-1
    type_code: str  # BT-3
    issue_date: dt.date  # BT-2
    currency: str  # BT-5, "EUR"
    buyer_reference: str  # BT-10 Leitweg-ID (BR-DE-15)
    seller: Party  # BG-4
    buyer: Party  # BG-7
    payment: Payment  # BG-16 (BR-DE-1)
    lines: tuple[Line, ...]  # BG-25
    vat_breakdown: tuple[VatBreakdown, ...]  # BG-23
    totals: Totals  # BG-22
    due_date: dt.date | None = None  # BT-9
    payment_terms: str = ""  # BT-20
    period_start: dt.date | None = None  # BT-73
    period_end: dt.date | None = None  # BT-74
    preceding_invoice: str = ""  # BT-25 (credit notes, corrections)
    preceding_invoice_date: dt.date | None = None  # BT-26
    order_reference: str = ""  # BT-13
    notes: tuple[str, ...] = field(default_factory=tuple)  # BT-22
