import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from verbund.core.audit import audit_events_for
from verbund.ownership.models import Ownership
from verbund.ownership.services import largest_total, ownership_end, ownership_record, percent_text
from verbund.ownership.tests.conftest import JAN_2026


def _record(entities, owner, share, **kwargs):
    values = {"board_seats": 1, "valid_from": JAN_2026, **kwargs}
    return ownership_record(actor=None, entity=entities["holding"], owner=owner, share=Decimal(share), **values)


def test_record_writes_the_row_and_an_audit_event(entities, admin_user):
    ownership_end(actor=admin_user, ownership=entities["kreis_stake"], valid_to=dt.date(2026, 12, 31))
    events = audit_events_for(entities["kreis_stake"])
    assert [event.changed_fields for event in events if event.action == "update"] == [["valid_to"]]
    created = audit_events_for(entities["telgte_stake"]).get()
    assert created.scope_organization_id == entities["telgte_stake"].owner_id
    assert created.after["share"] == "0.6"


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("share", {"share": "0"}),
        ("share", {"share": "1.5"}),
        ("share", {"share": "0.0000001"}),
        ("board_seats", {"board_seats": 100}),
        ("valid_to", {"valid_to": dt.date(2025, 1, 1)}),
    ],
)
def test_bad_values_are_refused_per_field(entities, registry, field, kwargs):
    # Ahlen joins from 2027 when Telgte's and the Kreis' stakes would leave room (they do not: refused on share).
    values = {"share": "0.1", "valid_from": JAN_2026, **kwargs}
    share = values.pop("share")
    before = Ownership.objects.count()
    with pytest.raises(ValidationError) as info:
        _record(entities, registry["ahlen"], share, **values)
    assert field in info.value.message_dict
    assert Ownership.objects.count() == before


def test_owner_and_entity_kinds(entities, registry):
    with pytest.raises(ValidationError) as info:
        ownership_record(
            actor=None, entity=registry["telgte"], owner=registry["kreis"], share=Decimal("0.1"), board_seats=0,
            valid_from=JAN_2026,
        )  # fmt: skip
    assert "entity" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        _record(entities, registry["nrw"], "0.1")
    assert "owner" in info.value.message_dict
    with pytest.raises(ValidationError) as info:  # the operating company cannot own its holding
        _record(entities, entities["operating"], "0.1")
    assert "owner" in info.value.message_dict


def test_shares_above_100_percent_are_refused_on_the_day_they_would_overlap(entities, registry, english):
    with pytest.raises(ValidationError) as info:
        _record(entities, registry["ahlen"], "0.01")
    assert "101 %" in info.value.message_dict["share"][0]
    # After the Kreis sells half its stake on 30 June 2027, Ahlen may take 20 % from 1 July 2027 ...
    ownership_end(actor=None, ownership=entities["kreis_stake"], valid_to=dt.date(2027, 6, 30))
    _record(entities, registry["kreis"], "0.2", valid_from=dt.date(2027, 7, 1))
    ahlen = _record(entities, registry["ahlen"], "0.2", valid_from=dt.date(2027, 7, 1))
    assert ahlen.pk
    # ... but not from 1 June 2027 (on that day the Kreis still holds 40 %).
    with pytest.raises(ValidationError) as info:
        _record(entities, registry["nrw"], "0.2", valid_from=dt.date(2027, 6, 1))
    assert "owner" in info.value.message_dict


def test_the_same_owner_cannot_hold_two_overlapping_stakes(entities, registry):
    with pytest.raises(ValidationError) as info:
        _record(entities, registry["telgte"], "0.0001", valid_from=dt.date(2030, 1, 1))
    assert "valid_from" in info.value.message_dict


def test_end_is_checked(entities):
    with pytest.raises(ValidationError) as info:
        ownership_end(actor=None, ownership=entities["kreis_stake"], valid_to=dt.date(2025, 12, 31))
    assert "valid_to" in info.value.message_dict


def test_largest_total_looks_at_every_start(entities):
    rows = list(Ownership.objects.filter(entity=entities["holding"]))
    total, day = largest_total(rows, dt.date(2025, 1, 1), Decimal("0.1"))
    assert (total, day) == (Decimal("1.1"), JAN_2026)


def test_percent_text():
    assert percent_text(Decimal("0.625")) == "62.5"
    assert percent_text(Decimal("1")) == "100"
    assert percent_text(Decimal("0.333333")) == "33.3333"
