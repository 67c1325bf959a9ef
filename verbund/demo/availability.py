"""Demo service commitments and outages of citeq (issue #16), marked as demo figures.

The commitments come from the demo catalogue's SLA fields (from 1 January 2025). The outages and maintenance of
2025 and 2026 touch several products; one maintenance was announced too late (two days instead of five: it
counts as downtime), and two outages run across a daylight-saving switch (26 October 2025, 29 March 2026).
The demo subscriptions start on 1 January 2026, so the members' reports show 2026; the 2025 rows are there for
the outage list and the API.

Idempotent: the commitments are taken over only where none exists, the outages carry a key (`demo-N`), so a
second run creates and changes nothing.
"""

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction

from verbund.availability import services
from verbund.availability.choices import OutageSource
from verbund.availability.imports import OutageRow
from verbund.catalog.models import Product
from verbund.orders.models import Subscription
from verbund.registry.choices import OrganizationKind
from verbund.registry.models import Organization

BERLIN = ZoneInfo("Europe/Berlin")


def _at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=BERLIN)


# (key, product, kind, start, end, announced, impact, reference, one member only)
OUTAGES: tuple[tuple[str, str, str, dt.datetime, dt.datetime, dt.datetime | None, str, str, bool], ...] = (
    ("demo-1", "ARB-010", "outage", _at(2025, 3, 11, 9, 15), _at(2025, 3, 11, 11, 45), None, "1",
     "INC-2025-031", False),
    ("demo-2", "KOM-010", "maintenance", _at(2025, 6, 17, 18), _at(2025, 6, 17, 22), _at(2025, 6, 2, 10), "1",
     "CHG-2025-014 Mailserver-Update", False),
    ("demo-3", "OZG-010", "outage", _at(2025, 10, 26, 1, 30), _at(2025, 10, 26, 4), None, "0.5",
     "INC-2025-102 Servicekonto langsam (Zeitumstellung)", False),
    ("demo-4", "FIN-010", "outage", _at(2025, 11, 20, 13), _at(2025, 11, 20, 18, 30), None, "1",
     "INC-2025-117 Finanzverfahren nicht erreichbar", False),
    ("demo-5", "ARB-010", "outage", _at(2026, 2, 3, 8), _at(2026, 2, 3, 10, 30), None, "1",
     "INC-2026-009 Anmeldung am Arbeitsplatz gestört", False),
    ("demo-6", "KOM-010", "maintenance", _at(2026, 3, 10, 18), _at(2026, 3, 10, 22), _at(2026, 3, 8, 12), "1",
     "CHG-2026-021 kurzfristig angekündigt", False),
    ("demo-7", "OZG-010", "outage", _at(2026, 3, 29, 1), _at(2026, 3, 29, 4), None, "1",
     "INC-2026-033 Servicekonto (Zeitumstellung)", False),
    ("demo-8", "OZG-020", "outage", _at(2026, 5, 12, 10), _at(2026, 5, 12, 10, 45), None, "0.3",
     "INC-2026-051 Teilstörung", True),
    ("demo-9", "KOM-010", "maintenance", _at(2026, 9, 15, 18), _at(2026, 9, 15, 22), _at(2026, 9, 1, 9), "1",
     "CHG-2026-077 Mailserver-Update", False),
    ("demo-10", "FIN-010", "outage", _at(2026, 11, 5, 7, 30), _at(2026, 11, 5, 9), None, "1",
     "INC-2026-102 Finanzverfahren langsam", False),
)  # fmt: skip


@transaction.atomic
def load_demo_availability(*, actor: Any = None) -> dict[str, int]:
    counts = {"commitments": 0, "outages": 0}
    provider = Organization.objects.filter(kind=OrganizationKind.PROVIDER, short_name="citeq").first()
    if provider is None:
        return counts
    created = services.commitments_initialise(actor=actor, provider=provider, valid_from=dt.date(2025, 1, 1), demo=True)
    counts["commitments"] = len(created)
    products = dict(Product.objects.filter(number__in={row[1] for row in OUTAGES}).values_list("number", "pk"))
    rows = []
    for key, number, kind, start, end, announced, impact, reference, one_member in OUTAGES:
        if number not in products:
            continue
        member_id = None
        if one_member:
            member_id = (
                Subscription.objects.filter(product_id=products[number])
                .order_by("member__ags", "member_id")
                .values_list("member_id", flat=True)
                .first()
            )
            if member_id is None:
                continue
        rows.append(
            OutageRow(
                line=0,
                key=key,
                kind=kind,
                start=start,
                end=end,
                announced_at=announced,
                impact=Decimal(impact),
                reference=reference,
                product_id=products[number],
                member_id=member_id,
            )
        )
    result = services.outages_import(actor=actor, provider=provider, source=OutageSource.DEMO, rows=rows, demo=True)
    counts["outages"] = result.added
    return counts


def summary_line(counts: dict[str, int]) -> str:
    return (
        f"Demo availability: {counts.get('commitments', 0)} service commitments, {counts.get('outages', 0)} outages "
        "and maintenance (demo figures) created (existing ones kept)."
    )
