"""The transfer preview in pages: 50 members a page on the detail page, `limit`/`offset` in the API; the totals
cover every member, not the page."""

import datetime as dt
from decimal import Decimal

import pytest

from verbund.transfers import selectors
from verbund.transfers.tests.conftest import subscribe

EXTRA = 60  # with Telgte and Ahlen: 62 members, two pages


@pytest.fixture
def many(setup, proposed):
    from verbund.registry.models import Organization

    members = Organization.objects.bulk_create(
        [Organization(name=f"Gemeinde {i:03d}", kind="municipality", ags=f"99{i:06d}", land="05") for i in range(EXTRA)]
    )
    for i, member in enumerate(members):
        subscribe(member, setup["workplace"], dt.date(2026, 1, 1), [(dt.date(2026, 1, 1), str(1 + i % 3))])
    return proposed


def test_the_preview_totals_cover_every_member(many):
    preview = selectors.transfer_preview(transfer=many)
    assert len(preview.members) == EXTRA + 2
    assert preview.after == sum((m.after for m in preview.members), Decimal(0)) > 0
    assert preview.change == preview.after - preview.before


def test_the_page_shows_50_members_and_the_totals_of_all(client, setup, many):
    from django.utils import translation

    from verbund.web.templatetags.verbund_tags import money

    preview = selectors.transfer_preview(transfer=many)
    client.force_login(setup["pm_opco"])
    url = f"/uebertragungen/{many.pk}/"
    first = client.get(url)
    assert first.status_code == 200
    page = first.context["members_page"]
    assert len(page.object_list) == 50 and page.paginator.num_pages == 2
    assert [m.member for m in page.object_list] == [m.member for m in preview.members[:50]]
    text = first.content.decode()
    assert f"Alle {EXTRA + 2} Mitglieder" in text
    with translation.override("de"):
        total = money(preview.after)
    assert f'<td class="num">{total}</td>' in text  # the total of all members, not of the page
    assert "?page=2#preview-members" in text
    second = client.get(url, {"page": "2"}).context["members_page"]
    assert [m.member for m in second.object_list] == [m.member for m in preview.members[50:]]
    for odd in ("999", "abc", "-1"):  # out of range or not a number: a page, never an error
        assert client.get(url, {"page": odd}).status_code == 200


def test_the_api_pages_with_limit_and_offset(client, setup, many):
    preview = selectors.transfer_preview(transfer=many)
    client.force_login(setup["pm_opco"])
    url = f"/api/v1/transfers/{many.pk}/preview"
    answer = client.get(url, {"limit": 20, "offset": 50}).json()
    assert (answer["count"], answer["limit"], answer["offset"]) == (EXTRA + 2, 20, 50)
    assert [m["member_id"] for m in answer["members"]] == [m.member.pk for m in preview.members[50:]]
    assert Decimal(answer["after"]) == preview.after and Decimal(answer["before"]) == preview.before
    assert len(client.get(url).json()["members"]) == EXTRA + 2  # default limit 100
    for bad in ({"limit": 0}, {"limit": 501}, {"offset": -1}, {"limit": "x"}):
        refused = client.get(url, bad)
        assert refused.status_code == 422
        assert next(iter(bad)) in str(refused.json()["detail"])


def test_the_in_house_explanation_names_only_the_largest_other_customers(client, setup, many):
    from verbund.transfers.inhouse import THIRD_SHOWN, transfer_inhouse
    from verbund.transfers.tests.test_inhouse import _owned_by_telgte

    _owned_by_telgte(setup, "1000")
    [check] = transfer_inhouse(transfer=many, preview=selectors.transfer_preview(transfer=many))
    assert check.breaks and check.customers == EXTRA + 2
    others = EXTRA + 1  # every member but Telgte, the owner
    assert check.left_off == others - THIRD_SHOWN
    third = [s for s in check.warning.after.trace if s.code == "activity.third"]
    shown = [s for s in check.after.trace if s.code == "activity.third"]
    assert len(third) == others and shown == third[:THIRD_SHOWN]  # the largest, in the engine's order
    assert check.after.turnover_total == check.warning.after.turnover_total  # only the explanation is shorter
    client.force_login(setup["pm_opco"])
    assert f"… und {others - THIRD_SHOWN} weitere Kunden" in client.get(f"/uebertragungen/{many.pk}/").content.decode()
    [answer] = client.get(f"/api/v1/transfers/{many.pk}/preview").json()["inhouse"]
    assert answer["customers_left_off"] == others - THIRD_SHOWN
    activity = next(rule for rule in answer["after"]["rules"] if rule["code"] == "activity")
    assert len(activity["lines"]) == 3 + THIRD_SHOWN + 1  # three years, the named customers, the share


def test_members_outside_the_agreement_are_named_up_to_twenty(client, setup, many):
    client.force_login(setup["pm_opco"])
    text = client.get(f"/uebertragungen/{many.pk}/").content.decode()
    warning = text[text.index('data-testid="not-in-agreement"') :].split("</p>", 1)[0]
    # Telgte and Ahlen are parties of the operating company's agreement; the 60 new municipalities are not.
    assert "Gemeinde 019" in warning and "Gemeinde 020" not in warning
    assert f"… und {EXTRA - 20} weitere Mitglieder" in warning
