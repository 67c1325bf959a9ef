"""The transfers demo: KAAW's and citeq's e-mail service moved to the operating company on 1 Jan 2026 by recorded
decisions, one more transfer on the agenda of the invited meeting; loading again changes nothing."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.management import call_command

from verbund.core.models import AuditEvent

pytestmark = pytest.mark.skipif(not settings.GV100AD_DEFAULT_PATH.exists(), reason="shared data not present")


def test_demo_transfers(db):
    from verbund.governance.models import AgendaItem, Decision
    from verbund.orders.models import Subscription
    from verbund.transfers.models import MovedSubscription, ServiceTransfer, TransferNotice

    call_command("load-demo")
    executed = {t.from_provider.short_name: t for t in ServiceTransfer.objects.filter(status="executed")}
    assert set(executed) == {"citeq", "KAAW"}
    for transfer in executed.values():
        assert transfer.effective_date == dt.date(2026, 1, 1) and transfer.to_provider.kind == "operating_company"
        decisions = list(Decision.objects.filter(subject_kind="service_transfer", subject_id=transfer.pk))
        assert decisions and all(d.result == "adopted" and d.number in transfer.decision_reference for d in decisions)
        assert TransferNotice.objects.filter(transfer=transfer).count() >= 1
    # KAAW's transfer needed the identical resolutions of two bodies, each recorded by its own decision
    bodies = executed["KAAW"].bodies.select_related("committee").order_by("adopted_on")
    assert [(b.committee.short_name, b.committee.body.short_name) for b in bodies] == [
        ("VV", "KAAW"),
        ("GV", "Münsterland IT Betrieb"),
    ]
    assert all(b.adopted_on is not None for b in bodies)
    kaaw = executed["KAAW"]
    moved = MovedSubscription.objects.filter(transfer=kaaw).select_related("old_subscription", "new_subscription")
    assert moved.count() == 4  # the Kreis Borken demo subscriptions from 2025, split at the effective date
    assert all(m.old_subscription.end_date == dt.date(2025, 12, 31) for m in moved)
    citeq_mail = executed["citeq"].items.get().new_product
    assert Subscription.objects.filter(product=citeq_mail).exists()  # started on 1 Jan 2026: moved whole
    assert not Subscription.objects.filter(product__number="KOM-010").exists()
    proposed = ServiceTransfer.objects.get(status="proposed")
    item = AgendaItem.objects.get(paper__subject_kind="service_transfer", paper__subject_id=proposed.pk)
    assert item.meeting.state == "invited"

    def counts():
        return [
            model.objects.count()
            for model in (ServiceTransfer, MovedSubscription, TransferNotice, Subscription, AuditEvent, AgendaItem)
        ]

    before = counts()
    call_command("load-demo")
    assert counts() == before
