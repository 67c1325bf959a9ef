"""Changes in the Django admin are audited like service changes; API tokens cannot be created or moved there."""

import lxml.html
import pytest
from django.contrib import admin
from django.db import IntegrityError

from verbund.accounts.models import ApiToken
from verbund.accounts.services import api_token_create
from verbund.core.admin import AuditedAdminMixin
from verbund.core.models import AuditAction, AuditEvent


def _form_values(response) -> dict[str, object]:
    """What a browser would submit from the admin's change form, unchanged."""
    page = lxml.html.fromstring(response.content.decode())
    form = next(f for f in page.forms if f.get("id", "").endswith("_form"))
    values: dict[str, list[str]] = {}
    for name, value in form.form_values():
        values.setdefault(name, []).append(value)
    return {k: v[0] if len(v) == 1 else v for k, v in values.items()}


@pytest.fixture
def staff_client(client, admin_user):
    """The provider administrator (anna) with access to the Django admin."""
    admin_user.is_staff = True
    admin_user.save(update_fields=["is_staff"])
    client.force_login(admin_user)
    return client


def test_every_admin_registration_is_audited():
    plain = [
        model.__name__
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, AuditedAdminMixin)
    ]
    assert plain == []


def test_raising_a_role_in_the_admin_writes_an_audit_event(staff_client, alice):
    url = f"/admin/accounts/user/{alice.pk}/change/"
    data = _form_values(staff_client.get(url))
    data["role"] = "provider_admin"
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    alice.refresh_from_db()
    assert alice.role == "provider_admin"
    event = AuditEvent.objects.filter(object_id=str(alice.pk), action=AuditAction.UPDATE).get()
    assert event.actor_name == "anna"
    assert "role" in event.changed_fields
    assert event.before["role"] == "member_contact" and event.after["role"] == "provider_admin"
    assert event.scope_organization_id == alice.organization_id


def test_an_api_token_cannot_be_moved_to_another_user_in_the_admin(staff_client, alice, bob):
    token, _raw = api_token_create(actor=None, user=alice, name="Fachverfahren")
    url = f"/admin/accounts/apitoken/{token.pk}/change/"
    data = _form_values(staff_client.get(url))
    data["user"] = str(bob.pk)
    data["name"] = "renamed"
    assert staff_client.post(url, data).status_code == 302
    token.refresh_from_db()
    assert token.user == alice and token.name == "renamed"
    event = AuditEvent.objects.filter(object_id=str(token.pk), action=AuditAction.UPDATE).get()
    assert event.changed_fields == ["name"]
    assert "key_hash" not in event.after


def test_api_tokens_cannot_be_added_in_the_admin(staff_client):
    assert staff_client.get("/admin/accounts/apitoken/add/").status_code == 403
    assert staff_client.post("/admin/accounts/apitoken/add/", {"name": "x"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_an_api_token_without_a_key_is_refused_by_the_database(alice):
    with pytest.raises(IntegrityError):
        ApiToken.objects.create(user=alice, name="empty", key_hash="", key_prefix="")


def test_deleting_in_the_admin_writes_an_audit_event(staff_client, alice):
    token, _raw = api_token_create(actor=None, user=alice, name="alt")
    response = staff_client.post(f"/admin/accounts/apitoken/{token.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(object_id=str(token.pk), action=AuditAction.DELETE)
    assert event.before["name"] == "alt" and event.actor_name == "anna"


def test_changing_a_password_in_the_admin_writes_an_audit_event(staff_client, alice):
    url = f"/admin/accounts/user/{alice.pk}/password/"
    new = "Another-Horse-Battery-42"
    response = staff_client.post(url, {"password1": new, "password2": new, "usable_password": "true"})
    assert response.status_code == 302
    event = AuditEvent.objects.filter(object_id=str(alice.pk), action=AuditAction.UPDATE).get()
    assert event.changed_fields == ["password"]
    assert new not in str(event.after)
