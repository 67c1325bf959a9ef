"""The generated texts of invoices (titles, notes, line texts) in the document's language, through gettext.

An invoice to a German public body is a German document: `document_language` gives the language its texts are
made in, and the services build them inside `translation.override(...)`. What was issued is stored on the
invoice (title, notes, line texts) and never rebuilt, so a later change of a translation never changes an issued
document. Pages show a document's title in the reader's language with `display_title`.
"""

import datetime as dt
import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils.formats import date_format, number_format
from django.utils.translation import get_language, gettext_lazy, npgettext, pgettext, pgettext_lazy
from django.utils.translation import gettext as _

from verbund.billing import engine
from verbund.billing.choices import InvoiceType, RunKind
from verbund.core.money import unit_price_places

DOCUMENT_LANGUAGES = {"DE": "de"}  # buyer country → language of its documents
DEFAULT_DOCUMENT_LANGUAGE = "en"


def document_language(country: str = "DE") -> str:
    """German for a German buyer (every member is one today); English for any other."""
    return DOCUMENT_LANGUAGES.get((country or "DE").upper(), DEFAULT_DOCUMENT_LANGUAGE)


# ---------------------------------------------------------------- numbers in the active language


def money(value: Decimal) -> str:
    """1.234,56 (de) / 1,234.56 (en)."""
    return number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)


def price(value: Decimal) -> str:
    """A unit price: two decimals, four where it has them (1.266,6667)."""
    return number_format(value, decimal_pos=unit_price_places(value), use_l10n=True, force_grouping=True)


def number(value: Decimal) -> str:
    """A quantity with the decimals it has (at most 6): 1.129 / 74,024658."""
    return _number(get_language(), value)


@functools.lru_cache(maxsize=4096)
def _number(language: str | None, value: Decimal) -> str:
    """Cached per language and value (equal values give the same text: it is normalised first); a national run
    words the same few hundred quantities a quarter of a million times."""
    normal = value.normalize()
    exponent = normal.as_tuple().exponent
    places = min(max(0, -exponent), 6) if isinstance(exponent, int) else 0
    return number_format(normal, decimal_pos=places, use_l10n=True, force_grouping=True)


def date_text(day: dt.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


# ---------------------------------------------------------------- units and keys


# charge unit → its word for a plural number (literal calls, so that makemessages finds them)
UNIT_WORDS: dict[str, Callable[[int], str]] = {
    "workstation": lambda n: npgettext("unit", "workstation", "workstations", n),
    "user": lambda n: npgettext("unit", "user", "users", n),
    "inhabitant": lambda n: npgettext("unit", "inhabitant", "inhabitants", n),
    "case": lambda n: npgettext("unit", "case", "cases", n),
    "gigabyte": lambda n: pgettext("unit", "GB"),
    "hour": lambda n: npgettext("unit", "hour", "hours", n),
    "one_off": lambda n: npgettext("unit", "service", "services", n),
}


def unit_word(unit: str, count: Decimal | int = 2) -> str:
    """The word of a catalogue charge unit after a quantity ("40 workstations"); "" for a flat fee."""
    return _unit_word(get_language(), unit, 1 if count == 1 else 2)


@functools.lru_cache(maxsize=128)
def _unit_word(language: str | None, unit: str, plural: int) -> str:
    """Cached per language: a national run words 265,000 lines, and a gettext lookup costs more than the rest."""
    word = UNIT_WORDS.get(unit)
    return word(plural) if word else ""


UNIT_CODE_LABELS = {
    "C62": gettext_lazy("pcs."),
    "HUR": gettext_lazy("hrs."),
    "E34": gettext_lazy("GB"),
    "LS": gettext_lazy("lump sum"),
}


def quantity_text(quantity: Decimal, unit: str) -> str:
    return f"{number(quantity)} {unit_word(unit, quantity)}".rstrip()


KEY_WORDS = {
    "inhabitants": pgettext_lazy("allocation key", "inhabitants"),
    "workstations": pgettext_lazy("allocation key", "workstations"),
    "cases": pgettext_lazy("allocation key", "cases"),
    "metered_usage": pgettext_lazy("allocation key", "usage"),
    "fixed_shares": pgettext_lazy("allocation key", "fixed shares"),
}


def key_text(weights: dict[str, Any]) -> str:
    parts = [f"{KEY_WORDS.get(basis, basis)} {number(Decimal(str(w)) * 100)} %" for basis, w in weights.items()]
    return ", ".join(parts) or _("the plan's key")


def exemption_reason(category: str) -> str:
    """The reason of a line without VAT (BT-120) when the price revision gives none."""
    if category == "E":
        return _("Exempt under § 4 No. 29 UStG (service of a cost-sharing group to its members)")
    if category == "O":
        return _("Not subject to VAT (service of a legal person under public law, § 2b UStG)")
    return ""


# ---------------------------------------------------------------- titles and notes


def invoice_title(*, kind: str, period_label: str, year: int, credit: bool, internal: bool, not_subject: bool) -> str:
    if kind == RunKind.INSTALMENT:
        text = _("Instalment invoice %(period)s") % {"period": period_label}
    elif kind == RunKind.FINAL:
        text = (
            _("Credit note from the final settlement %(year)s") % {"year": year}
            if credit
            else _("Final settlement %(year)s") % {"year": year}
        )
    else:
        text = _("Invoice for extra services %(period)s") % {"period": period_label}
    if internal:
        return _("Internal settlement: %(title)s") % {"title": text}
    if not_subject:
        return _("%(title)s (services not subject to VAT)") % {"title": text}
    return text


def reversal_title(*, reversing_credit: bool, number: str) -> str:
    if reversing_credit:
        return _("Cancellation invoice for credit note %(number)s") % {"number": number}
    return _("Credit note (cancellation) for invoice %(number)s") % {"number": number}


def display_title(invoice: Any) -> str:
    """The title of an invoice in the reader's language, made from what the invoice is (its stored title is the
    document's own text in the document's language)."""
    if invoice.credit_for_id is not None and invoice.run_id is None:
        return reversal_title(
            reversing_credit=invoice.type_code == InvoiceType.INVOICE, number=invoice.credit_for.number
        )
    run = invoice.run
    if run is None:
        return str(invoice.title)
    label = str(run.year)
    if run.period:
        label = engine.period_of(run.year, run.frequency or "monthly", run.period).label
    return invoice_title(
        kind=run.kind,
        period_label=label,
        year=run.year,
        credit=invoice.type_code == InvoiceType.CREDIT_NOTE,
        internal=invoice.internal,
        not_subject=invoice.vat_group == "not_subject",
    )


def run_notes(*, kind: str, year: int, internal: bool, not_subject: bool) -> list[str]:
    notes = []
    if kind == RunKind.INSTALMENT:
        notes.append(
            _(
                "Instalment on the fees %(year)s; the settlement by actual quantities follows with the final "
                "settlement %(year)s."
            )
            % {"year": year}
        )
    elif kind == RunKind.FINAL:
        notes.append(
            _("Final settlement %(year)s: actual fees less the instalments invoiced for %(year)s.") % {"year": year}
        )
    if internal:
        notes.append(
            _("Internal settlement with the host municipality: no exchange of services subject to VAT, no e-invoice.")
        )
    elif not_subject:
        notes.append(
            _("This invoice contains only services not subject to VAT; taxable services are invoiced separately.")
        )
    return notes


def payment_terms(*, credit: bool, due_date: dt.date) -> str:
    if credit:
        return _("The amount will be refunded or offset by %(date)s.") % {"date": date_text(due_date)}
    return _("Payable without deduction by %(date)s.") % {"date": date_text(due_date)}
