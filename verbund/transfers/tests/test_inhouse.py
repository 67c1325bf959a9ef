"""The in-house check in the transfer preview: the moved subscriptions' annual fees (the preview's figures) count
as turnover of their members with the receiving operating company; the page (German) and the API say whether
the transfer breaks the in-house award (§ 108 GWB)."""

import datetime as dt
from decimal import Decimal

import pytest

from verbund.ownership import inhouse as ownership_inhouse
from verbund.ownership.engine import inhouse as engine
from verbund.transfers import selectors
from verbund.transfers.inhouse import RECEIVING, transfer_inhouse


def _owned_by_telgte(setup, turnover_2025):
    """The operating company owned by Telgte alone (one seat), with `turnover_2025` invoiced to Telgte."""
    from verbund.billing.models import Invoice
    from verbund.ownership.services import ownership_record

    ownership_record(
        actor=None,
        entity=setup["opco"],
        owner=setup["telgte"],
        share=Decimal("1"),
        board_seats=1,
        valid_from=dt.date(2020, 1, 1),
    )
    Invoice.objects.create(
        provider=setup["opco"],
        member=setup["telgte"],
        series="RE",
        number="RE-2025-1",
        status="issued",
        type_code="380",
        title="Test",
        issue_date=dt.date(2025, 3, 1),
        net_total=Decimal(turnover_2025),
    )


def test_the_moved_fees_count_for_the_receiving_entity_and_can_break_the_award(setup, proposed):
    # Telgte (the owner) has bought 1,000 in 2025; the transfer adds Telgte's and Ahlen's annual fees in each of
    # 2023–2025, and Ahlen is no owner: its share pulls the activity below 80 %.
    _owned_by_telgte(setup, "1000")
    preview = selectors.transfer_preview(transfer=proposed)
    fees = {m.member.pk: m.after for m in preview.members}
    assert fees[setup["ahlen"].pk] > 0 and fees[setup["telgte"].pk] > 0
    [check] = transfer_inhouse(transfer=proposed, preview=preview)  # citeq is a provider: no check of its own
    assert (check.side, check.entity, check.customers) == (RECEIVING, setup["opco"], 2)
    assert check.annual_turnover == preview.after  # the preview's figures, not a second fee formula
    assert check.warning.before.status == engine.ELIGIBLE
    assert check.warning.after.status == engine.NOT_ELIGIBLE
    assert check.breaks
    ours = Decimal("1000") + 3 * fees[setup["telgte"].pk]
    assert check.warning.after.turnover_controllers == ours
    assert check.warning.after.turnover_total == ours + 3 * fees[setup["ahlen"].pk]
    assert [rule.code for rule in check.failed_rules()] == [engine.ACTIVITY]


def test_a_transfer_that_keeps_the_owners_above_80_percent_does_not_break(setup, proposed):
    _owned_by_telgte(setup, "1000000")
    [check] = transfer_inhouse(transfer=proposed, preview=selectors.transfer_preview(transfer=proposed))
    assert check.warning.before.status == check.warning.after.status == engine.ELIGIBLE
    assert not check.breaks


def test_no_check_without_an_entity_of_the_consolidation(setup):
    from verbund.transfers import services

    transfer = services.transfer_create(
        actor=setup["admin"],
        from_provider=setup["citeq"],
        to_provider=setup["kaaw"],
        effective_date=dt.date(2026, 7, 1),
        products=[setup["workplace"]],
        bodies=[setup["za"]],
    )
    assert transfer_inhouse(transfer=transfer, preview=selectors.transfer_preview(transfer=transfer)) == []


def test_several_customers_at_once_and_the_old_signature(setup):
    _owned_by_telgte(setup, "1000")
    day = dt.date(2026, 7, 1)
    both = ownership_inhouse.inhouse_warning(
        entity=setup["opco"],
        as_of=day,
        customers=[(setup["telgte"], Decimal("100")), (setup["ahlen"], Decimal("50")), (setup["kreis"], Decimal(0))],
    )
    assert both.after.turnover_total == Decimal("1000") + 3 * Decimal("150")
    assert both.after.turnover_controllers == Decimal("1300")
    single = ownership_inhouse.inhouse_warning(
        entity=setup["opco"], as_of=day, customer=setup["ahlen"], annual_turnover=Decimal("50")
    )
    assert single.after.turnover_total == Decimal("1150")


@pytest.mark.parametrize(("turnover", "breaks"), [("1000", True), ("1000000", False)])
def test_page_and_api_show_it(client, setup, proposed, turnover, breaks):
    _owned_by_telgte(setup, turnover)
    client.force_login(setup["pm_opco"])
    page = client.get(f"/uebertragungen/{proposed.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Inhouse-Vergabe nach der Übertragung" in text
    assert ('data-testid="inhouse-breaks"' in text) is breaks
    if breaks:
        assert "würde eine Inhouse-Vergabe an Münsterland IT Betriebsgesellschaft mbH unmöglich machen" in text
        assert "Abs. 7 GWB: Mehr als 80" in text  # the rule's text, in German
    answer = client.get(f"/api/v1/transfers/{proposed.pk}/preview").json()
    [check] = answer["inhouse"]
    assert check["side"] == "receiving" and check["entity_id"] == setup["opco"].pk
    assert check["breaks"] is breaks
    assert check["before"]["status"] == "eligible"
    assert check["after"]["status"] == ("not_eligible" if breaks else "eligible")


def test_the_transferring_entity_loses_the_turnover(setup):
    """An operating company giving away its owner's subscriptions: what is left is mostly third-party turnover.
    (The preview's figures are given here; the check reads only the sides, the day and the per-member fees.)"""
    from verbund.billing.models import Invoice
    from verbund.transfers.inhouse import TRANSFERRING
    from verbund.transfers.models import ServiceTransfer
    from verbund.transfers.selectors import MemberChange, MemberLine, Preview

    _owned_by_telgte(setup, "1000")
    Invoice.objects.create(
        provider=setup["opco"],
        member=setup["ahlen"],
        series="RE",
        number="RE-2025-2",
        status="issued",
        type_code="380",
        title="Test",
        issue_date=dt.date(2025, 3, 1),
        net_total=Decimal("100"),
    )
    transfer = ServiceTransfer(
        from_provider=setup["opco"], to_provider=setup["kaaw"], effective_date=dt.date(2026, 7, 1)
    )
    line = MemberLine("X", "Y", Decimal(1), before=Decimal("300"), after=Decimal("280"))
    preview = Preview(items=[], members=[MemberChange(setup["telgte"], [line])], open_orders=0, subscriptions=1)
    [check] = transfer_inhouse(transfer=transfer, preview=preview)  # KAAW is a provider: no check of its own
    assert (check.side, check.entity, check.annual_turnover) == (TRANSFERRING, setup["opco"], Decimal("-300"))
    assert check.warning.before.activity_share == Decimal("90.91")  # 1,000 of 1,100
    assert check.warning.after.turnover_controllers == Decimal("100")  # 1,000 − 3 × 300
    assert check.warning.after.turnover_total == Decimal("200")
    assert check.breaks
