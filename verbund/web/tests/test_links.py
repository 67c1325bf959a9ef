"""Links are drawn only where the user may go (issue #10: a member's plan page linked to a 403)."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

DECISION = '{% load verbund_tags %}{% page_link "governance:decision_register" "ZA-2025-003" q="ZA-2025-003" %}'


def _render(source, user, **context):
    request = RequestFactory().get("/")
    request.user = user
    return Template(source).render(Context({"request": request, **context}))


def test_a_member_gets_the_decision_number_without_a_link(alice):
    assert _render(DECISION, alice) == "ZA-2025-003"


def test_staff_get_the_link_to_the_register(auditor):
    assert _render(DECISION, auditor) == '<a href="/gremien/beschluesse/?q=ZA-2025-003">ZA-2025-003</a>'


def test_an_undeclared_page_is_a_programming_error(alice):
    with pytest.raises(KeyError):
        _render('{% load verbund_tags %}{% page_link "registry:organization_detail" "x" %}', alice)


def test_object_link_follows_the_access_layer(registry, alice, auditor):
    source = "{% load verbund_tags %}{% object_link org org.name %}"
    assert _render(source, alice, org=registry["citeq"]) == "citeq"
    assert _render(source, alice, org=registry["telgte"]).startswith('<a href="/organisationen/')
    assert _render(source, auditor, org=registry["citeq"]).startswith('<a href="/organisationen/')


def test_a_member_sees_the_agreement_without_a_link_to_the_provider_it_may_not_open(client, registry, alice):
    client.force_login(alice)
    page = client.get(registry["agreement"].get_absolute_url()).content.decode()
    assert "citeq" in page
    assert registry["citeq"].get_absolute_url() not in page
