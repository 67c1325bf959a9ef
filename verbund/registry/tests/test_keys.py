import pytest
from hypothesis import given
from hypothesis import strategies as st

from verbund.registry import keys

# Known valid Leitweg-IDs (KoSIT sample, the well-known test ID and published examples; see shared reference).
KNOWN_VALID = [
    "04011000-1234512345-06",
    "04011000-900X999-08",
    "992-90009-96",
    "09564000-NUE0001-49",
    "90000000-03083-72",
    "991-33333TEST-33",
    "04011000-12345-03",
]


@pytest.mark.parametrize("value", KNOWN_VALID)
def test_known_leitweg_ids_are_valid(value):
    assert keys.validate_leitweg_id(value) == value.upper()


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("04011000-1234512345-07", "check digits"),
        ("0401100012345", "format"),
        ("1-12345-03", "format"),
        ("04011000-1234_5-03", "format"),
        ("04011000-" + "A" * 31 + "-00", "format"),
    ],
)
def test_invalid_leitweg_ids_say_why(value, reason):
    with pytest.raises(keys.KeyError_, match=reason):
        keys.validate_leitweg_id(value)


grob = st.text(alphabet="0123456789", min_size=2, max_size=12)
fein = st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=0, max_size=30)


@given(grob, fein)
def test_built_leitweg_ids_always_validate(g, f):
    assert keys.validate_leitweg_id(keys.make_leitweg_id(g, f)) == keys.make_leitweg_id(g, f)


@given(grob, fein, st.data())
def test_check_digits_catch_every_single_digit_change(g, f, data):
    valid = keys.make_leitweg_id(g, f)
    position = data.draw(st.integers(min_value=0, max_value=len(g) - 1))
    replacement = data.draw(st.sampled_from([d for d in "0123456789" if d != g[position]]))
    changed = replacement.join([valid[:position], valid[position + 1 :]])
    with pytest.raises(keys.KeyError_):
        keys.validate_leitweg_id(changed)


def test_ags_and_ars():
    assert keys.validate_ags("05315000") == "05315000"
    assert keys.validate_ags("05570", 5) == "05570"
    assert keys.ags_from_ars("053150000000") == "05315000"
    assert keys.ags_from_ars("120605003154") == "12060154"
    keys.check_ags_matches_ars("07331003", "073310003003")
    with pytest.raises(keys.KeyError_, match="does not match"):
        keys.check_ags_matches_ars("07331004", "073310003003")
    for bad in ["0531500", "0531500X", "17315000", "00315000"]:
        with pytest.raises(keys.KeyError_):
            keys.validate_ags(bad)
    with pytest.raises(keys.KeyError_):
        keys.validate_ars("05315000000")
