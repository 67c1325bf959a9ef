"""Official keys: AGS, ARS and Leitweg-ID. Pure functions, no Django.

AGS (Amtlicher Gemeindeschlüssel), 8 digits: Land(2) Regierungsbezirk(1) Kreis(2) Gemeinde(3).
ARS (Amtlicher Regionalschlüssel), 12 digits: Land(2) RB(1) Kreis(2) Gemeindeverband(4) Gemeinde(3).
AGS = ARS[0:5] + ARS[9:12]. Higher levels use the leading part: Land 2, Regierungsbezirk 3, Kreis 5 digits.
Leitweg-ID: `<Grob 2-12 digits>[-<Fein up to 30 alphanumerics>]-<2 check digits>`, ISO/IEC 7064 MOD 97-10
over Grob+Fein (letters A..Z as 10..35), as in the KoSIT format specification (see shared reference notes).
"""

import re

LAND_NAMES: dict[str, str] = {
    "01": "Schleswig-Holstein",
    "02": "Hamburg",
    "03": "Niedersachsen",
    "04": "Bremen",
    "05": "Nordrhein-Westfalen",
    "06": "Hessen",
    "07": "Rheinland-Pfalz",
    "08": "Baden-Württemberg",
    "09": "Bayern",
    "10": "Saarland",
    "11": "Berlin",
    "12": "Brandenburg",
    "13": "Mecklenburg-Vorpommern",
    "14": "Sachsen",
    "15": "Sachsen-Anhalt",
    "16": "Thüringen",
}

_DIGITS = re.compile(r"^\d+$")
_LEITWEG = re.compile(r"^(\d{2,12})(?:-([A-Za-z0-9]{1,30}))?-(\d{2})$")


class KeyError_(ValueError):
    """An official key that is malformed; the message says why."""


def check_land(code: str) -> None:
    if code not in LAND_NAMES:
        raise KeyError_(f"Land code {code!r} is not 01–16")


def validate_ags(ags: str, length: int = 8) -> str:
    """Validate an AGS (or the leading part of one: 2, 3, 5 or 8 digits). Returns it unchanged."""
    if length not in (2, 3, 5, 8):
        raise KeyError_(f"an AGS part has 2, 3, 5 or 8 digits, not {length}")
    if len(ags) != length or not _DIGITS.match(ags):
        raise KeyError_(f"must be exactly {length} digits, got {ags!r}")
    check_land(ags[:2])
    return ags


def validate_ars(ars: str) -> str:
    if len(ars) != 12 or not _DIGITS.match(ars):
        raise KeyError_(f"must be exactly 12 digits, got {ars!r}")
    check_land(ars[:2])
    return ars


def ags_from_ars(ars: str) -> str:
    return ars[0:5] + ars[9:12]


def check_ags_matches_ars(ags: str, ars: str) -> None:
    if ags_from_ars(ars) != ags:
        raise KeyError_(f"AGS {ags} does not match ARS {ars} (expected AGS {ags_from_ars(ars)})")


def leitweg_check_digits(grob: str, fein: str = "") -> str:
    """The two MOD 97-10 check digits for a Leitweg-ID body."""
    body = (grob + fein).upper()
    number = int("".join(str(int(char, 36)) for char in body) + "00")
    return f"{98 - number % 97:02d}"


def validate_leitweg_id(value: str) -> str:
    """Validate format and check digits; returns the normalised (stripped, upper-case) ID."""
    text = value.strip()
    match = _LEITWEG.match(text)
    if not match:
        raise KeyError_(
            "format must be <2–12 digits>[-<up to 30 letters/digits>]-<2 check digits>, e.g. 04011000-1234512345-06"
        )
    grob, fein, check = match[1], match[2] or "", match[3]
    expected = leitweg_check_digits(grob, fein)
    if expected != check:
        raise KeyError_(f"check digits {check} are wrong; MOD 97-10 gives {expected}")
    return f"{grob}-{fein.upper()}-{check}" if fein else f"{grob}-{check}"


def make_leitweg_id(grob: str, fein: str = "") -> str:
    """Build a valid Leitweg-ID from its parts (used for demo data and forms that suggest one)."""
    check = leitweg_check_digits(grob, fein)
    return f"{grob}-{fein.upper()}-{check}" if fein else f"{grob}-{check}"
