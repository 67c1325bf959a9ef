"""`core.bulkcopy.copy_insert` stores what `bulk_create` stores (COPY on PostgreSQL, bulk_create elsewhere).

JSON lines through COPY: billing/tests/test_bulk_runs.py compares a run prepared in slices with the single path."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy

from verbund.core.bulkcopy import copy_insert
from verbund.registry.choices import OrganizationKind
from verbund.registry.models import Organization

pytestmark = pytest.mark.django_db

COMPARED = ["name", "short_name", "kind", "area_km2", "territorial_status", "parent_id", "ags", "land"]


def _organizations(parent: Organization, suffix: str) -> list[Organization]:
    return [
        Organization(
            name=f"Gemeinde {index}{suffix}",
            short_name=gettext_lazy("Office") if index == 0 else f"G{index}",  # type: ignore[misc]  # lazy: prepared by its field
            kind=OrganizationKind.MUNICIPALITY if index % 2 else OrganizationKind.OFFICE,
            area_km2=Decimal("12.345") * index,
            territorial_status=dt.date(2024, 1, index + 1) if index % 3 else None,
            parent=parent if index % 2 == 0 else None,
            land="05",
            ags="",
        )
        for index in range(7)
    ]


def _rows(suffix: str) -> list[dict]:
    return list(Organization.objects.filter(name__endswith=suffix).order_by("name").values(*COMPARED))


def test_copy_insert_stores_what_bulk_create_stores(django_assert_max_num_queries):
    parent = Organization.objects.create(name="Kreis Test", kind=OrganizationKind.DISTRICT, land="05")
    Organization.objects.bulk_create(_organizations(parent, " (bulk)"))
    with django_assert_max_num_queries(3):
        assert copy_insert(Organization, iter(_organizations(parent, " (copy)"))) == 7
    bulk, copied = _rows(" (bulk)"), _rows(" (copy)")
    for row in bulk + copied:
        row["name"] = row["name"].rsplit(" (", 1)[0]
    assert copied == bulk
    created = Organization.objects.filter(name__endswith=" (copy)").values_list("created", "modified")
    assert all(c is not None and m is not None for c, m in created)  # auto_now(_add) filled as bulk_create does
