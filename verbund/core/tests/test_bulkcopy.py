"""`core.bulkcopy.copy_rows` stores what `bulk_create` stores (COPY on PostgreSQL, bulk_create elsewhere).

JSON lines through COPY: billing/tests/test_bulk_runs.py compares a run prepared in slices with the single path."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy

from verbund.core.bulkcopy import copy_rows
from verbund.registry.choices import OrganizationKind
from verbund.registry.models import Organization

pytestmark = pytest.mark.django_db

COMPARED = ["name", "short_name", "kind", "area_km2", "territorial_status", "parent_id", "ags", "land"]
WRITTEN = COMPARED  # created and modified left out: auto_now(_add), as with bulk_create
DEFAULTED = ["legal_form", "population", "leitweg_id"]  # left out: the model defaults, as with bulk_create


def _values(parent: Organization, suffix: str) -> list[list[object]]:
    return [
        [
            f"Gemeinde {index}{suffix}",
            gettext_lazy("Office") if index == 0 else f"G{index}",  # a lazy string: prepared by its field
            OrganizationKind.MUNICIPALITY if index % 2 else OrganizationKind.OFFICE,  # a str subclass (an enum)
            Decimal("12.25") * index,
            dt.date(2024, 1, index + 1) if index % 3 else None,
            parent.pk if index % 2 == 0 else None,
            "",
            "05",
        ]
        for index in range(7)
    ]


def _rows(suffix: str) -> list[dict[str, object]]:
    return list(Organization.objects.filter(name__endswith=suffix).order_by("name").values(*COMPARED))


def test_copy_rows_stores_what_bulk_create_stores(django_assert_max_num_queries):
    parent = Organization.objects.create(name="Kreis Test", kind=OrganizationKind.DISTRICT, land="05")
    Organization.objects.bulk_create(
        Organization(**dict(zip(WRITTEN, row, strict=True))) for row in _values(parent, " (bulk)")
    )
    with django_assert_max_num_queries(3):
        assert copy_rows(Organization, WRITTEN, iter(_values(parent, " (copy)"))) == 7
    bulk, copied = _rows(" (bulk)"), _rows(" (copy)")
    for row in bulk + copied:
        row["name"] = str(row["name"]).rsplit(" (", 1)[0]
    assert copied == bulk
    left_out = list(Organization.objects.filter(name__endswith=" (copy)").values(*DEFAULTED))
    assert left_out == list(Organization.objects.filter(name__endswith=" (bulk)").values(*DEFAULTED))
    stamps = Organization.objects.filter(name__endswith=" (copy)").values_list("created", "modified")
    assert all(created is not None and modified is not None for created, modified in stamps)
    assert copied[0]["short_name"] == str(gettext_lazy("Office")) and copied[1]["area_km2"] == Decimal("12.25")


def test_copy_rows_names_an_unknown_field():
    with pytest.raises(ValueError, match="no_such_field"):
        copy_rows(Organization, ["name", "no_such_field"], [["x", 1]])
