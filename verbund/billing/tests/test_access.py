"""A member sees only its own issued invoices; billing staff see all, drafts included."""

import datetime as dt

import pytest
from django.http import Http404

from verbund.billing.models import InvoiceLine
from verbund.billing.selectors import invoice_get_for_user, invoice_lines, invoice_list, run_list
from verbund.billing.services import billing_run_issue, billing_run_prepare


@pytest.fixture
def runs(approved_plan, seller, members, registry):
    issued = billing_run_issue(
        actor=None,
        run=billing_run_prepare(
            actor=None,
            provider=registry["citeq"],
            kind="instalment",
            year=2026,
            period=1,
            billing_date=dt.date(2026, 1, 5),
        ),
    )
    draft = billing_run_prepare(
        actor=None, provider=registry["citeq"], kind="instalment", year=2026, period=2, billing_date=dt.date(2026, 2, 5)
    )
    return issued, draft


def test_a_member_sees_only_its_own_issued_invoices(runs, registry, alice, bob):
    issued, _draft = runs
    mine = list(invoice_list(user=alice))
    assert [i.member_id for i in mine] == [registry["telgte"].pk]  # the draft of period 2 is not shown
    assert mine[0].status == "issued"
    ahlen = issued.invoices.get(member=registry["ahlen"])
    with pytest.raises(Http404):
        invoice_get_for_user(user=alice, invoice_id=ahlen.pk)
    assert invoice_get_for_user(user=bob, invoice_id=ahlen.pk) == ahlen
    assert set(InvoiceLine.objects.restrict(alice).values_list("invoice__member_id", flat=True)) == {
        registry["telgte"].pk
    }
    assert not run_list(user=alice).exists()  # runs are the provider's internal work


def test_billing_staff_see_every_invoice_and_draft(runs, clerk, admin_user):
    _issued, draft = runs
    assert invoice_list(user=clerk).count() == 4
    assert invoice_list(user=clerk, run=draft).count() == 2
    assert run_list(user=clerk).count() == 2
    invoice = invoice_get_for_user(user=admin_user, invoice_id=draft.invoices.first().pk)
    assert invoice_lines(invoice=invoice).count() == 2


def test_anonymous_users_see_nothing(runs):
    from django.contrib.auth.models import AnonymousUser

    assert not invoice_list(user=AnonymousUser()).exists()
    assert not invoice_list(user=None).exists()
