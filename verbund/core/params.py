"""Bounds and checks for values that come from outside (query strings, path ids, text fields), shared by every
API endpoint, form and view, so that no input can reach the database or the XML builders out of range.

- Ids are positive and fit a 64-bit integer column (SQLite and PostgreSQL both refuse larger numbers with an
  error that would otherwise become a 500).
- Years are 2000–2100 (Python dates end at 9999; a year filter of 32976 used to crash).
- Offsets are capped well below the 64-bit limit.
- Text may not contain control characters (other than tab and line breaks), lone surrogates or the
  non-characters U+FFFE/U+FFFF: XML (XRechnung, OParl) cannot carry them and PostgreSQL refuses NUL.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ID_MIN = 1
ID_MAX = 2**63 - 1
YEAR_MIN = 2000
YEAR_MAX = 2100
OFFSET_MAX = 1_000_000_000

_REFUSED_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def control_character_position(value: str) -> int | None:
    """Index of the first refused character in `value`, or None."""
    match = _REFUSED_CHARACTERS.search(value)
    return match.start() if match else None


def refuse_control_characters(value: object) -> None:
    """Django validator (forms, models): refuse text with control characters."""
    if isinstance(value, str) and (position := control_character_position(value)) is not None:
        raise ValidationError(
            _("The text contains a control character (position %(position)s); remove it."),
            code="control_character",
            params={"position": position + 1},
        )


def bounded_int(raw: str | None, *, minimum: int, maximum: int) -> int | None:
    """An integer from a query string within [minimum, maximum], or None if missing, malformed or out of range."""
    if raw is None:
        return None
    try:
        value = int(raw.strip())
    except ValueError:
        return None
    return value if minimum <= value <= maximum else None


def query_id(raw: str | None) -> int | None:
    """An object id from a query string (`?member=12`), or None."""
    return bounded_int(raw, minimum=ID_MIN, maximum=ID_MAX)


def query_year(raw: str | None) -> int | None:
    """A year from a query string (`?year=2026`), or None outside 2000–2100."""
    return bounded_int(raw, minimum=YEAR_MIN, maximum=YEAR_MAX)


def check_year(year: int, *, field: str = "year") -> None:
    """For services: refuse a year outside 2000–2100, naming the field."""
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise ValidationError({field: _("The year must lie between 2000 and 2100.")})


def refuse_control_characters_in(**fields: str | None) -> None:
    """For services: refuse text arguments with control characters, naming the field."""
    errors: dict[str, list[ValidationError]] = {}
    for name, value in fields.items():
        try:
            refuse_control_characters(value)
        except ValidationError as exc:
            errors[name] = [exc]
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]
