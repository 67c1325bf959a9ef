"""Styled, German-first error pages in the site layout; the 500 page renders without the database."""

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error


def test_404_is_german_in_the_layout_with_navigation(client, alice):
    client.force_login(alice)
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Seite nicht gefunden" in page and "Fehler 404" in page
    assert 'class="main-nav"' in page and "Zurück zur Übersicht" in page
    assert "Not Found" not in page


def test_403_is_german_in_the_layout_with_navigation(client, alice):
    client.force_login(alice)
    response = client.get("/gremien/beschluesse/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Zugriff verweigert" in page and 'class="main-nav"' in page
    assert "403 Forbidden" not in page


def test_403_in_english(client, alice):
    client.force_login(alice)
    client.cookies["django_language"] = "en"
    page = client.get("/gremien/beschluesse/").content.decode()
    assert "Access denied" in page and "Zugriff" not in page


def test_400_is_styled(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Ungültige Anfrage" in response.content.decode()


def test_500_renders_without_the_database(django_db_blocker):
    request = RequestFactory().get("/")
    with django_db_blocker.block():
        response = server_error(request)
    assert response.status_code == 500
    page = response.content.decode()
    assert "Serverfehler" in page and 'class="main-nav"' in page


@pytest.mark.parametrize("path", ["/gibt-es-nicht/", "/ueber/"])
def test_html_pages_carry_a_strict_content_security_policy(client, path):
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_json_answers_carry_no_csp_but_a_permissions_policy(client):
    response = client.get("/api/v1/openapi.json")
    assert "Content-Security-Policy" not in response.headers
    assert "Permissions-Policy" in response.headers
