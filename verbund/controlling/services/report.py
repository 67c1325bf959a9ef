"""The yearly report: submitted to the committee as a frozen snapshot, taken note of, rendered."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.controlling.choices import ReportStatus
from verbund.controlling.models import (
    Contract,
    Report,
)
from verbund.controlling.services.common import (
    _audit,
    _user,
)
from verbund.core.models import AuditAction

# ---------------------------------------------------------------- report


@transaction.atomic
def report_submit(
    *, actor: Any, contract: Contract, year: int, meeting: Any, reference: str, demo: bool = False
) -> Report:
    """Freeze the report of `year` from the stored figures and put it on the agenda of `meeting` as a paper that
    asks the committee to take note of it (the governance subject "management-contract report")."""
    from verbund.controlling.report import report_data
    from verbund.governance.choices import SubjectKind
    from verbund.governance.services import agenda_item_add, paper_create

    if not reference.strip():
        raise ValidationError({"reference": _("Give the paper a reference.")})
    if year not in contract.years and year != contract.start_year - 1:
        raise ValidationError({"year": _("The year is outside the contract's term.")})
    if Report.objects.filter(contract=contract, year=year).exists():
        raise ValidationError({"year": _("The report for %(year)s is already with the committee.") % {"year": year}})
    if meeting.committee.body_id != contract.provider_id:
        raise ValidationError({"meeting": _("The meeting belongs to another body.")})
    report = Report.objects.create(
        contract=contract,
        year=year,
        status=ReportStatus.SUBMITTED,
        snapshot=report_data(contract=contract, year=year),
        submitted_at=timezone.now(),
        submitted_by=_user(actor),
        demo=demo,
    )
    name = _("Management-contract report %(year)s") % {"year": year}
    paper = paper_create(
        actor=actor,
        body=meeting.committee.body,
        reference=reference,
        name=name,
        date=timezone.localdate(),
        paper_type="report",
        text=_("The provider reports on the goals of %(contract)s in %(year)s.") % {"contract": contract, "year": year},
        proposed_resolution=_("The committee takes note of the management-contract report %(year)s.") % {"year": year},
        subject_kind=SubjectKind.MANAGEMENT_REPORT,
        subject_id=report.pk,
    )
    item = agenda_item_add(actor=actor, meeting=meeting, name=name, paper=paper)
    Report.objects.filter(pk=report.pk).update(paper=paper, agenda_item=item)
    report.refresh_from_db()
    _audit(actor, AuditAction.CREATE, report, contract.provider_id, year=year, paper=paper.pk)
    return report


@transaction.atomic
def report_note(*, actor: Any, report: Report, decision_reference: str, noted_on: dt.date) -> Report:
    """The committee took note of the report (called by governance for the adopted paper); the snapshot stays."""
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if locked.status != ReportStatus.SUBMITTED:
        raise ValidationError({"report": _("The committee has already taken note of this report.")})
    Report.objects.filter(pk=locked.pk).update(
        status=ReportStatus.NOTED, decision_reference=decision_reference[:120], noted_on=noted_on
    )
    locked.refresh_from_db()
    _audit(actor, AuditAction.UPDATE, locked, locked.contract.provider_id, decision=decision_reference)
    return locked


@transaction.atomic
def report_render(*, actor: Any, report: Report) -> bytes:
    """The PDF of a submitted report, rendered once from its snapshot and archived with it (write-once)."""
    from verbund.controlling.report import report_pdf

    stored = Report.objects.filter(pk=report.pk).values_list("pdf", flat=True).first()
    if stored:
        return bytes(stored)
    data = report_pdf(report.snapshot, report=report)
    Report.objects.filter(pk=report.pk, pdf__isnull=True).update(pdf=data)
    _audit(actor, AuditAction.UPDATE, report, report.contract.provider_id, pdf_bytes=len(data))
    return data
