"""The cell parsers (`Cells`): each records a `RowError` and returns None for a bad value."""

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from verbund.core.money import MoneyError, has_places, to_decimal
from verbund.core.spreadsheet.reading import _GERMAN_DATE, _ISO_DATE, FALSE_WORDS, TRUE_WORDS, RowError, cell_text

# ---------------------------------------------------------------- cell parsers


class Cells:
    """One row's cells with parsers that record a `RowError` and return None for a bad value.

    Empty cells: `text` returns "", the others None (or their `default`); `required=True` makes an empty cell an
    error. Numbers may be written 1234.56, 1.234,56 or 1234,56 (German), with € or %."""

    def __init__(self, line: int, raw: Mapping[str, Any], errors: list[RowError]):
        self.line = line
        self.raw = raw
        self.errors = errors

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.line, column, message))

    def get(self, column: str) -> str:
        """The cell as stripped text ("" when empty or absent)."""
        return cell_text(self.raw.get(column)).strip()

    def text(self, column: str, *, max_length: int, required: bool = False) -> str:
        """The text (also when it is too long, so that later checks can name it); the error is recorded."""
        value = self.get(column)
        if required and not value:
            self.error(column, _("Required; the cell is empty."))
        elif len(value) > max_length:
            self.error(
                column,
                _("At most %(max)s characters (this value has %(length)s).")
                % {"max": max_length, "length": len(value)},
            )
        return value

    def choice(self, column: str, choices: type[models.TextChoices], *, default: str | None = None) -> str | None:
        value = self.get(column).lower()
        allowed = ", ".join(str(v) for v in choices.values)
        if not value:
            if default is not None:
                return default
            self.error(column, _("Required; the cell is empty. Allowed values: %(allowed)s") % {"allowed": allowed})
            return None
        if value not in choices.values:
            self.error(
                column,
                _('Unknown value "%(value)s"; allowed values: %(allowed)s')
                % {"value": self.get(column), "allowed": allowed},
            )
            return None
        return value

    def boolean(self, column: str) -> bool | None:
        """ja/nein (also true/false, 1/0, x); empty is no."""
        value = self.get(column).lower()
        if value in TRUE_WORDS:
            return True
        if value in FALSE_WORDS:
            return False
        self.error(column, _('Write ja or nein (also true/false, 1/0), not "%(value)s".') % {"value": self.get(column)})
        return None

    def decimal(
        self,
        column: str,
        *,
        places: int,
        max_digits: int,
        minimum: Decimal | None = Decimal(0),
        maximum: Decimal | None = None,
        required: bool = False,
    ) -> Decimal | None:
        text = self.get(column).replace("€", "").replace("%", "").strip()
        if not text:
            if required:
                self.error(column, _("Required; the cell is empty."))
            return None
        return self.number(column, text, places=places, max_digits=max_digits, minimum=minimum, maximum=maximum)

    def number(
        self,
        column: str,
        text: str,
        *,
        places: int,
        max_digits: int,
        minimum: Decimal | None,
        maximum: Decimal | None,
    ) -> Decimal | None:
        """Parse `text` (part of a cell) as a number with at most `max_digits` digits, `places` of them decimals."""
        if "," in text and "." in text and text.rfind(".") > text.rfind(","):
            self.error(column, _('Write the number as 1234.56 or 1.234,56, not "%(value)s".') % {"value": text})
            return None
        try:
            value = to_decimal(text)
        except MoneyError:
            self.error(column, _('Not a number: "%(value)s"') % {"value": text})
            return None
        if abs(value) >= Decimal(10) ** (max_digits - places):
            self.error(
                column,
                _("Too large: at most %(digits)s digits before the decimal point.") % {"digits": max_digits - places},
            )
            return None
        if not has_places(value, Decimal(1).scaleb(-places)):
            self.error(column, _("At most %(places)s decimal places.") % {"places": places})
            return None
        return self._in_range(column, value, minimum, maximum)

    def integer(self, column: str, *, minimum: int, maximum: int, default: int | None = None) -> int | None:
        text = self.get(column)
        if not text:
            return default
        try:
            value = to_decimal(text)
        except MoneyError:
            value = None
        if value is None or value != value.to_integral_value():
            self.error(column, _('Not a whole number: "%(value)s"') % {"value": text})
            return None
        if not minimum <= value <= maximum:
            self.error(column, _("Must be between %(min)s and %(max)s.") % {"min": minimum, "max": maximum})
            return None
        return int(value)

    def date(self, column: str) -> dt.date | None:
        """YYYY-MM-DD or DD.MM.YYYY (a time after the date, as spreadsheets write it, is ignored)."""
        text = self.get(column)
        if not text:
            return None
        text = text.split(" ")[0].split("T")[0]
        match = _ISO_DATE.fullmatch(text)
        parts = (match.group(1), match.group(2), match.group(3)) if match else None
        if parts is None and (german := _GERMAN_DATE.fullmatch(text)):
            parts = (german.group(3), german.group(2), german.group(1))
        try:
            if parts is None:
                raise ValueError(text)
            return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
        except ValueError:
            self.error(
                column,
                _('Not a date: "%(value)s"; write YYYY-MM-DD or DD.MM.YYYY.') % {"value": self.get(column)},
            )
            return None

    def _in_range(
        self, column: str, value: Decimal, minimum: Decimal | None, maximum: Decimal | None
    ) -> Decimal | None:
        if minimum is not None and maximum is not None and not minimum <= value <= maximum:
            self.error(column, _("Must be between %(min)s and %(max)s.") % {"min": minimum, "max": maximum})
        elif minimum is not None and value < minimum:
            self.error(column, _("Must not be less than %(min)s.") % {"min": minimum})
        elif maximum is not None and value > maximum:
            self.error(column, _("Must not be more than %(max)s.") % {"max": maximum})
        else:
            return value
        return None
