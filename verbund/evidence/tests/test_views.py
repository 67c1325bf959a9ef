from decimal import Decimal

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _get(client, user, name, **query):
    client.force_login(user)
    return client.get(reverse(name), query)


def test_overview_links_each_figure_to_its_records_and_shows_the_attribution(client, auditor, evidence, registry):
    citeq = registry["citeq"].pk
    page = _get(client, auditor, "evidence:home", provider=citeq, year=2025).content.decode()
    assert f"/nachweise/stellen/?provider={citeq}&amp;year=2025&amp;left=1" in page
    assert f"/nachweise/controls/?provider={citeq}&amp;year=2025&amp;applicable=1" in page
    assert "71,4 %" in page and "CC BY-SA 4.0" in page
    assert 'id="import-form"' not in page  # the auditor reads only


def test_list_filters_are_the_drill_down_subsets(client, admin_user, evidence, registry):
    citeq = registry["citeq"].pk
    vacant = _get(client, admin_user, "evidence:post_list", provider=citeq, year=2025, vacant=1).context["page"]
    assert [p.post for p in vacant] == ["ST-3"]
    left = _get(client, admin_user, "evidence:post_list", provider=citeq, year=2025, left=1).context["page"]
    assert [p.post for p in left] == ["ST-3"]
    bought = _get(client, admin_user, "evidence:asset_list", provider=citeq, year=2025, bought=1).context["page"]
    assert sorted(a.asset for a in bought) == ["A-1", "A-2", "A-4"]
    response = _get(client, admin_user, "evidence:control_list", provider=citeq, year=2025, level="erhöht")
    assert sorted(s.control.control_id for s in response.context["page"]) == ["TST.2.1", "TST.2.2"]
    assert "CC BY-SA 4.0" in response.content.decode()
    assert response.context["rate"] == Decimal("0.333333")  # of every status, not only the filtered ones
    assert {"group": "erhöht", "rate": Decimal(0), "applicable": 1} in response.context["breakdown"]
    assert {"group": "MUSS", "rate": Decimal(1), "applicable": 1} in response.context["breakdown"]
    high = _get(client, admin_user, "evidence:incident_list", provider=citeq, year=2025, extent="high")
    assert [i.reference for i in high.context["page"]] == ["SV-2"]


def test_a_member_contact_sees_no_evidence(client, alice, evidence, registry):
    for name in ("evidence:home", "evidence:post_list", "evidence:control_list", "evidence:catalogue"):
        assert _get(client, alice, name, provider=registry["citeq"].pk, year=2025).status_code == 403


def test_a_member_is_no_provider_to_choose(client, admin_user, registry):
    assert _get(client, admin_user, "evidence:post_list", provider=registry["telgte"].pk).status_code == 404
    assert _get(client, admin_user, "evidence:post_list", year="20x5").status_code == 404


def test_the_english_page_has_no_german_labels(client, admin_user, evidence, registry, english):
    client.force_login(admin_user)
    client.cookies["django_language"] = "en"
    page = client.get(
        reverse("evidence:home"), {"provider": registry["citeq"].pk, "year": 2025}, HTTP_ACCEPT_LANGUAGE="en"
    )
    text = page.content.decode()
    assert "Occupancy rate" in text and "Besetzungsquote" not in text


def test_the_import_page_shows_the_diff(client, admin_user, evidence):
    client.force_login(admin_user)
    page = client.get(reverse("evidence:import_detail", args=[evidence["staff"].pk])).content.decode()
    assert "ST-2" in page and "Netzwerk" in page
