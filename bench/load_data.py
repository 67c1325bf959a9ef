"""What the load benchmark needs beyond the national data (`bench/dataset.py` calls it): logins, an order inbox
and a committee with a vote under way. Import only after `django.setup()`.
"""

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from verbund.accounts.models import User
from verbund.accounts.roles import Role
from verbund.accounts.services import user_create
from verbund.catalog.models import PriceRevision
from verbund.governance import services as governance
from verbund.governance.choices import Choice, CommitteeKind, MeetingState
from verbund.orders.choices import OrderKind, OrderStatus
from verbund.orders.models import Order
from verbund.registry.models import Organization


def logins(
    *, password: str, member_ids: list[int], staff: int, rng: random.Random, members: int
) -> dict[str, list[dict[str, Any]]]:
    """Member contacts of `members` different municipalities and `staff` provider administrators, created by
    the service; the password is hashed once with the production hasher and copied (hashing 50 times would only
    slow the set-up)."""
    encoded = make_password(password)
    created: dict[str, list[dict[str, Any]]] = {"member": [], "staff": []}
    for i, member_id in enumerate(sorted(rng.sample(member_ids, members)), start=1):
        org = Organization.objects.get(pk=member_id)
        user_create(
            actor=None,
            username=f"bench-member-{i:02d}",
            password=None,
            role=Role.MEMBER_CONTACT,
            organization=org,
        )
        created["member"].append({"username": f"bench-member-{i:02d}", "member_id": member_id})
    for i in range(1, staff + 1):
        user_create(actor=None, username=f"bench-staff-{i:02d}", password=None, role=Role.PROVIDER_ADMIN)
        created["staff"].append({"username": f"bench-staff-{i:02d}"})
    User.objects.filter(username__startswith="bench-").update(password=encoded)
    return created


def order_inbox(*, products: dict[str, Any], member_ids: list[int], count: int, rng: random.Random) -> dict[str, int]:
    """`count` orders for new products, bulk-created: a tenth still submitted (the staff's inbox), the rest
    confirmed or rejected. They reference no subscription (the inbox lists them; nobody confirms them here)."""
    prices = {p.product_id: p for p in PriceRevision.objects.filter(product__in=products.values())}
    now = timezone.now()
    orders = []
    for i in range(count):
        product = rng.choice(list(products.values()))
        status = OrderStatus.SUBMITTED if i % 10 == 0 else rng.choice((OrderStatus.CONFIRMED, OrderStatus.REJECTED))
        quantity = Decimal(rng.randint(1, 50))
        revision = prices.get(product.pk)
        orders.append(
            Order(
                number=f"B-BENCH-{i + 1:06d}",
                kind=OrderKind.NEW,
                status=status,
                member_id=rng.choice(member_ids),
                product=product,
                quantity=quantity,
                effective_date=dt.date(2026, 1 + i % 12, 1),
                price_revision=revision,
                annual_net_preview=(quantity * revision.unit_price).quantize(Decimal("0.01")) if revision else None,
                decided_at=None if status == OrderStatus.SUBMITTED else now,
                rejection_reason="Benchmark" if status == OrderStatus.REJECTED else "",
                created=now - dt.timedelta(minutes=count - i),
                modified=now,
            )
        )
    with transaction.atomic():
        Order.objects.bulk_create(orders, batch_size=2000)
    return {"orders": count, "submitted": sum(1 for o in orders if o.status == OrderStatus.SUBMITTED)}


def committee(
    *, provider: Organization, member_ids: list[int], seats: int, with_login: int, rng: random.Random
) -> dict[str, Any]:
    """A central committee of `seats` members (one per municipality), each with a login (role committee member,
    linked to the person), a meeting in session, an agenda item under vote, everyone present, and about two thirds
    of the votes cast, all through the governance services. Returns ids and the logins the load test uses."""
    body = governance.committee_create(
        actor=None, body=provider, name="Zentralausschuss (Benchmark)", short_name="ZA-B", kind=CommitteeKind.CENTRAL
    )
    start = timezone.now().replace(microsecond=0) - dt.timedelta(hours=1)
    encoded = User.objects.filter(username__startswith="bench-").values_list("password", flat=True).first()
    memberships = []
    users = []
    for i, member_id in enumerate(sorted(rng.sample(member_ids, seats)), start=1):
        org = Organization.objects.get(pk=member_id)
        user = user_create(actor=None, username=f"bench-committee-{i:02d}", password=None, role=Role.COMMITTEE_MEMBER)
        person = governance.person_create(actor=None, name=f"Mitglied {i:02d}", organization=org, user=user)
        seat = governance.membership_create(
            actor=None,
            committee=body,
            person=person,
            start_date=start.date() - dt.timedelta(days=365),
            on_behalf_of=org,
            voting_weight=Decimal(rng.randint(1, 5)),
        )
        memberships.append(seat)
        users.append(user)
    User.objects.filter(username__startswith="bench-committee-").update(password=encoded)
    meeting = governance.meeting_schedule(actor=None, committee=body, name="Sitzung (Benchmark)", start=start)
    governance.meeting_set_state(actor=None, meeting=meeting, state=MeetingState.INVITED)
    items = [
        governance.agenda_item_add(actor=None, meeting=meeting, name=f"Tagesordnungspunkt {n}") for n in range(1, 6)
    ]
    for seat in memberships:
        governance.attendance_record(actor=None, meeting=meeting, membership=seat, present=True)
    item = items[2]
    for seat, user in zip(memberships, users, strict=True):
        if rng.random() < 2 / 3:
            choice = rng.choice((Choice.YES, Choice.YES, Choice.NO, Choice.ABSTAIN))
            governance.vote_cast(actor=user, agenda_item=item, membership=seat, choice=choice)
    return {
        "committee_id": body.pk,
        "meeting_id": meeting.pk,
        "item_id": item.pk,
        "logins": [{"username": u.username} for u in users[:with_login]],
    }
