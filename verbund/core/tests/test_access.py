"""The access layer: who sees which rows."""

import pytest

from verbund.accounts.roles import ROLE_PERMISSIONS, Role, role_has_permission
from verbund.core.access import can
from verbund.core.models import AuditEvent
from verbund.registry.models import Agreement, AgreementParty, Organization


def test_member_contact_sees_only_own_organization(registry, alice):
    visible = set(Organization.objects.restrict(alice).values_list("name", flat=True))
    assert visible == {"Telgte, Stadt"}


def test_member_contact_sees_own_offices(registry, alice):
    from verbund.registry.services import organization_create

    organization_create(actor=None, name="Bürgeramt Telgte", kind="office", parent=registry["telgte"])
    organization_create(actor=None, name="Bürgeramt Ahlen", kind="office", parent=registry["ahlen"])
    visible = set(Organization.objects.restrict(alice).values_list("name", flat=True))
    assert visible == {"Telgte, Stadt", "Bürgeramt Telgte"}


def test_member_contact_sees_the_agreement_but_only_its_own_party_row(registry, alice):
    assert list(Agreement.objects.restrict(alice)) == [registry["agreement"]]
    parties = AgreementParty.objects.restrict(alice)
    assert [p.organization for p in parties] == [registry["telgte"]]


def test_member_contact_sees_only_audit_events_of_its_own_organization(registry, alice):
    scopes = set(AuditEvent.objects.restrict(alice).values_list("scope_organization_id", flat=True))
    assert scopes == {registry["telgte"].pk}


def test_member_contact_cannot_change_organizations(registry, alice):
    assert not Organization.objects.restrict(alice, "change").exists()
    assert not can(alice, "change", registry["telgte"])
    assert can(alice, "view", registry["telgte"])
    assert not can(alice, "view", registry["ahlen"])


def test_provider_staff_and_auditor_see_everything_auditor_cannot_change(registry, admin_user, auditor):
    total = Organization.objects.count()
    assert Organization.objects.restrict(admin_user).count() == total
    assert Organization.objects.restrict(auditor).count() == total
    assert Organization.objects.restrict(admin_user, "change").count() == total
    assert Organization.objects.restrict(auditor, "change").count() == 0


def test_anonymous_and_inactive_users_see_nothing(registry, alice):
    from django.contrib.auth.models import AnonymousUser

    assert Organization.objects.restrict(AnonymousUser()).count() == 0
    assert Organization.objects.restrict(None).count() == 0
    alice.is_active = False
    assert Organization.objects.restrict(alice).count() == 0


def test_member_contact_without_organization_sees_nothing(db):
    from verbund.accounts.models import User

    ghost = User(username="ghost", role=Role.MEMBER_CONTACT, is_superuser=False)
    assert Organization.objects.restrict(ghost).count() == 0


@pytest.mark.parametrize("role", Role.values)
def test_every_role_has_a_permission_list(role):
    assert ROLE_PERMISSIONS[role]


def test_role_permission_patterns():
    assert role_has_permission(Role.PROVIDER_ADMIN, "billing.add_invoice")
    assert role_has_permission(Role.AUDITOR, "billing.view_invoice")
    assert not role_has_permission(Role.AUDITOR, "billing.add_invoice")
    assert role_has_permission(Role.BILLING_CLERK, "billing.change_invoice")
    assert not role_has_permission(Role.BILLING_CLERK, "catalog.change_product")
    assert not role_has_permission(Role.MEMBER_CONTACT, "registry.change_organization")
    assert not role_has_permission("no-such-role", "registry.view_organization")


# ADR 0022: a member sees its own record and its own offices, never another member's.


def test_district_contact_does_not_see_the_municipalities_of_its_district(registry):
    from verbund.accounts.services import user_create

    dora = user_create(
        actor=None, username="dora", password=None, role=Role.MEMBER_CONTACT, organization=registry["kreis"]
    )
    visible = set(Organization.objects.restrict(dora).values_list("name", flat=True))
    assert visible == {"Warendorf"}
    assert not can(dora, "view", registry["telgte"])


def test_host_city_contact_does_not_see_the_provider_below_it(registry, alice):
    from verbund.registry.services import organization_update

    organization_update(actor=None, organization=registry["citeq"], parent=registry["telgte"])
    assert not can(alice, "view", registry["citeq"])
    assert set(Organization.objects.restrict(alice).values_list("name", flat=True)) == {"Telgte, Stadt"}


def test_district_contact_cannot_open_a_member_municipality_or_its_history(registry, client):
    from django.urls import reverse

    from verbund.accounts.services import user_create

    dora = user_create(
        actor=None, username="dora", password=None, role=Role.MEMBER_CONTACT, organization=registry["kreis"]
    )
    client.force_login(dora)
    telgte = reverse("registry:organization_detail", args=[registry["telgte"].pk])
    assert client.get(telgte).status_code == 404
    assert client.get(f"/api/v1/organizations/{registry['telgte'].pk}").status_code == 404
    own = client.get(reverse("registry:organization_detail", args=[registry["kreis"].pk]))
    assert own.status_code == 200


def test_require_permission_refuses_what_the_role_does_not_grant(registry, alice, admin_user):
    from django.core.exceptions import PermissionDenied

    from verbund.core.access import require_permission

    require_permission(alice, "costing.view_planversion")  # member contacts read plans
    require_permission(admin_user, "billing.add_invoicerun")
    with pytest.raises(PermissionDenied):
        require_permission(alice, "billing.add_invoicerun")
