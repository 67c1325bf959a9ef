"""Writes for the registry: organisations, agreements, accession and exit, the official-data import."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.core.audit import audit_record, audit_record_many, build_event, model_snapshot
from verbund.core.models import AuditAction
from verbund.core.money import CENT, round_even
from verbund.registry import gv100ad
from verbund.registry.choices import PARTY_KINDS, ApprovalStatus, DataSource, OrganizationKind, PartyRole
from verbund.registry.models import Agreement, AgreementAmendment, AgreementParty, Organization

# ---------------------------------------------------------------- organisations

ORGANIZATION_EDITABLE = (
    "name",
    "short_name",
    "kind",
    "legal_form",
    "ags",
    "ars",
    "land",
    "official_type",
    "population",
    "area_km2",
    "parent",
    "street",
    "postcode",
    "city",
    "email",
    "leitweg_id",
    "is_active",
)


def _scope_of(organization: Organization) -> int | None:
    """The member a row belongs to for audit scoping: an office belongs to its parent."""
    if organization.kind == OrganizationKind.OFFICE and organization.parent_id:
        return organization.parent_id
    return organization.pk


@transaction.atomic
def organization_create(*, actor: Any, **values: Any) -> Organization:
    unknown = set(values) - set(ORGANIZATION_EDITABLE)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})
    organization = Organization(**values)
    if organization.leitweg_id:
        organization.leitweg_id = organization.leitweg_id.strip().upper()
    organization.full_clean()
    organization.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=organization,
        after=model_snapshot(organization),
        scope_organization_id=_scope_of(organization),
    )
    return organization


@transaction.atomic
def organization_update(*, actor: Any, organization: Organization, **changes: Any) -> Organization:
    """Change fields of an organisation; the row is locked so that two editors cannot lose an update."""
    unknown = set(changes) - set(ORGANIZATION_EDITABLE)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})
    locked = Organization.objects.select_for_update().get(pk=organization.pk)
    before = model_snapshot(locked)
    for name, value in changes.items():
        setattr(locked, name, value)
    if locked.leitweg_id:
        locked.leitweg_id = locked.leitweg_id.strip().upper()
    locked.full_clean()
    locked.modified = timezone.now()
    locked.save()
    after = model_snapshot(locked)
    if before != after:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            before=before,
            after=after,
            scope_organization_id=_scope_of(locked),
        )
    return locked


ORGANIZATION_CONTACT_FIELDS = ("street", "postcode", "city", "email", "leitweg_id")


def organization_contact_correct(
    *,
    actor: Any,
    organization: Organization,
    street: str,
    postcode: str,
    city: str,
    email: str,
    leitweg_id: str,
) -> Organization:
    """Correct the postal address, e-mail and Leitweg-ID of an organisation (the buyer data of its invoices).

    These fields are not in the official directory, so an import never overwrites them. A German postcode has
    five digits; the Leitweg-ID's check digits are verified. Audited like every update; no change, no event."""
    values = {
        "street": street.strip(),
        "postcode": postcode.strip(),
        "city": city.strip(),
        "email": email.strip(),
        "leitweg_id": leitweg_id.strip().upper(),
    }
    if values["postcode"] and not (len(values["postcode"]) == 5 and values["postcode"].isdigit()):
        raise ValidationError({"postcode": _("A postcode has five digits.")})
    return organization_update(actor=actor, organization=organization, **values)


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


# ---------------------------------------------------------------- official data import

_IMPORT_KINDS = {
    gv100ad.STATE: OrganizationKind.STATE,
    gv100ad.REGION: OrganizationKind.REGION,
    gv100ad.DISTRICT: OrganizationKind.DISTRICT,
    gv100ad.MUNICIPALITY: OrganizationKind.MUNICIPALITY,
}
_IMPORT_FIELDS = (
    "name",
    "ars",
    "land",
    "official_type",
    "population",
    "area_km2",
    "city",
    "postcode",
    "territorial_status",
    "parent_id",
)

_BLANK = ("", None)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_records: int = 0
    missing: list[str] = field(default_factory=list)
    deactivated: int = 0
    changes: list[str] = field(default_factory=list)
    counts_by_kind: dict[str, int] = field(default_factory=dict)
    population_municipalities: int = 0


def _parent_key(record: gv100ad.Gv100Record) -> tuple[str, str] | None:
    if record.record_type == gv100ad.MUNICIPALITY:
        return (OrganizationKind.DISTRICT, record.land + record.rb + record.kreis)
    if record.record_type == gv100ad.DISTRICT:
        if record.rb != "0":
            return (OrganizationKind.REGION, record.land + record.rb)
        return (OrganizationKind.STATE, record.land)
    if record.record_type == gv100ad.REGION:
        return (OrganizationKind.STATE, record.land)
    return None


def _target_values(record: gv100ad.Gv100Record, aggregates: dict[tuple[str, str], tuple[int, int]]) -> dict[str, Any]:
    kind = _IMPORT_KINDS[record.record_type]
    population = record.population
    area = record.area_km2
    if kind != OrganizationKind.MUNICIPALITY:
        # The file gives figures for municipalities only; higher levels are the sums of their municipalities.
        pop_sum, area_ha_sum = aggregates.get((kind, record.ags), (0, 0))
        population, area = pop_sum, Decimal(area_ha_sum) / 100
    return {
        "name": record.name,
        "ars": record.ars if kind == OrganizationKind.MUNICIPALITY else "",
        "land": record.land,
        "official_type": record.type_code,
        "population": population,
        "area_km2": None if area is None else round_even(area, CENT),
        "city": record.seat or (record.name.split(",")[0] if kind == OrganizationKind.MUNICIPALITY else ""),
        "postcode": record.postcode,
        "territorial_status": record.status_date,
    }


