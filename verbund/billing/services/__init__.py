"""Writes for billing: seller profiles, invoice runs (prepare, issue) and credit notes.

* `seller_profile_create` / `seller_profile_update` record a provider's seller data, checked field by field,
  with its own number prefix (fixed once it has issued invoices), row lock and version against lost updates.

* `billing_run_prepare` creates the run of (provider, kind, year, period) or finds it again, throws away its
  draft invoices and computes them afresh (idempotent: preparing twice gives the same drafts, never
  duplicates); an issued run is left as it is.
* `billing_run_issue` issues every draft of a run in one transaction: numbers (gap-free per series and year),
  seller and buyer data copied, the XRechnung built and validated (XSD, CEN EN 16931, BR-DE, Leitweg-ID). One
  fatal finding anywhere and nothing is issued, no number is used; the findings are kept on the drafts and the
  error names invoice, rule ids and messages.
* `invoice_credit` reverses an issued invoice completely with a credit note that references it; the original
  becomes cancelled. Issued documents are never edited.
"""

from verbund.billing.services.credit import invoice_credit
from verbund.billing.services.issue import billing_run_issue
from verbund.billing.services.prepare import billing_run_check, billing_run_prepare
from verbund.billing.services.seller import (
    SELLER_PROFILE_FIELDS,
    seller_profile_create,
    seller_profile_save,
    seller_profile_update,
)

__all__ = [
    "SELLER_PROFILE_FIELDS",
    "billing_run_check",
    "billing_run_issue",
    "billing_run_prepare",
    "invoice_credit",
    "seller_profile_create",
    "seller_profile_save",
    "seller_profile_update",
]
