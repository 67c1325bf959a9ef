"""The in-house check (§ 108 GWB, `ownership.inhouse`) before a service transfer: the moved subscriptions'
annual net fees become turnover of their members with the receiving entity and leave the transferring one.

Only for a holding or an operating company (`ownership.choices.ENTITY_KINDS`, the entities whose owners are
recorded); a transfer between two classic providers has no check. The amounts are the preview's per-member
fees (`selectors.transfer_preview`), not a second fee formula. The day is the effective date: the check counts
the additional annual turnover in each of the three years before it, as for an accession."""

from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cached_property

from django.utils.translation import gettext_lazy as _

from verbund.ownership import presentation
from verbund.ownership.choices import ENTITY_KINDS
from verbund.ownership.engine import inhouse as engine
from verbund.ownership.inhouse import InHouseWarning, inhouse_warning
from verbund.registry.models import Organization
from verbund.transfers.models import ServiceTransfer
from verbund.transfers.selectors import Preview

THIRD_SHOWN = 10  # customers outside the controlling authorities listed by name (a national product: 10,980)
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

    @cached_property
    def before(self) -> engine.Judgement:
        """The judgement without the transfer, its explanation shortened (`shortened`)."""
        return shortened(self.warning.before)[0]

    @cached_property
    def after(self) -> engine.Judgement:
        return shortened(self.warning.after)[0]

    @property
    def left_off(self) -> int:
        """Customers outside the controlling authorities not named in the lines after the transfer."""
        return shortened(self.warning.after)[1]

    def rules_after(self) -> list[presentation.RuleView]:
        """The rules after the transfer, with their text and lines, in the reader's language."""
        return presentation.rules(self.after, self.warning.names)

    def failed_rules(self) -> list[presentation.RuleView]:
        return [rule for rule in self.rules_after() if rule.passed is False]


def shortened(judgement: engine.Judgement) -> tuple[engine.Judgement, int]:
    """The judgement with only the `THIRD_SHOWN` largest customers outside the controlling authorities in its
    explanation (the engine lists them by amount), and how many were left off: the transfer of a national product
    would otherwise explain 10,980 municipalities on the page and in the API."""
    left_off = 0
    rules = []
    for rule in judgement.rules:
        kept, third = [], 0
        for step in rule.trace:
            if step.code == "activity.third":
                third += 1
                if third > THIRD_SHOWN:
                    continue
            kept.append(step)
        left_off += max(third - THIRD_SHOWN, 0)
        rules.append(replace(rule, trace=tuple(kept)))
    trace = tuple(step for rule in rules for step in rule.trace)
    return replace(judgement, rules=tuple(rules), trace=trace), left_off


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
