"""What a decision can make effective: one handler per subject kind, calling that app's own service.

Governance reads from the chain and calls its services (architecture: dependencies run one way). A handler
loads the subject, says whether it can be put to the vote, and applies an adopted decision in the caller's
transaction. Approving a subject twice is refused by the subject's own service.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from verbund.catalog.choices import CatalogueStatus
from verbund.catalog.models import CatalogueVersion
from verbund.catalog.services import catalogue_version_approve
from verbund.controlling.choices import ContractStatus, ReportStatus
from verbund.controlling.models import Contract, Report
from verbund.controlling.services import contract_approve, report_note
from verbund.costing.choices import PlanStatus
from verbund.costing.models import PlanVersion
from verbund.costing.services import plan_version_approve
from verbund.governance.choices import SubjectKind
from verbund.orders.services import orders_accession_effective
from verbund.registry.choices import ApprovalStatus
from verbund.registry.models import AgreementAmendment, AgreementParty
from verbund.registry.services import agreement_accession_approve, agreement_amendment_approve
from verbund.scenarios.choices import ScenarioStatus
from verbund.scenarios.models import Scenario
from verbund.scenarios.services import scenario_decide
from verbund.transfers.choices import TransferStatus
from verbund.transfers.models import ServiceTransfer
from verbund.transfers.services import transfer_body_adopt


@dataclass(frozen=True)
class SubjectHandler:
    model: type[models.Model]
    describe: Callable[[Any], str]
    is_open: Callable[[Any], bool]  # can still be approved
    approve: Callable[..., Any]  # (actor, obj, decision_reference, decided_on) -> None
    url: Callable[[Any], str]
    per_committee: bool = False  # approve also takes the deciding committee (several bodies must each adopt)


def _approve_catalogue(actor: Any, obj: CatalogueVersion, reference: str, decided_on: dt.date) -> None:
    catalogue_version_approve(actor=actor, version=obj, decision_reference=reference, approved_on=decided_on)


def _approve_plan(actor: Any, obj: PlanVersion, reference: str, decided_on: dt.date) -> None:
    plan_version_approve(actor=actor, plan=obj, decision_reference=reference, approved_on=decided_on)


def _approve_accession(actor: Any, obj: AgreementParty, reference: str, decided_on: dt.date) -> None:
    party = agreement_accession_approve(actor=actor, party=obj, decision_reference=reference, approved_on=decided_on)
    # modular joining: the orders that wait for this accession take effect with it (ADR 0043)
    orders_accession_effective(actor=actor, party=party)


def _approve_amendment(actor: Any, obj: AgreementAmendment, reference: str, decided_on: dt.date) -> None:
    agreement_amendment_approve(actor=actor, amendment=obj, decision_reference=reference, approved_on=decided_on)


def _decide_scenario(actor: Any, obj: Scenario, reference: str, decided_on: dt.date) -> None:
    scenario_decide(actor=actor, scenario=obj, decision_reference=reference, decided_on=decided_on)


def _approve_contract(actor: Any, obj: Contract, reference: str, decided_on: dt.date) -> None:
    contract_approve(actor=actor, contract=obj, decision_reference=reference, approved_on=decided_on)


def _note_report(actor: Any, obj: Report, reference: str, decided_on: dt.date) -> None:
    report_note(actor=actor, report=obj, decision_reference=reference, noted_on=decided_on)


def _adopt_transfer(actor: Any, obj: ServiceTransfer, reference: str, decided_on: dt.date, committee: Any) -> None:
    transfer_body_adopt(
        actor=actor, transfer=obj, committee=committee, decision_reference=reference, adopted_on=decided_on
    )


HANDLERS: dict[str, SubjectHandler] = {
    SubjectKind.CATALOGUE_VERSION: SubjectHandler(
        CatalogueVersion,
        lambda o: str(o),
        lambda o: o.status == CatalogueStatus.PROPOSED,
        _approve_catalogue,
        lambda o: o.get_absolute_url(),
    ),
    SubjectKind.PLAN_VERSION: SubjectHandler(
        PlanVersion,
        lambda o: str(o),
        lambda o: o.status == PlanStatus.SUBMITTED,
        _approve_plan,
        lambda o: o.get_absolute_url(),
    ),
    SubjectKind.ACCESSION: SubjectHandler(
        AgreementParty,
        lambda o: _("Accession of %(org)s to %(agreement)s") % {"org": o.organization, "agreement": o.agreement},
        lambda o: o.status == ApprovalStatus.PROPOSED,
        _approve_accession,
        lambda o: o.agreement.get_absolute_url(),
    ),
    SubjectKind.AGREEMENT_CHANGE: SubjectHandler(
        AgreementAmendment,
        lambda o: str(o),
        lambda o: o.status == ApprovalStatus.PROPOSED,
        _approve_amendment,
        lambda o: o.agreement.get_absolute_url(),
    ),
    SubjectKind.SCENARIO_DECISION: SubjectHandler(
        Scenario,
        lambda o: str(o),
        lambda o: o.status == ScenarioStatus.PUBLISHED,
        _decide_scenario,
        lambda o: o.get_absolute_url(),
    ),
    SubjectKind.MANAGEMENT_CONTRACT: SubjectHandler(
        Contract,
        lambda o: str(o),
        lambda o: o.status == ContractStatus.DRAFT,
        _approve_contract,
        lambda o: o.get_absolute_url(),
    ),
    SubjectKind.MANAGEMENT_REPORT: SubjectHandler(
        Report,
        lambda o: str(o),
        lambda o: o.status == ReportStatus.SUBMITTED,  # the committee takes note once
        _note_report,
        lambda o: o.get_absolute_url(),
    ),
    SubjectKind.SERVICE_TRANSFER: SubjectHandler(
        ServiceTransfer,
        lambda o: str(o),
        lambda o: o.status == TransferStatus.PROPOSED,  # until every required body has adopted it
        _adopt_transfer,
        lambda o: o.get_absolute_url(),
        per_committee=True,
    ),
}


def handler_for(kind: str) -> SubjectHandler:
    handler = HANDLERS.get(kind)
    if handler is None:
        raise ValidationError(
            {
                "subject_kind": _("Decisions on %(kind)s cannot take effect yet.")
                % {"kind": SubjectKind(kind).label if kind in SubjectKind.values else kind}
            }
        )
    return handler


def load_subject(kind: str, subject_id: int | None) -> Any:
    """The subject object, or a ValidationError naming the field."""
    if not kind:
        return None
    handler = handler_for(kind)
    obj = handler.model._default_manager.filter(pk=subject_id).first() if subject_id else None
    if obj is None:
        raise ValidationError(
            {"subject_id": _("No %(kind)s with id %(id)s.") % {"kind": SubjectKind(kind).label, "id": subject_id}}
        )
    return obj


def describe(kind: str, subject_id: int | None) -> str:
    if not kind:
        return ""
    try:
        return handler_for(kind).describe(load_subject(kind, subject_id))
    except ValidationError:
        return f"{kind} #{subject_id}"
