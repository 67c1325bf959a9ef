"""Parser for the Destatis municipality directory GV100AD (fixed width). Pure Python, no Django.

Every line is checked first; a file with any bad line yields the full list of errors with line numbers and no
records, so that the importer writes nothing. Layout: `shared/data/gemeindeverzeichnis/SOURCE.md`.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from verbund.registry.keys import LAND_NAMES

STATE, REGION, DISTRICT_REGION, DISTRICT, ASSOCIATION, MUNICIPALITY = "10", "20", "30", "40", "50", "60"
RECORD_TYPES = {STATE, REGION, DISTRICT_REGION, DISTRICT, ASSOCIATION, MUNICIPALITY}
MIN_LENGTH = {STATE: 72, REGION: 72, DISTRICT_REGION: 72, DISTRICT: 124, ASSOCIATION: 124, MUNICIPALITY: 161}


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
    line: int
    field: str
    message: str
    value: str = ""

    def __str__(self) -> str:
        shown = f" ({self.value!r})" if self.value else ""
        return f"line {self.line}, field {self.field}: {self.message}{shown}"


class Gv100ParseError(ValueError):
    def __init__(self, errors: list[Gv100Error]):
        self.errors = errors
        super().__init__(f"{len(errors)} error(s); first: {errors[0]}")


def _digits(errors: list[Gv100Error], number: int, field: str, raw: str, *, blank_ok: bool = False) -> str:
    if blank_ok and raw.strip() == "":
        return raw.strip()
    if not raw.isdigit():
        errors.append(Gv100Error(number, field, "digits expected", raw))
    return raw


def _number(errors: list[Gv100Error], number: int, field: str, raw: str) -> int | None:
    text = raw.strip()
    if text == "":
        return None
    if not text.isdigit():
        errors.append(Gv100Error(number, field, "a whole number expected", raw))
        return None
    return int(text)


def parse_line(text: str, number: int, errors: list[Gv100Error]) -> Gv100Record | None:
    line = text.rstrip("\r\n")
    record_type = line[0:2]
    if record_type not in RECORD_TYPES:
        errors.append(
            Gv100Error(number, "Satzart", "unknown record type (expected 10, 20, 30, 40, 50, 60)", record_type)
        )
        return None
    if len(line) < MIN_LENGTH[record_type]:
        errors.append(
            Gv100Error(
                number,
                "length",
                f"line too short: {len(line)} characters, at least {MIN_LENGTH[record_type]}",
            )
        )
        return None
    before = len(errors)
    raw_date = line[2:10]
    status_date = dt.date(1900, 1, 1)
    try:
        status_date = dt.datetime.strptime(raw_date, "%Y%m%d").date()  # noqa: DTZ007 (a calendar date)
    except ValueError:
        errors.append(Gv100Error(number, "Gebietsstand", "date YYYYMMDD expected", raw_date))
    land = _digits(errors, number, "Land", line[10:12])
    if land.isdigit() and land not in LAND_NAMES:
        errors.append(Gv100Error(number, "Land", "Land code must be 01 to 16", land))
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
        errors.append(Gv100Error(number, "Name", "name is empty"))
    type_code = line[122:124].strip() if len(line) >= 124 else ""
    area_ha = population = None
    postcode = ""
    if record_type == MUNICIPALITY:
        if not type_code.isdigit():
            errors.append(Gv100Error(number, "Typ", "type code expected", type_code))
        area_ha = _number(errors, number, "Fläche", line[128:139])
        population = _number(errors, number, "Bevölkerung", line[139:150])
        postcode = line[165:170].strip() if len(line) >= 170 else ""
        if postcode and not postcode.isdigit():
            errors.append(Gv100Error(number, "PLZ", "five digits expected", postcode))
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
                errors.append(Gv100Error(number, "AGS", f"duplicate key, first seen in line {seen[key]}", record.ags))
                continue
            seen[key] = number
        records.append(record)
    if errors:
        raise Gv100ParseError(errors)
    if not records:
        raise Gv100ParseError([Gv100Error(0, "file", "no records found")])
    return records


def read_file(path: Path) -> list[Gv100Record]:
    """Read a GV100AD file (UTF-8 as published since 2020; older Latin-1 files are accepted too)."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return parse_lines(text.splitlines())
