"""German texts of invoice lines (invoices to German public bodies are German documents): number formats,
unit words and the words of allocation keys."""

import datetime as dt
from decimal import Decimal
from typing import Any

# German unit words for line texts (invoices are German documents).
UNIT_WORDS = {
    "workstation": "Arbeitsplätze",
    "user": "Nutzer",
    "inhabitant": "Einwohner",
    "case": "Fälle",
    "gigabyte": "GB",
    "hour": "Stunden",
    "flat": "pauschal",
    "one_off": "einmalig",
}


def money(value: Decimal) -> str:
    """1.234,56 (German notation for line texts)."""
    text = f"{value:,.2f}"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def price(value: Decimal) -> str:
    """A unit price: two decimals, four where it has them (1.266,6667)."""
    return money(value) if value == value.quantize(Decimal("0.01")) else money4(value)


def money4(value: Decimal) -> str:
    text = f"{value:,.4f}"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def number(value: Decimal) -> str:
    normal = value.normalize()
    text = f"{normal:,f}" if normal == normal.to_integral() else f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def date_text(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


KEY_WORDS = {
    "inhabitants": "Einwohner",
    "workstations": "Arbeitsplätze",
    "cases": "Fälle",
    "metered_usage": "Nutzung",
    "fixed_shares": "feste Anteile",
}


def key_text(weights: dict[str, Any]) -> str:
    parts = [f"{KEY_WORDS.get(basis, basis)} {number(Decimal(str(w)) * 100)} %" for basis, w in weights.items()]
    return ", ".join(parts) or "Schlüssel des Plans"
