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
