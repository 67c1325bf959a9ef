"""A final run reads the instalments already invoiced once, not once per member (it would be quadratic: a
national final settlement after twelve instalment runs has ~275,000 such amounts and ~11,000 members)."""

import datetime as dt

from verbund.billing.choices import RunKind
from verbund.billing.drafts import build_drafts
from verbund.billing.engine import whole_year
from verbund.billing.selectors import billing_inputs
from verbund.billing.services import billing_run_issue, billing_run_prepare


class CountingDict(dict):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reads = 0

    def items(self):
        self.reads += 1
        return super().items()

    def get(self, *args):
        self.reads += 1
        return super().get(*args)

    def __getitem__(self, key):
        self.reads += 1
        return super().__getitem__(key)


def test_final_run_reads_the_invoiced_instalments_once_for_all_members(approved_plan, seller, members, registry):
    provider = registry["citeq"]
    for month in (1, 2):
        run = billing_run_prepare(
            actor=None, provider=provider, kind=RunKind.INSTALMENT, year=2026, period=month,
            billing_date=dt.date(2026, month, 5),
        )  # fmt: skip
        billing_run_issue(actor=None, run=run)
    inputs = billing_inputs(provider=provider, year=2026, with_instalments=True)
    assert len(inputs.members) >= 2 and len(inputs.instalments_invoiced) >= 2
    inputs.instalments_invoiced = CountingDict(inputs.instalments_invoiced)

    result = build_drafts(
        inputs, kind=RunKind.FINAL, period=whole_year(2026), frequency="monthly", host_settlement_internal=True
    )

    assert inputs.instalments_invoiced.reads == 1
    deductions = [line for draft in result.invoices for line in draft.lines if line.kind == "deduction"]
    assert len(deductions) == len(inputs.instalments_invoiced)


def test_billing_inputs_leave_the_plan_traces_in_the_database(approved_plan, seller, members, registry):
    from verbund.costing.models import MemberFee
    from verbund.costing.selectors import PlanCharge

    inputs = billing_inputs(provider=registry["citeq"], year=2026)
    assert inputs.fees
    for (member_id, product_id), fee in inputs.fees.items():
        # The fees come from costing.selectors as plain records: no model row, no fee or rate trace.
        assert isinstance(fee, PlanCharge) and not hasattr(fee, "trace") and not hasattr(fee.charging, "trace")
        stored = MemberFee.objects.get(plan=approved_plan, member_id=member_id, product_plan__product_id=product_id)
        assert (fee.fee, fee.quantity) == (stored.fee, stored.quantity) and stored.trace
