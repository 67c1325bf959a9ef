"""The demo product catalogue of citeq with its 2025 and 2026 catalogue versions, and demo subscriptions of the
partners of the citeq agreement (seed 001). Idempotent: a second run creates nothing.

Everything is written through the catalogue and order services (audit trail, validation, lifecycle), never with
`model.save()`. The sequence follows the committee cycle:

1. product families and products (drafts);
2. the 2025 prices (valid from 1 Jan 2025); the products of 2025 are proposed, the "Produktkatalog 2025" is
   composed, proposed and approved (Zentralausschuss ZA-2024/11 of 20 Nov 2024); its products become active;
3. the fax service is retired after 2025 (lifecycle: active → retired, no 2026 price);
4. the 2026 prices (valid from 1 Jan 2026, about 3 % above 2025) and the products new in 2026 (the portfolio that
   KAAW and Kreis Steinfurt IT bring in); "Produktkatalog 2026" is composed and proposed, *not* approved here:
   the Zentralausschuss approves it by its decision of 19 Nov 2025 (`verbund.demo.governance`). Approving 2026
   does not supersede 2025: a version supersedes only an approved version of the *same* year;
5. one product stays a draft (a pilot planned for 2027) and is in no version;
6. `load_demo_subscriptions`, a separate step run after the governance demo (the 2026 prices must be approved):
   subscriptions from 1 Jan 2026 for every partner of "ÖrV citeq 2019", ordered and confirmed (system actor).

Order of the demo loader (`federation.load_demo`): catalogue → governance → subscriptions.

Units. `ChargeUnit` has no "server", "device" or "procedure" unit. Where the thing charged is countable but not
a workstation or user, we use CASE, the closest countable unit, and the description says what one case is:
one virtual server per year (server hosting), one vehicle registration (Kfz-Zulassung), one employee on the
payroll per year (Personalabrechnung), one participant day (training), one procurement procedure (Vergabe).

VAT. Most products are taxable at 19 % (standard IT services between public bodies compete with private
suppliers, BMF letter of 14.11.2019; methods.md §1.5). Only the services that are a joint public task under the
agreement, exclusively against cost reimbursement and supplied only to public bodies, are not taxable: the
Grundpauschale (committee, joint IT concept, coordination) and the joint purchasing as central purchasing body.
"""

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from verbund.catalog.choices import (
    CatalogueStatus,
    Category,
    ChargeUnit,
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
from verbund.core.money import round_money
from verbund.orders.models import Subscription
from verbund.orders.services import order_confirm, order_submit_new
from verbund.registry.choices import OrganizationKind
from verbund.registry.models import Agreement, AgreementParty, Organization

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

# fmt: off
PRODUCTS: list[ProductSpec] = [
    # ------------------------------------------------------------------ workplace
    ProductSpec(
        "ARB-010", "ARB", C.WORKPLACE, U.WORKSTATION,
        "Standard-Arbeitsplatz", "Standard workplace",
        "Büroarbeitsplatz mit PC, zwei Monitoren, Betriebssystem, Office-Paket, Virenschutz, Softwareverteilung, "
        "Patch-Management und Hardwaretausch nach fünf Jahren. Abgerechnet je Arbeitsplatz und Jahr.",
        "Office workplace with PC, two monitors, operating system, office suite, anti-virus, software distribution, "
        "patch management and hardware replacement after five years. Charged per workstation and year.",
        "1320.00", in_standard_package=True, availability="99.00",
    ),
    ProductSpec(
        "ARB-011", "ARB", C.WORKPLACE, U.WORKSTATION,
        "Arbeitsplatz Power", "Power workplace",
        "Variante des Standard-Arbeitsplatzes mit leistungsstarker Workstation (mehr Arbeitsspeicher, "
        "Grafikkarte) für GIS, CAD und Bauverwaltung.",
        "Variant of the standard workplace with a high-performance workstation (more memory, graphics card) for "
        "GIS, CAD and building administration.",
        "1780.00", variant_of="ARB-010", availability="99.00",
    ),
    ProductSpec(
        "ARB-020", "ARB", C.WORKPLACE, U.WORKSTATION,
        "Mobiler Arbeitsplatz (Notebook)", "Mobile workplace (notebook)",
        "Notebook mit Dockingstation, Festplattenverschlüsselung und Zugang zum Verwaltungsnetz über VPN; "
        "geeignet für Homeoffice und Außendienst.",
        "Notebook with docking station, disk encryption and VPN access to the administration network; suited "
        "for home office and field work.",
        "1490.00", availability="98.50",
    ),
    ProductSpec(
        "ARB-030", "ARB", C.WORKPLACE, U.USER,
        "Mobilgeräte-Management (Smartphone und Tablet)", "Mobile device management (smartphone and tablet)",
        "Zentrale Verwaltung dienstlicher Smartphones und Tablets (MDM): Einrichtung, App-Verteilung, "
        "Sperren und Löschen bei Verlust. Abgerechnet je Nutzerin und Nutzer.",
        "Central management of official smartphones and tablets (MDM): enrolment, app distribution, locking "
        "and wiping on loss. Charged per user.",
        "108.00", notice_months=3, availability="98.50",
    ),
    ProductSpec(
        "ARB-090", "ARB", C.WORKPLACE, U.USER,
        "KI-Assistenz für die Sachbearbeitung (Pilot)", "AI assistant for case workers (pilot)",
        "Geplanter Dienst: datenschutzkonformer Textassistent im Verwaltungsnetz (Zusammenfassen, Entwürfe, "
        "Recherche in Dienstanweisungen). In Vorbereitung, noch nicht bestellbar.",
        "Planned service: privacy-compliant text assistant in the administration network (summaries, drafts, "
        "search in internal rules). In preparation, not yet orderable.",
        "120.00", lifecycle=DRAFT_ONLY, notice_months=3, availability="98.00",
    ),
    # ------------------------------------------------------------------ communication
    ProductSpec(
        "KOM-010", "KOM", C.COMMUNICATION, U.USER,
        "E-Mail-Postfach", "E-mail mailbox",
        "Persönliches Postfach (50 GB) mit Kalender, Kontakten, Spam- und Virenschutz sowie Zugriff über "
        "Outlook, Web und Mobilgeräte. Funktionspostfächer werden wie Nutzer abgerechnet.",
        "Personal mailbox (50 GB) with calendar, contacts, spam and virus protection and access via Outlook, web "
        "and mobile devices. Shared mailboxes are charged like users.",
        "78.00", in_standard_package=True, notice_months=3, service_hours=AROUND_THE_CLOCK, availability="99.50",
    ),
    ProductSpec(
        "KOM-020", "KOM", C.COMMUNICATION, U.USER,
        "Kollaborationsplattform (Chat, Video, Dateiablage)", "Collaboration platform (chat, video, file sharing)",
        "Souverän betriebene Plattform für Chat, Videokonferenzen, gemeinsame Dateiablage und Online-Bearbeitung "
        "von Dokumenten, auch mit Externen.",
        "Sovereignly operated platform for chat, video conferences, shared file storage and online editing of "
        "documents, also with external participants.",
        "96.00", notice_months=3, service_hours=AROUND_THE_CLOCK, availability="99.00",
    ),
    ProductSpec(
        "KOM-030", "KOM", C.COMMUNICATION, U.USER,
        "VoIP-Telefonie", "VoIP telephony",
        "Telefonanschluss über das Verwaltungsnetz mit Tischtelefon oder Softphone, Rufnummernmitnahme, "
        "Voicemail und Anbindung an Call-Center-Funktionen.",
        "Telephone line over the administration network with desk phone or softphone, number porting, voicemail "
        "and call-centre functions.",
        "92.00", notice_months=6, availability="99.50",
    ),
    ProductSpec(
        "KOM-090", "KOM", C.COMMUNICATION, U.USER,
        "Telefax-Dienst (zentraler Faxserver)", "Fax service (central fax server)",
        "Empfang und Versand von Telefaxen als E-Mail über den zentralen Faxserver. Zum 31.12.2025 eingestellt; "
        "Nachfolge: E-Mail und sichere Übermittlungswege.",
        "Sending and receiving faxes as e-mail via the central fax server. Discontinued on 31 Dec 2025; "
        "succeeded by e-mail and secure transmission channels.",
        "26.00", lifecycle=UNTIL_2025, notice_months=3, availability="98.00",
    ),
    # ------------------------------------------------------------------ digital administration (OZG)
    ProductSpec(
        "OZG-010", "OZG", C.COMMUNICATION, U.INHABITANT,
        "Bürger- und Unternehmensportal mit Servicekonto", "Citizen and business portal with service account",
        "Kommunales Serviceportal mit Anbindung an das Servicekonto NRW und die BundID, Zuständigkeitsfinder und "
        "Postfach. Abgerechnet je Einwohnerin und Einwohner der Kommune.",
        "Municipal service portal connected to the NRW service account and BundID, with responsibility finder "
        "and mailbox. Charged per inhabitant of the municipality.",
        "0.38", notice_months=12, service_hours=AROUND_THE_CLOCK, availability="99.50",
    ),
    ProductSpec(
        "OZG-020", "OZG", C.SPECIALISED_PROCEDURE, U.INHABITANT,
        "OZG-Onlinedienste-Paket (EfA-Nachnutzung)", "OZG online services bundle (EfA re-use)",
        "Bereitstellung und Pflege der Onlinedienste nach dem Onlinezugangsgesetz einschließlich nachgenutzter "
        "Einer-für-Alle-Leistungen und Antragsmanagement mit Übergabe an die Fachverfahren.",
        "Provision and maintenance of the online services under the Online Access Act, including re-used "
        "one-for-all services and application management with hand-over to the specialised procedures.",
        "0.27", notice_months=12, service_hours=AROUND_THE_CLOCK, availability="99.00",
    ),
    ProductSpec(
        "OZG-030", "OZG", C.SPECIALISED_PROCEDURE, U.USER,
        "E-Akte (Dokumentenmanagement und Vorgangsbearbeitung)", "E-file (document and case management)",
        "Elektronische Aktenführung nach dem E-Government-Gesetz NRW mit Posteingangsscan-Anbindung, Workflow und "
        "Aussonderung an das Archiv.",
        "Electronic records management under the NRW e-government act with incoming-mail scan integration, "
        "workflow and transfer to the archive.",
        "168.00", notice_months=12, availability="99.50",
    ),
    ProductSpec(
        "OZG-040", "OZG", C.SPECIALISED_PROCEDURE, U.USER,
        "Ratsinformationssystem", "Council information system",
        "Sitzungsdienst und Ratsinformationssystem mit Mandatsträger-App und Bürgerinformation; aus dem Portfolio "
        "des Zweckverbands KAAW übernommen. Abgerechnet je Nutzerin und Nutzer (einschließlich Mandatsträger).",
        "Council meeting management and information system with an app for councillors and public information; "
        "taken over from the portfolio of the KAAW association. Charged per user (including councillors).",
        "42.00", lifecycle=FROM_2026, origin="KAAW", notice_months=6, availability="99.00",
    ),
    # ------------------------------------------------------------------ finance and HR
    ProductSpec(
        "FIN-010", "FIN", C.SPECIALISED_PROCEDURE, U.USER,
        "Finanzsoftware Doppik (NKF)", "Finance software, double-entry accounting (NKF)",
        "Haushaltsplanung, Buchführung, Anlagenbuchhaltung und Jahresabschluss nach dem Neuen Kommunalen "
        "Finanzmanagement NRW, einschließlich Releasewechsel und Fachbetreuung.",
        "Budget planning, accounting, fixed-asset accounting and annual accounts under the NRW municipal "
        "financial management (NKF), including release upgrades and functional support.",
        "690.00", notice_months=12, availability="99.50",
    ),
    ProductSpec(
        "FIN-020", "FIN", C.SPECIALISED_PROCEDURE, U.USER,
        "Kassen- und Vollstreckungsverfahren", "Cash office and enforcement procedure",
        "Zahlungsverkehr der Gemeindekasse, Mahnwesen und Vollstreckung mit Anbindung an die Finanzsoftware.",
        "Payments of the municipal cash office, dunning and enforcement, integrated with the finance software.",
        "540.00", notice_months=12, availability="99.50",
    ),
    ProductSpec(
        "FIN-030", "FIN", C.SPECIALISED_PROCEDURE, U.CASE,
        "Personalabrechnung (Entgelt und Besoldung)", "Payroll (salaries and civil-servant pay)",
        "Entgelt- und Bezügeabrechnung nach TVöD und Landesbesoldungsgesetz mit Meldeverfahren an Sozialver"
        "sicherung und Finanzamt. Ein Fall ist eine abgerechnete Person je Jahr.",
        "Payroll under the TVöD collective agreement and the state pay act, with reporting to social insurance "
        "and tax office. One case is one employee on the payroll per year.",
        "84.00", notice_months=12, availability="99.50",
    ),
    ProductSpec(
        "FIN-040", "FIN", C.SPECIALISED_PROCEDURE, U.USER,
        "Steuern und Abgaben (Grundsteuer, Gewerbesteuer)", "Taxes and charges (property tax, trade tax)",
        "Veranlagung und Bescheiderstellung für Grundbesitzabgaben, Gewerbesteuer und Hundesteuer mit "
        "Schnittstelle zum Finanzamt (ELSTER) und zur Kasse.",
        "Assessment and notices for property charges, trade tax and dog tax with interfaces to the tax office "
        "(ELSTER) and the cash office.",
        "610.00", notice_months=12, availability="99.50",
    ),
    # ------------------------------------------------------------------ citizen services and welfare
    ProductSpec(
        "BUE-010", "BUE", C.SPECIALISED_PROCEDURE, U.USER,
        "Einwohnerwesen (Meldewesen)", "Residents' registration",
        "Melderegister mit XMeld-Datenaustausch, Ausweis- und Passwesen sowie Auskunftsportal für Behörden.",
        "Population register with XMeld data exchange, identity cards and passports, and an information "
        "portal for authorities.",
        "720.00", notice_months=12, availability="99.70",
    ),
    ProductSpec(
        "BUE-020", "BUE", C.SPECIALISED_PROCEDURE, U.USER,
        "Personenstandswesen (Standesamt)", "Civil status registration (registry office)",
        "Elektronisches Personenstandsregister mit Beurkundung von Geburten, Eheschließungen und Sterbefällen "
        "und XPersonenstand-Nachrichten.",
        "Electronic civil status register for births, marriages and deaths with XPersonenstand messages.",
        "840.00", notice_months=12, availability="99.50",
    ),
    ProductSpec(
        "BUE-030", "BUE", C.SPECIALISED_PROCEDURE, U.CASE,
        "Kfz-Zulassung (einschließlich i-Kfz)", "Vehicle registration (including online i-Kfz)",
        "Fachverfahren der Zulassungsbehörde mit Anbindung an das Kraftfahrt-Bundesamt und die internetbasierte "
        "Fahrzeugzulassung; von der IT des Kreises Steinfurt eingebracht. Ein Fall ist ein Zulassungsvorgang.",
        "Procedure of the vehicle registration authority, connected to the Federal Motor Transport Authority "
        "and online registration; brought in by the IT of Kreis Steinfurt. One case is one registration.",
        "0.95", lifecycle=FROM_2026, origin="Kreis Steinfurt IT", notice_months=12, availability="99.70",
    ),
    ProductSpec(
        "BUE-040", "BUE", C.SPECIALISED_PROCEDURE, U.USER,
        "Ausländerwesen", "Foreigners' registration",
        "Fachverfahren der Ausländerbehörde mit XAusländer, Anbindung an das Ausländerzentralregister und "
        "Terminmanagement; aus dem Portfolio des Zweckverbands KAAW übernommen.",
        "Procedure of the immigration office with XAusländer, link to the Central Register of Foreign Nationals "
        "and appointment management; taken over from the portfolio of the KAAW association.",
        "640.00", lifecycle=FROM_2026, origin="KAAW", notice_months=12, availability="99.50",
    ),
    ProductSpec(
        "BUE-050", "BUE", C.SPECIALISED_PROCEDURE, U.USER,
        "Sozialwesen (SGB XII, AsylbLG)", "Social welfare (SGB XII, asylum seekers' benefits)",
        "Leistungssachbearbeitung für Sozialhilfe, Grundsicherung und Asylbewerberleistungen mit Zahlbarmachung; "
        "von der IT des Kreises Steinfurt eingebracht.",
        "Case work for social assistance, basic income support and asylum seekers' benefits including payments; "
        "brought in by the IT of Kreis Steinfurt.",
        "760.00", lifecycle=FROM_2026, origin="Kreis Steinfurt IT", notice_months=12, availability="99.50",
    ),
    ProductSpec(
        "BUE-060", "BUE", C.SPECIALISED_PROCEDURE, U.INHABITANT,
        "Wahlen (Wahlorganisation und Ergebnisermittlung)", "Elections (organisation and results)",
        "Wählerverzeichnis, Briefwahl, Wahlhelferverwaltung und Schnellmeldung der Ergebnisse mit Präsentation im "
        "Internet. Abgerechnet je Einwohnerin und Einwohner.",
        "Electoral roll, postal voting, poll-worker management and quick reporting and online presentation of "
        "results. Charged per inhabitant.",
        "0.06", notice_months=12, support_hours="Mo–Fr 07:30–16:30, an Wahltagen 08:00–24:00", availability="99.90",
    ),
    # ------------------------------------------------------------------ data centre and infrastructure
    ProductSpec(
        "RZ-010", "RZI", C.DATA_CENTRE, U.CASE,
        "Server-Hosting (virtueller Server)", "Server hosting (virtual server)",
        "Virtueller Server im georedundanten Rechenzentrum (bis 4 vCPU, 16 GB RAM) mit Betriebssystempflege und "
        "Überwachung. Ein Fall ist ein virtueller Server je Jahr.",
        "Virtual server in the geo-redundant data centre (up to 4 vCPU, 16 GB RAM) with operating-system "
        "maintenance and monitoring. One case is one virtual server per year.",
        "1740.00", service_hours=AROUND_THE_CLOCK, support_hours=ON_CALL_SUPPORT, availability="99.80",
    ),
    ProductSpec(
        "RZ-030", "RZI", C.DATA_CENTRE, U.GIGABYTE,
        "Speicherplatz (Fileservice)", "Storage (file service)",
        "Netzlaufwerke für Gruppen- und Benutzerablagen mit Snapshots; abgerechnet je belegtem GB und Jahr. Der "
        "Preis sinkt 2026 durch das neue Speichersystem.",
        "Network drives for group and personal storage with snapshots; charged per GB used and year. The price "
        "falls in 2026 thanks to the new storage system.",
        "0.24", price_2025="0.26", notice_months=3, service_hours=AROUND_THE_CLOCK, availability="99.80",
    ),
    ProductSpec(
        "RZ-040", "RZI", C.DATA_CENTRE, U.GIGABYTE,
        "Datensicherung (Backup)", "Data backup",
        "Tägliche Sicherung mit Aufbewahrung für 90 Tage an einem zweiten Standort und Wiederherstellung auf "
        "Anforderung; abgerechnet je gesichertem GB und Jahr.",
        "Daily backup kept for 90 days at a second site and restore on request; charged per GB backed up and "
        "year.",
        "0.12", notice_months=3, service_hours=AROUND_THE_CLOCK, availability="99.50",
    ),
    ProductSpec(
        "RZ-050", "RZI", C.DATA_CENTRE, U.GIGABYTE,
        "Elektronische Langzeitarchivierung (TR-ESOR)", "Long-term electronic archiving (TR-ESOR)",
        "Beweiswerterhaltende Langzeitspeicherung nach BSI TR-ESOR für E-Akte und Fachverfahren; aus dem "
        "Portfolio des Zweckverbands KAAW übernommen.",
        "Evidence-preserving long-term storage under BSI TR-ESOR for e-files and specialised procedures; taken "
        "over from the portfolio of the KAAW association.",
        "0.29", lifecycle=FROM_2026, origin="KAAW", notice_months=12, availability="99.50",
    ),
    ProductSpec(
        "INF-010", "RZI", C.INFRASTRUCTURE, U.WORKSTATION,
        "Netz- und Sicherheitspauschale", "Network and security flat fee",
        "Anbindung der Standorte an das kommunale Verwaltungsnetz, Internetzugang, Firewall, E-Mail- und "
        "Webfilter sowie Anschluss an das Landesnetz NRW. Abgerechnet je Arbeitsplatz.",
        "Connection of the sites to the municipal administration network, internet access, firewall, e-mail "
        "and web filtering and access to the NRW state network. Charged per workstation.",
        "168.00", in_standard_package=True, service_hours=AROUND_THE_CLOCK, support_hours=ON_CALL_SUPPORT,
        availability="99.70",
    ),
    ProductSpec(
        "INF-020", "RZI", C.INFRASTRUCTURE, U.USER,
        "Fernzugang (VPN und Homeoffice)", "Remote access (VPN and home office)",
        "Gesicherter Zugang zum Verwaltungsnetz von unterwegs und aus dem Homeoffice mit Zwei-Faktor-"
        "Authentifizierung.",
        "Secure access to the administration network on the road and from home with two-factor authentication.",
        "54.00", notice_months=3, service_hours=AROUND_THE_CLOCK, availability="99.00",
    ),
    ProductSpec(
        "INF-030", "RZI", C.INFRASTRUCTURE, U.USER,
        "Verzeichnisdienst und Identitätsmanagement", "Directory service and identity management",
        "Benutzerkonten, Gruppen und Berechtigungen, Single Sign-on für Fachverfahren und Self-Service für "
        "Passwörter.",
        "User accounts, groups and permissions, single sign-on for specialised procedures and password "
        "self-service.",
        "36.00", in_standard_package=True, service_hours=AROUND_THE_CLOCK, availability="99.80",
    ),
    # -------------------------------------------------- consulting, IT concept, introduction, purchasing
    ProductSpec(
        "BER-001", "BER", C.IT_CONCEPT, U.FLAT,
        "Grundpauschale IT-Verbund", "IT federation base fee",
        "Beitrag jedes Kooperationspartners zu den gemeinsamen Aufgaben nach der öffentlich-rechtlichen "
        "Vereinbarung: Zentral- und Arbeitsausschuss, Fortschreibung des gemeinsamen IT-Konzepts, "
        "Standardisierung und Koordination. Umlage ausschließlich gegen Kostenerstattung.",
        "Contribution of every partner to the joint tasks under the public-law agreement: central and working "
        "committee, the joint IT concept, standardisation and coordination. Charged at cost only.",
        "9800.00", price_2025="9500.00", not_taxable_2b=True, in_standard_package=True, notice_months=12,
        service_hours="", availability=None, support_hours="",
    ),
    ProductSpec(
        "BER-010", "BER", C.CONSULTING, U.HOUR,
        "IT-Beratung", "IT consulting",
        "Beratung der Kooperationspartner in allen IT-Angelegenheiten, etwa Architektur, Ausschreibungsvorbereitung "
        "oder Auswahl von Fachverfahren. Abgerechnet je Stunde.",
        "Advice to the partners on all IT matters, such as architecture, tender preparation or choice of "
        "specialised procedures. Charged per hour.",
        "108.00", notice_months=3, service_hours=BY_ARRANGEMENT, availability=None, support_hours="",
    ),
    ProductSpec(
        "BER-020", "BER", C.CONSULTING, U.HOUR,
        "Projektleitung und Projektmanagement", "Project lead and project management",
        "Leitung und Steuerung von Digitalisierungsprojekten der Kooperationspartner nach PM² oder "
        "vergleichbaren Methoden.",
        "Leading and steering the partners' digitalisation projects using PM² or comparable methods.",
        "118.00", notice_months=3, service_hours=BY_ARRANGEMENT, availability=None, support_hours="",
    ),
    ProductSpec(
        "BER-030", "BER", C.CONSULTING, U.HOUR,
        "Informationssicherheits- und Datenschutzberatung", "Information security and data protection advice",
        "Unterstützung beim Aufbau eines ISMS nach BSI IT-Grundschutz, Schutzbedarfsfeststellungen und "
        "Datenschutz-Folgenabschätzungen.",
        "Support in setting up an ISMS following BSI IT-Grundschutz, protection-needs assessments and data "
        "protection impact assessments.",
        "112.00", notice_months=3, service_hours=BY_ARRANGEMENT, availability=None, support_hours="",
    ),
    ProductSpec(
        "BER-040", "BER", C.IT_CONCEPT, U.HOUR,
        "IT-Konzeption und Digitalisierungsstrategie", "IT concept and digitalisation strategy",
        "Erstellung und Fortschreibung individueller IT- und Digitalisierungskonzepte eines Kooperationspartners "
        "auf Grundlage des gemeinsamen IT-Konzepts.",
        "Drafting and updating a partner's own IT and digitalisation concept based on the joint IT concept.",
        "115.00", notice_months=3, service_hours=BY_ARRANGEMENT, availability=None, support_hours="",
    ),
    ProductSpec(
        "BER-050", "BER", C.SOFTWARE_INTRODUCTION, U.ONE_OFF,
        "Einführung Fachverfahren (Projektpauschale)", "Introduction of a specialised procedure (project fee)",
        "Einmalige Pauschale für die Einführung eines Fachverfahrens: Installation, Grundkonfiguration, "
        "Datenübernahme aus dem Altverfahren und Begleitung des Echtstarts.",
        "One-off fee for introducing a specialised procedure: installation, basic configuration, data take-over "
        "from the legacy system and go-live support.",
        "12500.00", notice_months=3, service_hours=BY_ARRANGEMENT, availability=None, support_hours="",
    ),
    ProductSpec(
        "BER-060", "BER", C.SOFTWARE_INTRODUCTION, U.HOUR,
        "Customizing, Schnittstellen und Datenmigration", "Customising, interfaces and data migration",
        "Anpassung von Fachverfahren, Aufbau von Schnittstellen (XÖV) und Migration von Altdaten nach Aufwand.",
        "Customising of specialised procedures, interfaces (XÖV standards) and migration of legacy data, "
        "charged by effort.",
        "102.00", notice_months=3, service_hours=BY_ARRANGEMENT, availability=None, support_hours="",
    ),
    ProductSpec(
        "BER-070", "BER", C.PURCHASING, U.WORKSTATION,
        "Einkaufskoordinierung und Rahmenverträge", "Purchasing coordination and framework contracts",
        "Gemeinsame Beschaffung von Hard- und Software als zentrale Beschaffungsstelle für die "
        "Kooperationspartner (§ 120 Abs. 4 GWB), Pflege der Rahmenverträge und des Warenkorbs. Umlage je "
        "Arbeitsplatz ausschließlich gegen Kostenerstattung.",
        "Joint purchasing of hardware and software as central purchasing body for the partners (§ 120(4) GWB), "
        "maintenance of framework contracts and the catalogue of goods. Charged at cost per workstation.",
        "16.00", not_taxable_2b=True, notice_months=12, service_hours=OFFICE_HOURS, availability=None,
    ),
    ProductSpec(
        "BER-080", "BER", C.PURCHASING, U.USER,
        "Lizenzmanagement (Software-Volumenlizenzen)", "Licence management (volume licences)",
        "Verwaltung von Volumenlizenzverträgen, Lizenzbilanz und Vorbereitung von Herstelleraudits. "
        "Abgerechnet je lizenzierter Nutzerin und lizenziertem Nutzer.",
        "Management of volume licence agreements, licence balance and preparation of vendor audits. Charged "
        "per licensed user.",
        "14.00", notice_months=6, service_hours=OFFICE_HOURS, availability=None,
    ),
    # ------------------------------------------------------------------ training
    ProductSpec(
        "SCH-010", "SCH", C.TRAINING, U.CASE,
        "Anwenderschulung Fachverfahren (Teilnehmertag)", "User training for specialised procedures (per day)",
        "Schulung im Schulungszentrum der citeq oder online. Ein Fall ist ein Teilnehmertag (eine Person, ein "
        "Schulungstag).",
        "Training in citeq's training centre or online. One case is one participant day (one person, one day).",
        "245.00", notice_months=3, service_hours="Mo–Fr 08:30–16:00", availability=None, support_hours="",
    ),
    ProductSpec(
        "SCH-020", "SCH", C.TRAINING, U.CASE,
        "IT-Grundlagen und Office (Teilnehmertag)", "IT basics and office software (per day)",
        "Grundlagen- und Aufbaukurse zu Betriebssystem, Textverarbeitung, Tabellenkalkulation und E-Mail. Ein "
        "Fall ist ein Teilnehmertag.",
        "Basic and advanced courses on the operating system, word processing, spreadsheets and e-mail. One case "
        "is one participant day.",
        "195.00", notice_months=3, service_hours="Mo–Fr 08:30–16:00", availability=None, support_hours="",
    ),
    ProductSpec(
        "SCH-030", "SCH", C.TRAINING, U.USER,
        "Sensibilisierung Informationssicherheit (E-Learning)", "Information security awareness (e-learning)",
        "Jährliches E-Learning mit Phishing-Simulation und Nachweis für das ISMS; abgerechnet je Nutzerin und "
        "Nutzer.",
        "Yearly e-learning with phishing simulation and evidence for the ISMS; charged per user.",
        "12.50", notice_months=3, service_hours=AROUND_THE_CLOCK, availability="98.00",
    ),
    ProductSpec(
        "SCH-040", "SCH", C.TRAINING, U.ONE_OFF,
        "Inhouse-Schulung (Tagespauschale bis 12 Teilnehmende)", "In-house training (day rate, up to 12 people)",
        "Schulung in den Räumen des Kooperationspartners zu einem vereinbarten Thema, einmalig je Schulungstag.",
        "Training at the partner's premises on an agreed topic, one-off per training day.",
        "1390.00", notice_months=3, service_hours="nach Vereinbarung", availability=None, support_hours="",
    ),
]
# fmt: on

PRODUCTS_BY_NUMBER: dict[str, ProductSpec] = {spec.number: spec for spec in PRODUCTS}


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
            if number in existing:
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
