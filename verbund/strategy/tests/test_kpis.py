"""The controlling app's figure `strategy.ozg_online_share` (registered through `verbund.core.kpi`)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from verbund.core import kpi
from verbund.strategy.choices import SolutionKind
from verbund.strategy.models import InventoryEntry
from verbund.strategy.selectors import scope_services
from verbund.strategy.services import EntryData, inventory_entry_save

GEBURT, EHE = "99027002012000", "99059001104000"
KEY = "strategy.ozg_online_share"


@pytest.fixture
def setup(small_catalogue, registry):
    return {"services": small_catalogue["services"], **registry}


def _query(setup, member=None):
    return kpi.KpiQuery(
        provider_id=setup["citeq"].pk,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        member_id=member.pk if member else None,
    )


def _online(setup, org, key, online=True):
    kind = SolutionKind.OWN if online else SolutionKind.NONE
    inventory_entry_save(
        actor=None, organization=org, leika=setup["services"][key], data=EntryData(online=online, solution_kind=kind)
    )


def test_registered_as_a_share_with_a_member_breakdown():
    spec = kpi.source(KEY)
    assert (spec.unit, spec.breakdowns) == ("share", ("member",))


def test_none_without_an_inventory(setup):
    assert kpi.figure(KEY, _query(setup)) is None
    assert kpi.figure(KEY, _query(setup, setup["telgte"])) is None


def test_share_over_the_members_with_an_inventory(setup):
    _online(setup, setup["telgte"], GEBURT)
    _online(setup, setup["telgte"], EHE, online=False)
    in_scope = scope_services().count()
    figure = kpi.figure(KEY, _query(setup))
    assert figure is not None
    assert figure.value == (Decimal(1) / in_scope).quantize(Decimal("0.0001"))  # Ahlen has no inventory: left out
    assert "1" in figure.note and "2" in figure.note
    assert figure.cut_off == InventoryEntry.objects.latest("modified").modified.date()
    assert figure.records and all(r.url == reverse("strategy:comparison") for r in figure.records)
    assert figure.record_count == len(figure.records)
    assert kpi.figure(KEY, _query(setup)) == figure  # pure: asking again gives the same answer

    _online(setup, setup["ahlen"], GEBURT, online=False)  # now Ahlen counts, with nothing online
    both = kpi.figure(KEY, _query(setup))
    assert both.value == (Decimal(1) / (2 * in_scope)).quantize(Decimal("0.0001"))
    assert both.note == ""


def test_member_breakdown(setup):
    _online(setup, setup["telgte"], GEBURT)
    in_scope = scope_services().count()
    telgte = kpi.figure(KEY, _query(setup, setup["telgte"]))
    assert telgte.value == (Decimal(1) / in_scope).quantize(Decimal("0.0001"))
    assert {r.url for r in telgte.records} == {reverse("strategy:inventory", args=[setup["telgte"].pk])}
    assert kpi.figure(KEY, _query(setup, setup["ahlen"])) is None  # a member without an inventory
    assert kpi.figure(KEY, _query(setup, setup["kreis"])) is None  # not a member of the provider


def test_a_member_that_left_is_not_counted(setup):
    from verbund.registry.models import AgreementParty

    _online(setup, setup["telgte"], GEBURT)
    AgreementParty.objects.filter(organization=setup["telgte"]).update(left_on=dt.date(2026, 6, 30))
    assert kpi.figure(KEY, _query(setup)) is None
