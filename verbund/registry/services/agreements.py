"""Writes for agreements: creation, accession and exit, amendments and their approval by a committee."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.core.audit import audit_record, model_snapshot
from verbund.core.models import AuditAction
from verbund.registry.choices import PARTY_KINDS, ApprovalStatus, PartyRole
from verbund.registry.models import Agreement, AgreementAmendment, AgreementParty, Organization

# ---------------------------------------------------------------- agreements


@transaction.atomic
def agreement_create(
    *,
    actor: Any,
    name: str,
    provider: Organization,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    reference: str = "",
    description: str = "",
) -> Agreement:
    if provider.kind not in PARTY_KINDS:
        raise ValidationError({"provider": _("This kind of organisation cannot provide services under an agreement.")})
    agreement = Agreement(
        name=name,
        provider=provider,
        valid_from=valid_from,
        valid_to=valid_to,
        reference=reference,
        description=description,
    )
    agreement.full_clean()
    agreement.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=agreement,
        after=model_snapshot(agreement),
        scope_organization_id=provider.pk,
    )
    return agreement


@transaction.atomic
def agreement_accession_record(
    *,
    actor: Any,
    agreement: Agreement,
    organization: Organization,
    joined_on: dt.date,
    role: str = PartyRole.PARTNER,
    council_resolution_date: dt.date | None = None,
    committee_decision_ref: str = "",
    supervisory_approval_date: dt.date | None = None,
    capital_contribution: Decimal = Decimal("0.00"),
    status: str = ApprovalStatus.APPROVED,
) -> AgreementParty:
    """Record that `organization` joins `agreement` (Beitritt).

    With status `proposed` the accession waits for the committee (`agreement_accession_approve`); the default
    records an accession that was already decided (e.g. the founding members, or data taken over)."""
    errors: dict[str, str] = {}
    if organization.kind not in PARTY_KINDS:
        errors["organization"] = _("A %(kind)s cannot be a party to an agreement.") % {
            "kind": organization.get_kind_display()
        }
    if joined_on < agreement.valid_from or (agreement.valid_to and joined_on > agreement.valid_to):
        errors["joined_on"] = _("The accession date must lie within the agreement's validity.")
    if council_resolution_date and council_resolution_date > joined_on:
        errors["council_resolution_date"] = _("The council resolution must come before the accession.")
    if supervisory_approval_date and supervisory_approval_date > joined_on:
        errors["supervisory_approval_date"] = _("The supervisory approval must come before the accession.")
    if capital_contribution < 0:
        errors["capital_contribution"] = _("The capital contribution cannot be negative.")
    # Lock the agreement row: two clerks recording the same accession at once get one row and one clear error.
    Agreement.objects.select_for_update().filter(pk=agreement.pk).first()
    if AgreementParty.objects.filter(agreement=agreement, organization=organization).exists():
        errors["organization"] = _("%(org)s is already a party to this agreement.") % {"org": organization}
    if errors:
        raise ValidationError(errors)
    party = AgreementParty(
        agreement=agreement,
        organization=organization,
        role=role,
        status=status,
        joined_on=joined_on,
        council_resolution_date=council_resolution_date,
        committee_decision_ref=committee_decision_ref,
        supervisory_approval_date=supervisory_approval_date,
        capital_contribution=capital_contribution,
    )
    party.full_clean()
    party.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=party,
        after=model_snapshot(party),
        scope_organization_id=organization.pk,
        message=_("Accession"),
    )
    return party


@transaction.atomic
def agreement_exit_record(
    *,
    actor: Any,
    party: AgreementParty,
    left_on: dt.date,
    exit_notice_date: dt.date | None = None,
    reason: str = "",
) -> AgreementParty:
    """Record that a party leaves the agreement (Austritt)."""
    locked = AgreementParty.objects.select_for_update().get(pk=party.pk)
    errors: dict[str, str] = {}
    if locked.left_on is not None:
        errors["left_on"] = _("This party has already left on %(date)s.") % {"date": locked.left_on}
    elif left_on <= locked.joined_on:
        errors["left_on"] = _("The exit date must be after the accession date.")
    if exit_notice_date and exit_notice_date > left_on:
        errors["exit_notice_date"] = _("The notice must be given before the exit date.")
    if errors:
        raise ValidationError(errors)
    before = model_snapshot(locked)
    locked.left_on = left_on
    locked.exit_notice_date = exit_notice_date
    locked.exit_reason = reason
    locked.modified = timezone.now()
    locked.save(update_fields=["left_on", "exit_notice_date", "exit_reason", "modified"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        before=before,
        after=model_snapshot(locked),
        scope_organization_id=locked.organization_id,
        message=_("Exit"),
    )
    return locked


@transaction.atomic
def agreement_accession_approve(
    *,
    actor: Any,
    party: AgreementParty,
    decision_reference: str,
    approved_on: dt.date,
    supervisory_approval_date: dt.date | None = None,
) -> AgreementParty:
    """The committee approved a proposed accession: it takes effect on its accession date. Approving twice is
    refused."""
    locked = AgreementParty.objects.select_for_update().get(pk=party.pk)
    if locked.status == ApprovalStatus.APPROVED:
        raise ValidationError({"status": _("This accession is already approved.")})
    if not decision_reference.strip():
        raise ValidationError({"committee_decision_ref": _("Name the decision that approves the accession.")})
    before = model_snapshot(locked)
    locked.status = ApprovalStatus.APPROVED
    locked.committee_decision_ref = decision_reference.strip()
    if supervisory_approval_date is not None:
        locked.supervisory_approval_date = supervisory_approval_date
    locked.modified = timezone.now()
    locked.save(update_fields=["status", "committee_decision_ref", "supervisory_approval_date", "modified"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        before=before,
        after=model_snapshot(locked),
        scope_organization_id=locked.organization_id,
        message=_("Accession approved on %(date)s") % {"date": approved_on.strftime("%d.%m.%Y")},
    )
    return locked


@transaction.atomic
def agreement_amendment_propose(
    *, actor: Any, agreement: Agreement, title: str, text: str, effective_from: dt.date
) -> AgreementAmendment:
    amendment = AgreementAmendment(agreement=agreement, title=title, text=text, effective_from=effective_from)
    amendment.full_clean()
    if effective_from < agreement.valid_from:
        raise ValidationError({"effective_from": _("A change cannot take effect before the agreement.")})
    amendment.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=amendment,
        after=model_snapshot(amendment),
        scope_organization_id=agreement.provider_id,
    )
    return amendment


@transaction.atomic
def agreement_amendment_approve(
    *, actor: Any, amendment: AgreementAmendment, decision_reference: str, approved_on: dt.date
) -> AgreementAmendment:
    locked = AgreementAmendment.objects.select_for_update().get(pk=amendment.pk)
    if locked.status == ApprovalStatus.APPROVED:
        raise ValidationError({"status": _("This change of the agreement is already approved.")})
    if not decision_reference.strip():
        raise ValidationError({"decision_reference": _("Name the decision that approves the change.")})
    before = model_snapshot(locked)
    locked.status = ApprovalStatus.APPROVED
    locked.decision_reference = decision_reference.strip()
    locked.approved_on = approved_on
    locked.modified = timezone.now()
    locked.save(update_fields=["status", "decision_reference", "approved_on", "modified"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        before=before,
        after=model_snapshot(locked),
        scope_organization_id=locked.agreement.provider_id,
    )
    return locked
