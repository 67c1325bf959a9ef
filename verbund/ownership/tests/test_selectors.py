import datetime as dt

import pytest
from django.http import Http404

from verbund.ownership import selectors
from verbund.ownership.tests.conftest import JAN_2026


def test_owners_at_a_date(entities, registry):
    assert selectors.owners_on(entity=entities["holding"], day=dt.date(2025, 12, 31)) == []
    owners = selectors.owners_on(entity=entities["holding"], day=JAN_2026)
    assert [row.owner for row in owners] == [registry["telgte"], registry["kreis"]]


def test_owners_query_count(entities, django_assert_num_queries):
    with django_assert_num_queries(1):
        owners = selectors.owners_on(entity=entities["holding"], day=JAN_2026)
        assert [row.owner.name for row in owners]


def test_holdings_and_agreements(entities, admin_user):
    held = selectors.entity_holdings(entity=entities["holding"], day=JAN_2026)
    assert [(h.organization, h.share) for h in held] == [(entities["operating"], 1)]
    assert selectors.entity_agreements(user=admin_user, entity=entities["operating"]) == [entities["agreement"]]


def test_a_member_sees_only_the_entities_it_holds_a_stake_in(entities, alice, bob, admin_user):
    assert list(selectors.entity_list(user=admin_user)) == [entities["holding"], entities["operating"]]
    assert list(selectors.entity_list(user=alice)) == [entities["holding"]]
    assert list(selectors.entity_list(user=bob)) == []
    with pytest.raises(Http404):
        selectors.entity_get_for_user(user=bob, entity_id=entities["holding"].pk)
    assert list(selectors.ownership_rows(user=bob)) == []


def test_entity_list_query_count(entities, admin_user, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        assert len(list(selectors.entity_list(user=admin_user))) == 2
