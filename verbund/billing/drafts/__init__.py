"""What a run bills: turns the loaded inputs into draft invoices (specs) with the engine. No writes.

Scope of the run kinds:

* **instalment** (a period): for every recurring product a member uses, 1/n of its planned annual fee from the
  approved plan of the year (`MemberFee`), pro-rated inside the period; where the plan has no fee for the
  member and product (no approved plan, or a product outside it), the approved price revisions × quantity
  (`engine.prorate`);
* **final** (a year): per product the actual amount of the year (metered: approved rates × Σ days × quantity /
  days in year; shared by a key: the planned fee × the share of days the member took part) minus the
  instalments issued for it; a member whose balance is negative gets a credit note;
* **extras** (a period): one-off services (unit "one-off") dated in the period, at the approved price of the
  day × quantity. Recurring products are never extras, so nothing is billed twice.

VAT comes from the product's approved price revision; lines not subject to VAT (§ 2b UStG, category O) go to a
separate invoice. With `host_settlement_internal` the host city gets one internal settlement (no VAT, series IV,
no e-invoice). Problems found on the way are returned, not raised: a missing or invalid Leitweg-ID, an
incomplete buyer address or a missing price blocks issuing; a member with nothing to bill is skipped and noted.
"""

from verbund.billing.drafts.builder import build_drafts
from verbund.billing.drafts.types import DraftInvoice, DraftLine, DraftResult, Problem

__all__ = ["DraftInvoice", "DraftLine", "DraftResult", "Problem", "build_drafts"]
