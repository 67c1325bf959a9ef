"""Parser for the Destatis municipality directory GV100AD (fixed width). Pure Python, no Django.

Every line is checked first; a file with any bad line yields the full list of errors with line numbers and no
records, so that the importer writes nothing. Layout: `shared/data/gemeindeverzeichnis/SOURCE.md`.
"""

import datetime as dt
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from verbund.core.steps import gettext_noop
from verbund.registry.keys import LAND_NAMES

STATE, REGION, DISTRICT_REGION, DISTRICT, ASSOCIATION, MUNICIPALITY = "10", "20", "30", "40", "50", "60"
RECORD_TYPES = {STATE, REGION, DISTRICT_REGION, DISTRICT, ASSOCIATION, MUNICIPALITY}
RECORD_LENGTH = 220  # every GV100AD record is 220 characters; trailing blanks may have been trimmed
MIN_LENGTH = {STATE: 72, REGION: 72, DISTRICT_REGION: 72, DISTRICT: 124, ASSOCIATION: 124, MUNICIPALITY: 161}

# The storage limits every backend shares: an integer column (population) and a decimal(10, 2) column (km²).
# A municipality's figures and the sums of a Land (the largest total that is stored) must fit them.
MAX_POPULATION = 2_147_483_647
MAX_AREA_HA = 9_999_999_999


@dataclass(frozen=True, slots=True)
class Field:
    """One fixed-width field: `line[start:end]`; `kind` is what it must hold:
    digits (every position a digit), digits_or_blank (all digits or all blank), blank, or text."""

    name: str
    start: int
    end: int
    kind: str


# The fields that are read or that fix the position of those read, by record type (SOURCE.md of the data).
_KEY_FIELDS = (Field("Satzart", 0, 2, "digits"), Field("Gebietsstand", 2, 10, "digits"))
LAYOUT: dict[str, tuple[Field, ...]] = {
    MUNICIPALITY: (
        Field("Verwaltungssitz", 72, 122, "blank"),
        Field("Typ", 122, 124, "digits"),
        Field("Leerfeld 125-128", 124, 128, "blank"),
        Field("Fläche", 128, 139, "digits"),
        Field("Bevölkerung", 139, 150, "digits"),
        Field("Bevölkerung männlich", 150, 161, "digits"),
        Field("Leerfeld 162-165", 161, 165, "blank"),
        Field("PLZ", 165, 170, "digits_or_blank"),
    ),
    DISTRICT: (Field("Typ", 122, 124, "digits"),),
    ASSOCIATION: (Field("Typ", 122, 124, "digits"),),
}
# Names of all positions, for naming the field of a control character.
_POSITIONS = (
    *_KEY_FIELDS,
    Field("Land", 10, 12, "digits"),
    Field("Regierungsbezirk", 12, 13, "digits"),
    Field("Kreis", 13, 15, "digits"),
    Field("Gemeinde", 15, 18, "digits"),
    Field("Gemeindeverband", 18, 22, "digits"),
    Field("Name", 22, 72, "text"),
    Field("Verwaltungssitz", 72, 122, "text"),
    Field("Typ", 122, 124, "digits"),
    Field("Fläche", 128, 139, "digits"),
    Field("Bevölkerung", 139, 150, "digits"),
    Field("Bevölkerung männlich", 150, 161, "digits"),
    Field("PLZ", 165, 170, "digits"),
)


def field_at(position: int) -> str:
    """The name of the field that holds the 0-based `position` of a line."""
    for item in _POSITIONS:
        if item.start <= position < item.end:
            return item.name
    return f"Spalte {position + 1}"


@dataclass(frozen=True, slots=True)
class Gv100Record:
    line: int
    record_type: str
    status_date: dt.date
    land: str
    rb: str
    kreis: str
    gemeinde: str
    verband: str
    name: str
    seat: str
    type_code: str
    area_ha: int | None
    population: int | None
    postcode: str

    @property
    def ags(self) -> str:
        """The official key at this record's level: 2 (Land), 3 (RB), 5 (Kreis) or 8 digits (Gemeinde)."""
        if self.record_type == STATE:
            return self.land
        if self.record_type == REGION:
            return self.land + self.rb
        if self.record_type == DISTRICT:
            return self.land + self.rb + self.kreis
        return self.land + self.rb + self.kreis + self.gemeinde

    @property
    def ars(self) -> str:
        if self.record_type == MUNICIPALITY:
            return self.land + self.rb + self.kreis + self.verband + self.gemeinde
        return self.ags

    @property
    def area_km2(self) -> Decimal | None:
        return None if self.area_ha is None else Decimal(self.area_ha) / 100


