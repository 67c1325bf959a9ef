"""The documents of a run: one draft per member and VAT group, from the lines of its kind."""

from collections import defaultdict
from dataclasses import replace

from django.utils import translation
from django.utils.translation import gettext_noop

from verbund.billing import engine, texts
from verbund.billing.choices import InvoiceType, ProblemSeverity, RunKind
from verbund.billing.drafts.kinds import KindLines
from verbund.billing.drafts.types import (
    ZERO,
    DraftInvoice,
    DraftLine,
    DraftResult,
    _nothing_to_pay,
)
from verbund.billing.selectors import BillingInputs
from verbund.registry import keys
from verbund.registry.models import Organization


class _Builder(KindLines):
    # ------------------------------------------------------------ documents

    def title(self, group: str, credit: bool, internal: bool) -> str:
        return texts.invoice_title(
            kind=self.kind,
            period_label=self.period.label,
            year=self.inputs.year,
            credit=credit,
            internal=internal,
            not_subject=group == engine.vat.GROUP_NOT_SUBJECT,
        )

    def notes(self, group: str, internal: bool) -> list[str]:
        return texts.run_notes(
            kind=self.kind, year=self.inputs.year, internal=internal, not_subject=group == engine.vat.GROUP_NOT_SUBJECT
        )

    def check_buyer(self, member: Organization) -> None:
        if not member.leitweg_id:
            self.problem(
                "leitweg_missing",
                ProblemSeverity.ERROR,
                gettext_noop("%(member)s has no Leitweg-ID; an e-invoice needs one (BT-10). Enter it in the registry."),
                {"member": member.name},
                member,
            )
        else:
            try:
                keys.validate_leitweg_id(member.leitweg_id)
            except keys.KeyError_ as exc:
                self.problem(
                    "leitweg_invalid",
                    ProblemSeverity.ERROR,
                    gettext_noop("The Leitweg-ID %(id)s of %(member)s is invalid: %(reason)s"),
                    {"id": member.leitweg_id, "member": member.name, "reason": str(exc)},
                    member,
                )
        if not member.postcode or not (member.city or member.name):
            self.problem(
                "buyer_address",
                ProblemSeverity.ERROR,
                gettext_noop(
                    "The address of %(member)s lacks a postcode or city (BR-DE-8/9). Complete it in the registry."
                ),
                {"member": member.name},
                member,
            )

    def build(self) -> DraftResult:
        invoices: list[DraftInvoice] = []
        if self.kind == RunKind.FINAL:
            for period in self.inputs.open_instalment_runs:
                self.problem(
                    "instalment_run_open",
                    ProblemSeverity.WARNING,
                    gettext_noop(
                        "The instalment run %(period)s/%(year)s is still a draft; its instalments are not deducted."
                    ),
                    {"period": period, "year": self.inputs.year},
                )
        for member in self.inputs.members:
            if self.kind == RunKind.INSTALMENT:
                lines = self.instalment_lines(member)
            elif self.kind == RunKind.FINAL:
                lines = self.final_lines(member)
            else:
                lines = self.extra_lines(member)
            if not lines:
                self.skipped.append(member.name)
                self.problem(
                    "nothing_to_bill",
                    ProblemSeverity.INFO,
                    gettext_noop("%(member)s: nothing to bill in this run; skipped."),
                    {"member": member.name},
                    member,
                )
                continue
            internal = self.host_settlement_internal and member.pk in self.inputs.host_ids
            if not internal:
                self.check_buyer(member)
            groups: dict[str, list[DraftLine]] = defaultdict(list)
            for line in lines:
                if internal:
                    line = replace(line, vat=engine.vat.internal())
                groups[engine.invoice_group(line.vat.category)].append(line)
            for group in sorted(groups):
                group_lines = groups[group]
                if _nothing_to_pay(group_lines):
                    self.skipped.append(member.name)
                    self.problem(
                        "nothing_to_pay",
                        ProblemSeverity.INFO,
                        gettext_noop(
                            "%(member)s: the amounts cancel out to 0.00 €; no invoice or credit note is made."
                        ),
                        {"member": member.name},
                        member,
                    )
                    continue
                credit = sum((line.figures.net for line in group_lines), ZERO) < 0
                if credit:
                    group_lines = [line.negated() for line in group_lines]
                invoices.append(
                    DraftInvoice(
                        member=member,
                        vat_group=group,
                        internal=internal,
                        type_code=InvoiceType.CREDIT_NOTE if credit else InvoiceType.INVOICE,
                        title=self.title(group, credit, internal),
                        period_start=self.period.start,
                        period_end=self.period.end,
                        lines=group_lines,
                        notes=self.notes(group, internal),
                    )
                )
        return DraftResult(invoices=invoices, problems=self.problems, skipped=self.skipped)


def build_drafts(
    inputs: BillingInputs, *, kind: str, period: engine.Period, frequency: str, host_settlement_internal: bool
) -> DraftResult:
    """The drafts, their texts in the documents' language (the run's problems stay in the clerk's language)."""
    builder = _Builder(
        inputs, kind=kind, period=period, frequency=frequency, host_settlement_internal=host_settlement_internal
    )
    with translation.override(texts.document_language()):
        return builder.build()
