import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


@pytest.fixture
def admin_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def test_list_page_filters_and_shows_results(admin_client):
    response = admin_client.get("/organisationen/?q=telgte")
    assert response.status_code == 200
    assert "Telgte, Stadt" in response.content.decode()
    assert "Ahlen, Stadt" not in response.content.decode()


def test_list_page_ignores_a_bad_filter_and_says_so(admin_client):
    response = admin_client.get("/organisationen/?ags_prefix=abc")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'aria-invalid="true"' in page
    assert "Telgte, Stadt" in page


def test_list_page_htmx_returns_only_the_results(admin_client):
    response = admin_client.get("/organisationen/?q=ahlen", HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<html" not in page
    assert "Ahlen, Stadt" in page


def test_list_page_query_count_is_constant(admin_client, registry):
    from verbund.registry.services import organization_create

    with CaptureQueriesContext(connection) as small:
        admin_client.get("/organisationen/")
    for number in range(40):
        organization_create(actor=None, name=f"Amt {number}", kind="office", parent=registry["telgte"])
    with CaptureQueriesContext(connection) as large:
        response = admin_client.get("/organisationen/")
    assert response.context["page"].paginator.count == 46
    assert len(large) == len(small)


def test_detail_page_shows_history(admin_client, registry, admin_user):
    from verbund.registry.services import organization_update

    organization_update(actor=admin_user, organization=registry["telgte"], population=20999)
    page = admin_client.get(f"/organisationen/{registry['telgte'].pk}/").content.decode()
    assert "05570044" in page
    assert "20.222" in page and "20.999" in page  # before → after, formatted for German
    assert "anna" in page


def test_member_cannot_open_another_members_page(alice, registry):
    client = Client()
    client.force_login(alice)
    assert client.get(f"/organisationen/{registry['ahlen'].pk}/").status_code == 404
    assert client.get(f"/organisationen/{registry['telgte'].pk}/").status_code == 200
    page = client.get("/organisationen/").content.decode()
    assert "Ahlen" not in page


def test_pages_need_login(registry):
    response = Client().get("/organisationen/")
    assert response.status_code == 302
    assert "/accounts/anmelden/" in response["Location"]


def test_agreement_pages(admin_client, alice, registry):
    page = admin_client.get(f"/organisationen/vereinbarungen/{registry['agreement'].pk}/").content.decode()
    assert "Telgte, Stadt" in page and "Ahlen, Stadt" in page
    client = Client()
    client.force_login(alice)
    page = client.get(f"/organisationen/vereinbarungen/{registry['agreement'].pk}/").content.decode()
    assert "Telgte, Stadt" in page and "Ahlen, Stadt" not in page
    assert client.get("/organisationen/vereinbarungen/").status_code == 200


def test_numbers_are_formatted_for_the_locale(admin_client, registry):
    page = admin_client.get(f"/organisationen/{registry['ahlen'].pk}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "53.348" in page
    admin_client.cookies["django_language"] = "en"
    page = admin_client.get(f"/organisationen/{registry['ahlen'].pk}/").content.decode()
    assert "53,348" in page