@dataclass(frozen=True, slots=True)
class Gv100Error:
    """One error: the line, the field, and what is wrong as an English `template` (a msgid, marked with
    `gettext_noop`) with its `params`, so that pages show it translated (`registry.directory.error_text`)."""

    line: int
    field: str
    template: str
    value: str = ""
    params: tuple[tuple[str, object], ...] = ()

    @property
    def message(self) -> str:
        return self.template % dict(self.params) if self.params else self.template

    def __str__(self) -> str:
        shown = f" ({self.value!r})" if self.value else ""
        return f"line {self.line}, field {self.field}: {self.message}{shown}"


def _thousands(value: int) -> str:
    return f"{value:,}".replace(",", ".")


class Gv100ParseError(ValueError):
    def __init__(self, errors: list[Gv100Error]):
        self.errors = errors
        super().__init__(f"{len(errors)} error(s); first: {errors[0]}")


def _digits(errors: list[Gv100Error], number: int, field: str, raw: str, *, blank_ok: bool = False) -> str:
    if blank_ok and raw.strip() == "":
        return raw.strip()
    if not raw.isdigit():
        errors.append(Gv100Error(number, field, gettext_noop("digits expected"), raw))
    return raw


def _number(errors: list[Gv100Error], number: int, field: str, raw: str, maximum: int) -> int | None:
    """A right-aligned, zero-padded figure (the layout check has made sure it is all digits)."""
    if not raw.isdigit():
        return None
    value = int(raw)
    if value > maximum:
        errors.append(
            Gv100Error(
                number,
                field,
                gettext_noop("out of range: at most %(maximum)s"),
                raw,
                (("maximum", _thousands(maximum)),),
            )
        )
        return None
    return value


def _check_characters(line: str, number: int, errors: list[Gv100Error]) -> bool:
    """Control, format and private-use characters belong in no field (a NUL byte is refused by PostgreSQL)."""
    if line.isprintable():  # the common case, in C; it is False for those categories (and for e.g. NBSP)
        return True
    for position, char in enumerate(line):
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co"):
            errors.append(
                Gv100Error(
                    number,
                    field_at(position),
                    gettext_noop("control character U+%(code)s in column %(column)s"),
                    params=(("code", f"{ord(char):04X}"), ("column", position + 1)),
                )
            )
            return False
    return True


def _check_layout(line: str, record_type: str, number: int, errors: list[Gv100Error]) -> bool:
    """The fixed-width frame: the record length, and every field of the layout holds what it must. A name one
    character too long shifts every later field; this check rejects such a line instead of reading wrong figures."""
    if len(line) > RECORD_LENGTH:
        errors.append(
            Gv100Error(
                number,
                "length",
                gettext_noop("line too long: %(length)s characters, a record has %(record)s (are fields shifted?)"),
                params=(("length", len(line)), ("record", RECORD_LENGTH)),
            )
        )
        return False
    if len(line) < MIN_LENGTH[record_type]:
        errors.append(
            Gv100Error(
                number,
                "length",
                gettext_noop("line too short: %(length)s characters, at least %(minimum)s"),
                params=(("length", len(line)), ("minimum", MIN_LENGTH[record_type])),
            )
        )
        return False
    padded = line.ljust(RECORD_LENGTH)
    ok = True
    for item in LAYOUT.get(record_type, ()):
        raw = padded[item.start : item.end]
        width = item.end - item.start
        if item.kind == "blank" and raw.strip():
            message = gettext_noop("must be blank (columns %(start)s-%(end)s); are fields shifted?")
        elif item.kind == "digits" and not raw.isdigit():
            message = gettext_noop("%(width)s digits expected (columns %(start)s-%(end)s)")
        elif item.kind == "digits_or_blank" and raw.strip() and not raw.isdigit():
            message = gettext_noop("%(width)s digits or blank expected (columns %(start)s-%(end)s)")
        else:
            continue
        params = (("width", width), ("start", item.start + 1), ("end", item.end))
        errors.append(Gv100Error(number, item.name, message, raw, params))
        ok = False
    return ok


