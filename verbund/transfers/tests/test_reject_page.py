"""Rejecting a transfer on its page: offered to those who may propose it (the service's rule), a required reason,
audited by the service; bad input shows the error at the field and changes nothing."""

import pytest

from verbund.core.models import AuditEvent
from verbund.core.testing.endpoints import database_state
from verbund.transfers.models import ServiceTransfer


def _url(transfer, what=""):
    return f"/uebertragungen/{transfer.pk}/{what}"


@pytest.mark.parametrize(("user", "offered"), [("pm_opco", True), ("pm_citeq", True), ("pm_kaaw", False)])
def test_the_form_is_offered_to_those_who_may_propose(client, setup, proposed, user, offered):
    client.force_login(setup[user])
    page = client.get(_url(proposed))
    assert page.status_code == 200
    assert (page.context["reject_form"] is not None) is offered
    assert ('data-testid="transfer-reject"' in page.content.decode()) is offered


def test_reject_with_a_reason(client, setup, proposed):
    client.force_login(setup["pm_opco"])
    answer = client.post(_url(proposed, "ablehnen/"), {"rejection_reason": "Nicht wirtschaftlich"}, follow=True)
    assert answer.status_code == 200
    proposed.refresh_from_db()
    assert (proposed.status, proposed.rejection_reason) == ("rejected", "Nicht wirtschaftlich")
    event = AuditEvent.objects.filter(object_id=str(proposed.pk), actor=setup["pm_opco"]).latest("id")
    assert event.after["rejection_reason"] == "Nicht wirtschaftlich"
    text = answer.content.decode()
    assert "Die Übertragung wurde abgelehnt." in text
    assert 'data-testid="rejection-reason">Nicht wirtschaftlich<' in text
    assert answer.context["reject_form"] is None  # no longer open
    again = client.post(_url(proposed, "ablehnen/"), {"rejection_reason": "noch einmal"}, follow=True)
    assert "Nur eine offene Übertragung kann abgelehnt werden" in again.content.decode()
    proposed.refresh_from_db()
    assert proposed.rejection_reason == "Nicht wirtschaftlich"


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501, "a\x00b"])
def test_bad_reasons_name_the_field_and_change_nothing(client, setup, proposed, reason):
    client.force_login(setup["pm_opco"])
    before = database_state()
    answer = client.post(_url(proposed, "ablehnen/"), {"rejection_reason": reason})
    assert answer.status_code == 200
    assert "rejection_reason" in answer.context["reject_form"].errors
    assert "Grund der Ablehnung:" in answer.content.decode()  # the error names the field
    assert database_state() == before


def test_others_cannot_reject(client, setup, proposed):
    for user, status in (("pm_kaaw", 302), ("bob", 403)):
        client.force_login(setup[user])
        assert client.post(_url(proposed, "ablehnen/"), {"rejection_reason": "Nein"}).status_code == status
    assert ServiceTransfer.objects.get(pk=proposed.pk).status == "proposed"
