"""The business plan and its report to the committee."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.closing.choices import BusinessPlanPart, ClosingStatus
from verbund.closing.models import (
    BusinessPlanLine,
    Closing,
    CommitteeReport,
)
from verbund.core.audit import audit_record
from verbund.core.models import AuditAction
from verbund.costing.choices import PlanStatus
from verbund.costing.models import PlanVersion

# ---------------------------------------------------------------- business plan and annual accounts


@transaction.atomic
def business_plan_replace(
    *,
    actor: Any,
    provider: Any,
    year: int,
    figures: Mapping[tuple[str, str], tuple[str, Decimal, Decimal | None]],
    demo: bool = False,
) -> bool:
    """Replace the business plan lines of `year` ((part, code) → (label, planned, actual)). Returns whether
    anything changed; one audit event with the counts."""
    for (part, code), (label, _planned, _actual) in figures.items():
        if part not in BusinessPlanPart.values or not code or not label:
            raise ValidationError({"figures": _("Every line needs a known part, a code and a label.")})
    current = {
        (line.part, line.code): (line.label, line.planned, line.actual)
        for line in BusinessPlanLine.objects.filter(provider=provider, year=year)
    }
    if current == dict(figures):
        return False
    BusinessPlanLine.objects.filter(provider=provider, year=year).delete()
    BusinessPlanLine.objects.bulk_create(
        BusinessPlanLine(
            provider=provider, year=year, part=part, code=code, label=label, planned=planned, actual=actual, demo=demo
        )
        for (part, code), (label, planned, actual) in figures.items()
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=provider,
        before={"business_plan_lines": len(current)},
        after={"business_plan_lines": len(figures), "year": year},
        scope_organization_id=provider.pk,
        message=_("Business plan %(year)s replaced") % {"year": year},
    )
    return True


@transaction.atomic
def committee_report_create(
    *, actor: Any, provider: Any, year: int, meeting: Any, reference: str, url: str = ""
) -> CommitteeReport:
    """Put the business plan and annual accounts of `year` on the agenda of `meeting` as a report paper for the
    committee to take note of (no vote), linked to the year's approved plan and post-calculation."""
    from verbund.governance.services import agenda_item_add, paper_create

    if CommitteeReport.objects.filter(provider=provider, year=year).exists():
        raise ValidationError({"year": _("The report for %(year)s is already with the committee.") % {"year": year}})
    if not BusinessPlanLine.objects.filter(provider=provider, year=year).exists():
        raise ValidationError({"year": _("Enter or import the business plan of %(year)s first.") % {"year": year}})
    plan = PlanVersion.objects.filter(
        provider=provider, year=year, status__in=[PlanStatus.APPROVED, PlanStatus.FROZEN]
    ).first()
    closing = Closing.objects.filter(provider=provider, year=year, status=ClosingStatus.APPROVED).first()
    name = _("Business plan and annual accounts %(year)s") % {"year": year}
    text = _("The provider reports its business plan %(year)s and the annual result against it.") % {"year": year}
    if url:
        text += "\n" + url
    paper = paper_create(
        actor=actor,
        body=meeting.committee.body,
        reference=reference,
        name=name,
        date=timezone.localdate(),
        paper_type="report",
        text=text,
    )
    item = agenda_item_add(actor=actor, meeting=meeting, name=name, paper=paper, decides=False)
    report = CommitteeReport.objects.create(
        provider=provider, year=year, plan=plan, closing=closing, paper=paper, agenda_item=item
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=report,
        after={"paper": paper.pk, "agenda_item": item.pk, "plan": plan.pk if plan else None},
        scope_organization_id=provider.pk,
    )
    return report