def _aggregate(records: list[gv100ad.Gv100Record]) -> dict[tuple[str, str], tuple[int, int]]:
    sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for record in records:
        if record.record_type != gv100ad.MUNICIPALITY:
            continue
        for key in (
            (OrganizationKind.DISTRICT, record.land + record.rb + record.kreis),
            (OrganizationKind.REGION, record.land + record.rb),
            (OrganizationKind.STATE, record.land),
        ):
            sums[key][0] += record.population or 0
            sums[key][1] += record.area_ha or 0
    return {key: (value[0], value[1]) for key, value in sums.items()}


def _comparable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return round_even(value, CENT)
    return value


@transaction.atomic
def gemeindeverzeichnis_import(
    *,
    actor: Any,
    records: list[gv100ad.Gv100Record],
    source_name: str = "",
    deactivate_missing: bool = False,
    progress: Any = None,
) -> ImportReport:
    """Create or update Länder, Regierungsbezirke, Kreise and Gemeinden from parsed GV100AD records.

    Idempotent: rows whose figures did not change are not touched and get no audit event. Records of other
    types (Regionen, Gemeindeverbände) are counted as skipped. Rows from an earlier import that the file no
    longer has (e.g. after a merger) are reported, and deactivated only when asked.
    """
    report = ImportReport()
    aggregates = _aggregate(records)
    content_type = ContentType.objects.get_for_model(Organization)
    existing: dict[tuple[str, str], Organization] = {
        (org.kind, org.ags): org
        for org in Organization.objects.filter(kind__in=list(_IMPORT_KINDS.values())).exclude(ags="")
    }
    ids: dict[tuple[str, str], int] = {key: org.pk for key, org in existing.items()}
    seen: set[tuple[str, str]] = set()
    events = []
    now = timezone.now()
    message = _("Import of the municipality directory %(source)s") % {"source": source_name or "GV100AD"}
    for level in (gv100ad.STATE, gv100ad.REGION, gv100ad.DISTRICT, gv100ad.MUNICIPALITY):
        kind = _IMPORT_KINDS[level]
        to_create: list[Organization] = []
        to_update: list[tuple[Organization, dict[str, Any]]] = []
        level_records = [r for r in records if r.record_type == level]
        for record in level_records:
            key = (kind, record.ags)
            seen.add(key)
            values = _target_values(record, aggregates)
            parent_key = _parent_key(record)
            values["parent_id"] = ids.get(parent_key) if parent_key else None
            if kind == OrganizationKind.MUNICIPALITY:
                report.population_municipalities += record.population or 0
            current = existing.get(key)
            if current is None:
                to_create.append(
                    Organization(
                        kind=kind,
                        ags=record.ags,
                        data_source=DataSource.GV100AD,
                        created=now,
                        modified=now,
                        **values,
                    )
                )
                continue
            # What the file does not hold (a Kreis has no postcode in GV100AD, an unpopulated area none either)
            # comes as a blank: it never overwrites what a clerk or the demo entered.
            diff = {
                name: value
                for name, value in values.items()
                if value not in _BLANK and _comparable(getattr(current, name)) != _comparable(value)
            }
            if not current.is_active:
                diff["is_active"] = True
            if diff:
                to_update.append((current, diff))
            else:
                report.unchanged += 1
        if to_create:
            Organization.objects.bulk_create(to_create, batch_size=1000)
            created_ids = dict(
                Organization.objects.filter(kind=kind, ags__in=[o.ags for o in to_create]).values_list("ags", "id")
            )
            for org in to_create:
                org.pk = created_ids[org.ags]
                ids[(kind, org.ags)] = org.pk
                events.append(
                    build_event(
                        actor=actor,
                        action=AuditAction.CREATE,
                        obj=org,
                        after=model_snapshot(org, ["ags", *_IMPORT_FIELDS]),
                        scope_organization_id=org.pk,
                        message=message,
                        content_type=content_type,
                    )
                )
            report.created += len(to_create)
        if to_update:
            changed_fields: set[str] = set()
            for org, diff in to_update:
                before = model_snapshot(org, sorted(diff))
                for name, value in diff.items():
                    setattr(org, name, value)
                    changed_fields.add(name)
                org.modified = now
                after = model_snapshot(org, sorted(diff))
                events.append(
                    build_event(
                        actor=actor,
                        action=AuditAction.UPDATE,
                        obj=org,
                        before=before,
                        after=after,
                        scope_organization_id=org.pk,
                        message=message,
                        content_type=content_type,
                    )
                )
                report.changes.append(
                    f"{org.ags} {org.name}: " + ", ".join(f"{k} {before[k]} → {after[k]}" for k in sorted(diff))
                )
            Organization.objects.bulk_update(
                [org for org, _diff in to_update], [*sorted(changed_fields), "modified"], batch_size=1000
            )
            report.updated += len(to_update)
        report.counts_by_kind[kind] = len(level_records)
        if progress is not None:
            progress(kind, len(level_records))
    report.skipped_records = sum(1 for r in records if r.record_type not in _IMPORT_KINDS)
    missing = [
        org
        for key, org in existing.items()
        if key not in seen and org.data_source == DataSource.GV100AD and org.is_active
    ]
    report.missing = [f"{org.ags} {org.name}" for org in missing]
    if deactivate_missing and missing:
        for org in missing:
            events.append(
                build_event(
                    actor=actor,
                    action=AuditAction.UPDATE,
                    obj=org,
                    before={"is_active": True},
                    after={"is_active": False},
                    scope_organization_id=org.pk,
                    message=message,
                    content_type=content_type,
                )
            )
        Organization.objects.filter(pk__in=[org.pk for org in missing]).update(is_active=False, modified=now)
        report.deactivated = len(missing)
    audit_record_many(events)
    return report
