"""Issue #10, 18: the change history shows labels and formatted values, not field names, raw values and ids."""

import datetime as dt
import re
from decimal import Decimal

from django.test import Client
from django.utils import timezone
from django.utils.translation import override

from verbund.catalog.tests.conftest import catalogue  # noqa: F401  (shared fixture)
from verbund.core.audit import audit_history, audit_record
from verbund.core.models import AuditAction, AuditEvent
from verbund.orders import services
from verbund.registry.models import Organization


def _history_text(page: str) -> str:
    section = page[page.index('id="history-heading"') :]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section[: section.index("</section>")]))


def _order(registry, catalogue, alice, admin_user, member="telgte"):  # noqa: F811
    order = services.order_submit_new(
        actor=alice if member == "telgte" else admin_user,
        member=registry[member],
        product=catalogue["workplace"],
        quantity=Decimal(6),
        start_date=timezone.localdate() + dt.timedelta(days=3),
        as_of=timezone.localdate(),
    )
    services.order_confirm(actor=admin_user, order=order)
    return order


def test_order_history_in_german_shows_labels_choices_names_and_no_ids(registry, catalogue, alice, admin_user):  # noqa: F811
    order = _order(registry, catalogue, alice, admin_user)
    client = Client()
    client.force_login(admin_user)
    text = _history_text(client.get(order.get_absolute_url()).content.decode())
    assert "Status: eingereicht → bestätigt" in text
    assert "Mitglied: – → Telgte, Stadt" in text  # the organisation's name, not member_id: 2.686
    assert "Menge: – → 6,00" in text
    start = (timezone.localdate() + dt.timedelta(days=3)).strftime("%d.%m.%Y")
    assert f"Beginn: – → {start}" in text or f"– → {start}" in text
    assert "Eingereicht von: – → alice" in text  # a field without a declared label gets a translated one
    for raw in ("member_id", "status:", "submitted", "confirmed", "Submitted by", f"→ {registry['telgte'].pk} "):
        assert raw not in text, raw
    assert re.search(r"\bId\b|\bID\b", text) is None


def test_history_in_english_and_years_without_separators(registry, admin_user):
    organization = registry["telgte"]
    audit_record(
        actor=admin_user,
        action=AuditAction.UPDATE,
        obj=organization,
        before={"id": organization.pk, "name": "Telgte", "population": 20000},
        after={"id": organization.pk, "name": "Telgte, Stadt", "population": 20222, "year": 2026},
    )
    event = AuditEvent.objects.filter(object_id=str(organization.pk)).first()
    with override("en"):
        (entry,) = audit_history([event])
        shown = {c.label: (c.before, c.after) for c in entry.changes}
    population = Organization._meta.get_field("population").verbose_name
    with override("en"):
        assert shown[str(population).capitalize()] == ("20,000", "20,222")
        assert shown["Year"] == ("–", "2026")  # not 2,026
    assert not any(label.lower() == "id" for label in shown)
    with override("de"):
        (entry,) = audit_history([event])
        shown = {c.label: (c.before, c.after) for c in entry.changes}
        assert shown["Jahr"] == ("–", "2026") and ("20.000", "20.222") in shown.values()


def test_history_queries_do_not_grow_with_events(registry, catalogue, alice, admin_user):  # noqa: F811
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from verbund.orders.models import Order

    def queries() -> int:
        events = list(AuditEvent.objects.filter(content_type__model="order"))
        with CaptureQueriesContext(connection) as captured:
            audit_history(events)
        return len(captured)

    _order(registry, catalogue, alice, admin_user)
    one = queries()
    _order(registry, catalogue, alice, admin_user, member="ahlen")
    assert Order.objects.count() == 2
    assert queries() == one