def parse_line(text: str, number: int, errors: list[Gv100Error]) -> Gv100Record | None:
    line = text.rstrip("\r\n")
    if not _check_characters(line, number, errors):
        return None
    record_type = line[0:2]
    if record_type not in RECORD_TYPES:
        errors.append(
            Gv100Error(
                number, "Satzart", gettext_noop("unknown record type (expected 10, 20, 30, 40, 50, 60)"), record_type
            )
        )
        return None
    if not _check_layout(line, record_type, number, errors):
        return None
    line = line.ljust(RECORD_LENGTH)
    before = len(errors)
    raw_date = line[2:10]
    status_date = dt.date(1900, 1, 1)
    try:
        status_date = dt.datetime.strptime(raw_date, "%Y%m%d").date()  # noqa: DTZ007 (a calendar date)
    except ValueError:
        errors.append(Gv100Error(number, "Gebietsstand", gettext_noop("date YYYYMMDD expected"), raw_date))
    land = _digits(errors, number, "Land", line[10:12])
    if land.isdigit() and land not in LAND_NAMES:
        errors.append(Gv100Error(number, "Land", gettext_noop("Land code must be 01 to 16"), land))
    rb = _digits(errors, number, "Regierungsbezirk", line[12], blank_ok=record_type == STATE)
    # Region records (30, Baden-Württemberg) carry a one-digit region number here; they are not imported.
    kreis = (
        line[13:15].strip()
        if record_type == DISTRICT_REGION
        else _digits(errors, number, "Kreis", line[13:15], blank_ok=record_type in (STATE, REGION))
    )
    gemeinde = _digits(errors, number, "Gemeinde", line[15:18], blank_ok=record_type != MUNICIPALITY)
    verband = _digits(
        errors,
        number,
        "Gemeindeverband",
        line[18:22],
        blank_ok=record_type not in (MUNICIPALITY, ASSOCIATION),
    )
    name = line[22:72].strip()
    if not name:
        errors.append(Gv100Error(number, "Name", gettext_noop("name is empty")))
    type_code = line[122:124].strip()
    area_ha = population = None
    postcode = ""
    if record_type == MUNICIPALITY:
        area_ha = _number(errors, number, "Fläche", line[128:139], MAX_AREA_HA)
        population = _number(errors, number, "Bevölkerung", line[139:150], MAX_POPULATION)
        postcode = line[165:170].strip()
    if len(errors) > before:
        return None
    return Gv100Record(
        line=number,
        record_type=record_type,
        status_date=status_date,
        land=land,
        rb=rb,
        kreis=kreis,
        gemeinde=gemeinde,
        verband=verband,
        name=name,
        seat=line[72:122].strip(),
        type_code=type_code,
        area_ha=area_ha,
        population=population,
        postcode=postcode,
    )


def _check_totals(records: list[Gv100Record], errors: list[Gv100Error]) -> None:
    """The figures of a Kreis, Regierungsbezirk and Land are the sums of their municipalities: the sum of a Land
    (the largest) must fit the same limits; the municipality that makes it overflow is named."""
    totals: dict[str, list[int]] = {}
    reported: set[tuple[str, int]] = set()
    for record in records:
        if record.record_type != MUNICIPALITY:
            continue
        total = totals.setdefault(record.land, [0, 0])
        total[0] += record.population or 0
        total[1] += record.area_ha or 0
        for index, field, maximum in ((0, "Bevölkerung", MAX_POPULATION), (1, "Fläche", MAX_AREA_HA)):
            if total[index] > maximum and (record.land, index) not in reported:
                reported.add((record.land, index))
                message = gettext_noop("the total of Land %(land)s exceeds %(maximum)s")
                params = (("land", record.land), ("maximum", _thousands(maximum)))
                errors.append(Gv100Error(record.line, field, message, params=params))


def parse_lines(lines: Iterable[str]) -> list[Gv100Record]:
    """Parse all lines; raises Gv100ParseError listing every bad line. Blank lines are skipped."""
    records: list[Gv100Record] = []
    errors: list[Gv100Error] = []
    seen: dict[tuple[str, str], int] = {}
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        record = parse_line(text, number, errors)
        if record is None:
            continue
        if record.record_type in (STATE, REGION, DISTRICT, MUNICIPALITY):
            key = (record.record_type, record.ags)
            if key in seen:
                errors.append(
                    Gv100Error(
                        number,
                        "AGS",
                        gettext_noop("duplicate key, first seen in line %(first)s"),
                        record.ags,
                        (("first", seen[key]),),
                    )
                )
                continue
            seen[key] = number
        records.append(record)
    _check_totals(records, errors)
    if errors:
        raise Gv100ParseError(errors)
    if not records:
        raise Gv100ParseError([Gv100Error(0, "file", gettext_noop("no records found"))])
    return records


def read_file(path: Path) -> list[Gv100Record]:
    """Read a GV100AD file (UTF-8 as published since 2020; older Latin-1 files are accepted too)."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return parse_lines(text.splitlines())
