from pathlib import Path

import pytest

from verbund.registry import gv100ad

SHARED_FILE = Path(__file__).resolve().parents[3].parent / "shared/data/gemeindeverzeichnis/GV100AD_301123.txt"


def _line(
    record_type,
    land="05",
    rb="5",
    kreis="70",
    gemeinde="044",
    verband="0044",
    name="Telgte, Stadt",
    type_code="63",
    area="00000009004",
    pop="00000020222",
):
    text = f"{record_type}20231130{land}{rb}{kreis}{gemeinde}{verband}{name:<50}{'':<50}{type_code:<2}{'':<4}"
    if record_type == "60":
        text += f"{area}{pop}{'00000009931'}{'':<4}48291"
    return text


def test_parses_one_municipality_line():
    [record] = gv100ad.parse_lines([_line("60")])
    assert record.ags == "05570044"
    assert record.ars == "055700044044"
    assert record.population == 20222
    assert str(record.area_km2) == "90.04"
    assert record.postcode == "48291"


def test_bad_lines_are_all_reported_with_line_numbers():
    lines = [
        _line("60"),
        _line("60", gemeinde="04X"),
        "99garbage",
        _line("60", pop="00000abc222"),
        _line("60", land="17", gemeinde="045"),
        _line("60"),
    ]
    with pytest.raises(gv100ad.Gv100ParseError) as info:
        gv100ad.parse_lines(lines)
    reported = [(e.line, e.field) for e in info.value.errors]
    assert reported == [(2, "Gemeinde"), (3, "Satzart"), (4, "Bevölkerung"), (5, "Land"), (6, "AGS")]


def test_short_line_and_empty_file_are_rejected():
    with pytest.raises(gv100ad.Gv100ParseError, match="too short"):
        gv100ad.parse_lines([_line("60")[:100]])
    with pytest.raises(gv100ad.Gv100ParseError, match="no records"):
        gv100ad.parse_lines(["", "   "])


@pytest.mark.skipif(not SHARED_FILE.exists(), reason="shared data not beside the repository")
def test_the_official_file_has_10981_municipalities_with_84358845_inhabitants():
    records = gv100ad.read_file(SHARED_FILE)
    municipalities = [r for r in records if r.record_type == gv100ad.MUNICIPALITY]
    assert len(records) == 16035
    assert len(municipalities) == 10981
    assert sum(r.population or 0 for r in municipalities) == 84358845
    koeln = next(r for r in municipalities if r.ags == "05315000")
    assert koeln.ars == "053150000000"
    prezelle = next(r for r in municipalities if r.ags == "03354020")
    assert prezelle.ars == "033545403020"


def test_latin1_files_are_accepted(tmp_path):
    path = tmp_path / "old.txt"
    path.write_bytes(_line("60", name="Münster, Stadt").encode("latin-1"))
    [record] = gv100ad.read_file(path)
    assert record.name == "Münster, Stadt"


def _full(line):
    """A record as published: padded to the record length of 220 characters."""
    return line.ljust(gv100ad.RECORD_LENGTH)


@pytest.mark.parametrize("pad", [_full, lambda line: line], ids=["padded", "trailing-blanks-trimmed"])
def test_a_name_one_character_too_long_shifts_no_figure(pad):
    """A name of 51 characters pushes every later field one column right: population 20222 would be read as 2022,
    the area 90.04 as 9.00 and the postcode as 4 digits. The line is rejected, naming the line and field."""
    good = _line("60")
    shifted = good[:22] + "Telgte, Stadt".ljust(51) + good[72:]
    assert len(shifted) == len(good) + 1
    with pytest.raises(gv100ad.Gv100ParseError) as info:
        gv100ad.parse_lines([pad(good), pad(shifted)])
    assert {e.line for e in info.value.errors} == {2}
    fields = {e.field for e in info.value.errors}
    assert fields & {"length", "Verwaltungssitz", "Typ", "Fläche", "Bevölkerung"}
    assert "line 2, field" in str(info.value)


def test_a_padded_line_longer_than_the_record_is_rejected():
    with pytest.raises(gv100ad.Gv100ParseError, match="too long: 221"):
        gv100ad.parse_lines([_full(_line("10", rb=" ", kreis="  ", gemeinde="   ", verband="    ")) + " "])


@pytest.mark.parametrize(
    ("line", "field"),
    [
        (_line("60", area=" 0000000900"), "Fläche"),  # right-aligned figure with a blank: shifted or hand-edited
        (_line("60", type_code="6 "), "Typ"),
        (_line("60")[:-5] + "4829 ", "PLZ"),
        (_line("60")[:-5] + "4829", "PLZ"),
        (_line("60").replace("00000009931", "0000000993 "), "Bevölkerung männlich"),
    ],
)
def test_every_field_must_fill_its_columns(line, field):
    with pytest.raises(gv100ad.Gv100ParseError) as info:
        gv100ad.parse_lines([line])
    assert [(e.line, e.field) for e in info.value.errors] == [(1, field)]


def test_out_of_range_figures_are_rejected_with_line_and_field():
    lines = [_line("60", pop="99999999999"), _line("60", gemeinde="045", area="99999999999")]
    with pytest.raises(gv100ad.Gv100ParseError) as info:
        gv100ad.parse_lines(lines)
    assert [(e.line, e.field) for e in info.value.errors] == [(1, "Bevölkerung"), (2, "Fläche")]
    assert "out of range" in str(info.value)


def test_totals_of_a_land_must_fit_the_storage_limit():
    """Each municipality fits, but the sum that the Kreis, RB and Land store would overflow."""
    big = f"{gv100ad.MAX_POPULATION // 2 + 1:011d}"
    lines = [_line("60", pop=big), _line("60", gemeinde="045", pop=big)]
    with pytest.raises(gv100ad.Gv100ParseError) as info:
        gv100ad.parse_lines(lines)
    assert [(e.line, e.field) for e in info.value.errors] == [(2, "Bevölkerung")]


@pytest.mark.parametrize(("char", "field"), [("\x00", "Name"), ("\t", "Name"), ("\u200b", "Name"), ("\x1b", "Name")])
def test_control_characters_are_rejected_naming_the_field(char, field):
    line = _line("60", name=f"Tel{char}gte")
    with pytest.raises(gv100ad.Gv100ParseError) as info:
        gv100ad.parse_lines([line])
    [error] = info.value.errors
    assert (error.line, error.field) == (1, field)
    assert "control character" in error.message
