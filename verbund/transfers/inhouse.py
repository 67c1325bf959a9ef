"""The in-house check (§ 108 GWB, `ownership.inhouse`) before a service transfer: the moved subscriptions'
annual net fees become turnover of their members with the receiving entity and leave the transferring one.

Only for a holding or an operating company (`ownership.choices.ENTITY_KINDS`, the entities whose owners are
recorded); a transfer between two classic providers has no check. The amounts are the preview's per-member
fees (`selectors.transfer_preview`), not a second fee formula. The day is the effective date: the check counts
the additional annual turnover in each of the three years before it, as for an accession."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from verbund.ownership import presentation
from verbund.ownership.choices import ENTITY_KINDS
from verbund.ownership.inhouse import InHouseWarning, inhouse_warning
from verbund.registry.models import Organization
from verbund.transfers.models import ServiceTransfer
from verbund.transfers.selectors import Preview

RECEIVING = "receiving"
TRANSFERRING = "transferring"
SIDE_LABELS = {
    RECEIVING: _("Receiving entity (gains the turnover)"),
    TRANSFERRING: _("Transferring entity (loses the turnover)"),
}


@dataclass(frozen=True)
class InHouseCheck:
    side: str  # RECEIVING or TRANSFERRING
    entity: Organization
    annual_turnover: Decimal  # the change of its annual net turnover (negative: lost)
    customers: int
    warning: InHouseWarning

    @property
    def breaks(self) -> bool:
        return self.warning.breaks

    @property
    def side_label(self) -> str:
        return str(SIDE_LABELS[self.side])

    @property
    def status_before(self) -> str:
        return presentation.status_label(self.warning.before)

    @property
    def status_after(self) -> str:
        return presentation.status_label(self.warning.after)

    def rules_after(self) -> list[presentation.RuleView]:
        """The rules after the transfer, with their text and lines, in the reader's language."""
        return presentation.rules(self.warning.after, self.warning.names)

    def failed_rules(self) -> list[presentation.RuleView]:
        return [rule for rule in self.rules_after() if rule.passed is False]


def transfer_inhouse(*, transfer: ServiceTransfer, preview: Preview) -> list[InHouseCheck]:
    """One check per side that is an entity of the consolidation (receiving first). Queries: those of
    `inhouse_warning` (about four) per side, none per member."""
    checks = []
    sides = (
        (RECEIVING, transfer.to_provider, [(m.member, m.after) for m in preview.members if m.after]),
        (TRANSFERRING, transfer.from_provider, [(m.member, -m.before) for m in preview.members if m.before]),
    )
    for side, entity, customers in sides:
        if entity.kind not in ENTITY_KINDS:
            continue
        warning = inhouse_warning(entity=entity, as_of=transfer.effective_date, customers=customers)
        total = sum((amount for _member, amount in customers), Decimal(0))
        checks.append(InHouseCheck(side, entity, total, len(customers), warning))
    return checks
