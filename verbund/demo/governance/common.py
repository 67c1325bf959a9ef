"""Constants, the counter and the naming rules of the governance demo."""

import datetime as dt
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from verbund.registry.choices import OrganizationKind
from verbund.registry.models import Organization

PROVIDER_SHORT_NAME = "citeq"
AGREEMENT_REFERENCE = "ÖrV citeq 2019"
COMMITTEE_MEMBER_USERNAME = "ausschuss"  # demo user of federation.py, holds the Kreis Warendorf seat
COMMITTEE_MEMBER_SEAT_AGS = "05570"  # Kreis Warendorf
BERLIN = ZoneInfo("Europe/Berlin")
LOCATION = "Münster, Stadthaus 1"

# Voting weight by population – a demo assumption, the real ÖrV may differ: one vote per partner plus one more
# for every full 50,000 inhabitants, at most 8 (Münster with ~320,000 inhabitants: 7; a town of 20,000: 1).
# A district's population includes its municipalities, some of which are partners themselves; the demo does
# not net this out.
WEIGHT_STEP = 50_000
WEIGHT_CAP = 8

# The 2025 meeting and its papers.
HELD_START = dt.datetime(2025, 11, 19, 10, 0, tzinfo=BERLIN)
HELD_END = dt.datetime(2025, 11, 19, 12, 30, tzinfo=BERLIN)
CATALOGUE_NAME = "Produktkatalog 2026"
CATALOGUE_PAPER = "ZA-V-2025/11"
ACCESSION_PAPER = "ZA-V-2025/12"
ACCESSION_AGS = "05570052"  # Warendorf, Stadt (GV100AD)
ACCESSION_JOINED_ON = dt.date(2026, 1, 1)
ACCESSION_COUNCIL_RESOLUTION = dt.date(2025, 9, 25)
# One-off capital contribution (Einlage): 4,371.70 EUR is the only published figure of an accession contribution
# to this agreement (Billerbeck's); used here as a demo value for Warendorf, not Warendorf's real contribution.
ACCESSION_CONTRIBUTION = Decimal("4371.70")
ITEM_CATALOGUE = "Produktkatalog 2026"
ITEM_ACCESSION = "Beitritt der Stadt Warendorf"
ITEM_PERSONNEL = "Personalangelegenheiten"
ITEM_PLAN = "Plankostenrechnung 2026"
PLAN_PAPER = "ZA-V-2025/10"  # the plan came before the catalogue whose prices it explains

# The upcoming meeting.
UPCOMING_START = dt.datetime(2026, 12, 10, 10, 0, tzinfo=BERLIN)
UPCOMING_END = dt.datetime(2026, 12, 10, 12, 30, tzinfo=BERLIN)
AMENDMENT_TITLE = "Änderung § 5 ÖrV: Entgeltanpassung"
AMENDMENT_PAPER = "ZA-V-2026/09"
AMENDMENT_EFFECTIVE = dt.date(2027, 1, 1)
# Demo wording, not the text of the real agreement.
AMENDMENT_TEXT = (
    "§ 5 Abs. 2 erhält folgende Fassung: „Die Entgelte werden jährlich auf Grundlage der vom Zentralausschuss "
    "beschlossenen Plankostenrechnung festgesetzt. Steigen die Kosten einer Leistung im laufenden Jahr um mehr "
    "als 5 %, kann die citeq die Entgelte mit Zustimmung des Zentralausschusses zum nächsten Quartal anpassen.“"
)

AA_IT_HEADS = ["05515000", "05915000", "05558", "05570", "05558016"]  # Münster, Hamm, Kreis Coesfeld, Kreis WAF, Dülmen
BA_MEMBERS = 3


class DemoGovernanceError(RuntimeError):
    """The federation the committees build on (citeq, the agreement) is missing."""


@dataclass
class Counter:
    committees: int = 0
    persons: int = 0
    users: int = 0
    memberships: int = 0
    meetings: int = 0
    papers: int = 0
    agenda_items: int = 0
    attendances: int = 0
    votes: int = 0
    decisions: int = 0
    accessions: int = 0
    amendments: int = 0
    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        self.notes.append(text)
        sys.stdout.write(f"Demo governance: {text}\n")

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


# ---------------------------------------------------------------- persons and seats


def voting_weight(population: int | None) -> Decimal:
    """1 + one per full 50,000 inhabitants, capped at 8 (demo assumption, see WEIGHT_STEP)."""
    return Decimal(min(WEIGHT_CAP, 1 + (population or 0) // WEIGHT_STEP))


def place_name(org: Organization) -> str:
    """ "Münster, Stadt" → "Münster"; districts keep their plain name ("Warendorf")."""
    return org.name.split(",")[0].strip()


def org_label(org: Organization) -> str:
    return f"Kreis {place_name(org)}" if org.kind == OrganizationKind.DISTRICT else place_name(org)


def office_title(org: Organization) -> str:
    """The generic title of the partner's chief administrative officer (NRW: Oberbürgermeister in district-free
    cities, Bürgermeister in towns and municipalities, Landrat in districts)."""
    place = place_name(org)
    if org.kind == OrganizationKind.DISTRICT:
        return f"Landrat/Landrätin des Kreises {place}"
    if len(org.ags) == 8 and org.ags.endswith("000"):
        return f"Oberbürgermeister(in) der Stadt {place}"
    if ", Stadt" in org.name:
        return f"Bürgermeister(in) der Stadt {place}"
    return f"Bürgermeister(in) der Gemeinde {place}"
