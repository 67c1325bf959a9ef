import pytest
from django.core.management import call_command
from django.test import Client

from verbund.accounts.models import ApiToken


def test_login_and_logout(alice, password):
    client = Client()
    response = client.post("/accounts/anmelden/", {"username": "alice", "password": password})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/accounts/abmelden/")
    assert client.get("/").status_code == 302


def test_wrong_password_shows_the_form_again(alice):
    response = Client().post("/accounts/anmelden/", {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_password_guessing_is_throttled(alice, password):
    client = Client()
    for _ in range(5):
        client.post("/accounts/anmelden/", {"username": "alice", "password": "wrong"})
    response = client.post("/accounts/anmelden/", {"username": "alice", "password": password})
    assert response.status_code == 429
    assert client.get("/").status_code == 302  # still not logged in


def test_create_api_token_command_prints_a_token_once(alice, capsys):
    call_command("create-api-token", "alice", "--name", "test")
    raw = capsys.readouterr().out.strip()
    assert raw.startswith("vbd_")
    token = ApiToken.objects.get(user=alice)
    assert token.key_hash == ApiToken.hash_key(raw)
    assert raw not in token.key_hash


def test_create_api_token_for_unknown_user_fails(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="no user"):
        call_command("create-api-token", "nobody")


def test_member_contact_needs_an_organization(db):
    from django.core.exceptions import ValidationError

    from verbund.accounts.services import user_create

    with pytest.raises(ValidationError):
        user_create(actor=None, username="x", password=None, role="member_contact", organization=None)
    with pytest.raises(ValidationError, match="role"):
        user_create(actor=None, username="y", password=None, role="emperor", organization=None)


def test_token_expiry_and_revoke_commands(alice, capsys):
    from django.core.management import CommandError

    call_command("create-api-token", "alice", "--name", "job", "--expires-days", "30")
    raw = capsys.readouterr().out.strip()
    token = ApiToken.objects.get(user=alice, name="job")
    assert token.expires_at is not None
    call_command("revoke-api-token", "alice", "job")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client().get("/api/v1/organizations", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    with pytest.raises(CommandError):
        call_command("revoke-api-token", "alice", "job")
    with pytest.raises(CommandError):
        call_command("create-api-token", "alice", "--expires-days", "0")
