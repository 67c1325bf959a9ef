"""The strategy's REST API: what a member and provider staff read, setting an inventory entry, and the refusals
(422 naming the field, nothing written). The four generic tests of each operation are in test_endpoints.py."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from verbund.catalog.tests.conftest import catalogue  # noqa: F401  (fixture)
from verbund.core.models import AuditEvent
from verbund.core.testing import database_state
from verbund.strategy.choices import SolutionKind
from verbund.strategy.engine.maturity import RG_2020, RG_2025
from verbund.strategy.models import InventoryEntry, MaturityScore
from verbund.strategy.services import EntryData, inventory_entry_save, product_tag_add

GEBURT, EHE, KFZ_AB = "99027002012000", "99059001104000", "99036008070000"


@pytest.fixture
def setup(small_catalogue, registry, catalogue, alice, bob, admin_user):  # noqa: F811
    services = small_catalogue["services"]
    product_tag_add(actor=None, product=catalogue["ozg"], leika=services[EHE])
    for org, key, kind in (("telgte", GEBURT, SolutionKind.OWN), ("ahlen", KFZ_AB, SolutionKind.EFA)):
        inventory_entry_save(
            actor=None, organization=registry[org], leika=services[key], data=EntryData(online=True, solution_kind=kind)
        )
    return {"services": services, **registry, "product": catalogue["ozg"]}


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _entry_url(org, service):
    return reverse("api:strategy_inventory_set", kwargs={"organization_id": org.pk, "leika_id": service.pk})


def _put(client, url, payload):
    return client.put(url, payload, content_type="application/json")


def test_a_member_reads_its_own_inventory_and_staff_every_one(setup, alice, admin_user):
    telgte, ahlen = setup["telgte"], setup["ahlen"]

    def keys(client, org, **query):
        url = reverse("api:strategy_inventory_list", kwargs={"organization_id": org.pk})
        response = client.get(url, query)
        assert response.status_code == 200, response.content
        return [item["leika_key"] for item in response.json()["items"]]

    member, staff = _client(alice), _client(admin_user)
    assert keys(member, telgte) == [GEBURT]
    assert keys(staff, ahlen) == [KFZ_AB]
    assert keys(staff, ahlen, online="false") == []
    url = reverse("api:strategy_inventory_list", kwargs={"organization_id": ahlen.pk})
    assert member.get(url).status_code == 404  # another member's municipality is not revealed
    detail = reverse("api:strategy_inventory_get", kwargs={"organization_id": telgte.pk,
                                                           "leika_id": setup["services"][EHE].pk})  # fmt: skip
    assert member.get(detail).status_code == 404  # no entry for this service yet


def test_setting_an_entry_creates_then_changes_it_with_its_maturity_levels(setup, alice):
    client = _client(alice)
    service = setup["services"][EHE]
    url = _entry_url(setup["telgte"], service)
    scores = dict.fromkeys(RG_2020.criteria, 3) | {"payment": 1}
    payload = {
        "online": True,
        "solution_kind": "catalogue",
        "product_id": setup["product"].pk,
        "url": "https://telgte.example/ehe",
        "online_since": "2025-03-01",
        "scores": {"2020": scores},
    }
    response = _put(client, url, payload)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["level_2020"], body["level_2025"], body["described"]) == (1, None, True)
    assert body["scores"] == {"2020": scores}
    assert "payment" in body["explanation"][0]
    entry = InventoryEntry.objects.get(organization=setup["telgte"], leika=service)
    assert (entry.product, entry.source) == (setup["product"], "manual")
    assert AuditEvent.objects.filter(actor=alice, object_id=str(entry.pk), action="create").exists()
    # Again, without scores and offline: the scores stay, the entry changes.
    response = _put(client, url, {"online": False, "solution_kind": "none"})
    assert response.status_code == 200, response.content
    entry.refresh_from_db()
    assert not entry.online and entry.level_2020 == 1 and entry.product is None
    assert MaturityScore.objects.filter(entry=entry).count() == len(RG_2020.criteria)
    assert AuditEvent.objects.filter(actor=alice, object_id=str(entry.pk), action="update").exists()
    # the detail reads the same
    detail = client.get(reverse("api:strategy_inventory_get", kwargs={"organization_id": setup["telgte"].pk,
                                                                      "leika_id": service.pk}))  # fmt: skip
    assert detail.json()["scores"] == {"2020": scores} and detail.json()["online"] is False


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"solution_kind": "catalogue"}, "product_id"),  # the service's "product", named as the API names it
        ({"product_id": 999999}, "product_id"),  # no such product
        ({"url": "ftp://telgte.example"}, "url"),
        ({"url": "kein Link"}, "url"),
        ({"solution_kind": "magic"}, "solution_kind"),
        ({"online_since": "2999-01-01"}, "online_since"),
        ({"online_since": "0"}, "online_since"),
        ({"scores": {"2020": dict.fromkeys(RG_2020.criteria, 5)}}, "scores"),  # model 1.1 ends at level 4
        ({"scores": {"2025": {"warp_drive": 3}}}, "scores"),  # not a criterion of the model
        ({"scores": {"2030": {"payment": 3}}}, "scores"),  # no such model
        ({"scores": {"2020": {"payment": 3}}}, "scores"),  # every criterion of a model, or none (as on the page)
        ({"scores": {"2025": dict.fromkeys(RG_2025.criteria, 8)}}, "scores"),
        ({"solution_name": "x" * 201}, "solution_name"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_changes_nothing(setup, alice, change, field):
    client = _client(alice)
    url = _entry_url(setup["telgte"], setup["services"][GEBURT])
    before = database_state()
    response = _put(client, url, {"online": True, "solution_kind": "own"} | change)
    assert response.status_code == 422, response.content
    assert field in [part for item in response.json()["detail"] for part in item["loc"]], response.json()
    assert database_state() == before


def test_potential_lists_the_solutions_with_their_prices(setup, alice, bob):
    url = reverse("api:strategy_potential", kwargs={"organization_id": setup["telgte"].pk})
    response = _client(alice).get(url)
    assert response.status_code == 200, response.content
    lines = response.json()
    assert [(line["leika_key"], line["kind"]) for line in lines] == [(EHE, "catalogue"), (KFZ_AB, "efa")]
    assert lines[0]["offers"][0]["product_id"] == setup["product"].pk
    assert Decimal(lines[0]["offers"][0]["unit_price"]) == Decimal("0.35")
    assert lines[1]["others_online"] == 1
    assert _client(alice).get(url, {"limit": 1}).json()[0]["leika_key"] == EHE
    assert _client(alice).get(url, {"limit": 0}).status_code == 422


def test_coverage_per_themenfeld_is_for_staff_only(setup, admin_user, alice, auditor):
    url = reverse("api:strategy_coverage")
    response = _client(admin_user).get(url)
    assert response.status_code == 200, response.content
    body = response.json()
    themen = {row["name"]: row for row in body["themenfelder"]}
    assert body["members"] == 2
    # Familie & Kind: Geburtsurkunde and Eheschließung in scope per member; Telgte's Geburtsurkunde online.
    assert (themen["Familie & Kind"]["in_scope"], themen["Familie & Kind"]["online"]) == (2, 1)
    assert Decimal(themen["Familie & Kind"]["share"]) == Decimal("25.0")
    # Mobilität & Reisen: Kfz-Abmeldung and the type-5 case; Ahlen's Kfz-Abmeldung online.
    assert Decimal(themen["Mobilität & Reisen"]["share"]) == Decimal("25.0")
    assert _client(auditor).get(url).status_code == 200
    assert _client(alice).get(url).status_code == 403
