"""Roles and what they may do. One place; the auth backend and the access layer read it.

Permissions are Django permission names (`<app>.<action>_<model>`) matched against glob patterns, so that apps
added later (catalog, orders, billing, ...) are covered by naming their patterns here.
"""

from fnmatch import fnmatchcase

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROVIDER_ADMIN = "provider_admin", _("Provider administrator")
    CONTROLLER = "controller", _("Controller")
    PRODUCT_MANAGER = "product_manager", _("Product manager")
    BILLING_CLERK = "billing_clerk", _("Billing clerk")
    MEMBER_CONTACT = "member_contact", _("Member contact")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
    AUDITOR = "auditor", _("Auditor (read only)")
    CONSOLIDATION_ANALYST = "consolidation_analyst", _("Consolidation analyst")


READ_ALL = "*.view_*"

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.PROVIDER_ADMIN: ("*",),
    Role.CONTROLLER: (
        READ_ALL,
        "costing.*",
        "controlling.*",
        "closing.*",
        "scenarios.*",
        "evidence.*",  # import the evidence files and the BSI kernel catalogue (issue #15)
        "surveys.*",
        "availability.*",  # enter and import outages, set service commitments
        "ownership.*",  # the owners of the holding and the operating company (Beteiligungscontrolling)
        "registry.*_agreement",
        "registry.*_agreementparty",
    ),
    # Product managers maintain the catalogue; recording its approval is for administrators (later: a decision).
    Role.PRODUCT_MANAGER: (
        READ_ALL,
        "catalog.add_*",
        "catalog.change_*",
        "catalog.delete_*",
        "orders.*",
        "strategy.*_productservicetag",  # tag catalogue products with the LeiKa services they implement
        "availability.*",  # enter and import outages, set service commitments
        "transfers.add_*",  # propose transfers of services of their own provider (issue #14)
        "transfers.change_*",
    ),
    Role.BILLING_CLERK: (READ_ALL, "billing.*"),
    Role.MEMBER_CONTACT: (
        "registry.view_organization",
        "registry.view_agreement",
        "registry.view_agreementparty",
        "core.view_auditevent",
        "catalog.view_*",
        "orders.view_*",
        "orders.add_order",  # place, change and cancel orders for its own organisation; confirming is staff work
        "billing.view_*",
        "surveys.add_response",
        # The satisfaction survey results of its own member and the overall result (access layer: own only).
        "surveys.view_wave",
        "surveys.view_target",
        "surveys.view_response",
        "surveys.view_answer",
        # Showback: the approved plans and the member's own planned fees (access layer: own organisation only).
        "costing.view_planversion",
        "costing.view_memberfee",
        # Their own over-/under-recovery of a closed year (access layer: approved closings, own rows only).
        "closing.view_closing",
        "closing.view_memberoutcome",
        # Its own municipality's digitalisation strategy (access layer: own organisation only).
        "strategy.view_*",
        "strategy.add_inventoryentry",
        "strategy.change_inventoryentry",
        "strategy.*_casevolume",
        "strategy.*_priorityweights",
        "strategy.*_roadmapitem",
        # Published consolidation scenarios and the member's own projected fees (access layer: own only).
        "scenarios.view_scenario",
        "scenarios.view_scenariomemberfee",
        # Its own SLA report: the general and its own commitments, the outages that affect it (access layer).
        "availability.view_commitment",
        "availability.view_outage",
        "controlling.view_report",  # the council report once published (never the draft values)
        "ownership.view_ownership",  # the entities in which its organisation holds a stake (access layer)
        "transfers.view_transfernotice",  # its own notices of transferred services
    ),
    # votes, and weighs the criteria of the scenario comparison (their own weights; the group result is the mean)
    Role.COMMITTEE_MEMBER: (READ_ALL, "governance.add_vote", "scenarios.add_weightset", "scenarios.change_weightset"),
    Role.AUDITOR: (READ_ALL,),
    Role.CONSOLIDATION_ANALYST: (READ_ALL, "scenarios.*"),
}

# Roles that see rows of every organisation (subject to their permissions); all others see only their own.
ALL_ORGANIZATIONS_ROLES = frozenset(
    {
        Role.PROVIDER_ADMIN,
        Role.CONTROLLER,
        Role.PRODUCT_MANAGER,
        Role.BILLING_CLERK,
        Role.COMMITTEE_MEMBER,
        Role.AUDITOR,
        Role.CONSOLIDATION_ANALYST,
    }
)


def role_has_permission(role: str, permission: str) -> bool:
    return any(fnmatchcase(permission, pattern) for pattern in ROLE_PERMISSIONS.get(role, ()))


def role_sees_all(role: str) -> bool:
    return role in ALL_ORGANIZATIONS_ROLES
