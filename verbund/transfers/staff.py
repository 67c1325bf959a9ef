"""The staff transfer list of a transfer: which positions (FTE) of the transferring provider move with the
services, and the rule that applies to each (reference next-capabilities §A.2, "Staff transfer"):

* employees: transfer of undertaking, § 613a BGB, with the right to object; where they object or the receiving
  entity is not to employ them, Personalgestellung (§ 4 Abs. 3 TVöD/TV-L, upheld by the BAG, 10 AZR 84/09);
* civil servants: only an employer with the capacity to employ civil servants (Dienstherrnfähigkeit: an
  Anstalt des öffentlichen Rechts, a Zweckverband) takes them over, by a change of employer with
  Versorgungslastenteilung; a GmbH or another private-law receiver needs a Zuweisung (§ 20 BeamtStG).

The staff data are the scenarios app's anonymous positions (`scenarios.StaffPosition`), linked to catalogue
products through their portfolio items.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from verbund.registry.choices import OrganizationKind
from verbund.registry.models import Organization
from verbund.scenarios.choices import StaffStatus
from verbund.scenarios.models import StaffPosition
from verbund.transfers.choices import TransferScope
from verbund.transfers.models import ServiceTransfer

PUBLIC_EMPLOYER_FORMS = ("anstalt", "aör", "zweckverband", "körperschaft")


@dataclass(frozen=True)
class StaffLine:
    service: str
    reference: str
    status: str
    status_label: str
    pay_group: str
    fte: Decimal
    retirement_year: int
    rule: str


def can_employ_civil_servants(org: Organization) -> bool:
    """Dienstherrnfähigkeit: a Zweckverband (association) or a legal form of public law."""
    legal_form = (org.legal_form or "").lower()
    return org.kind == OrganizationKind.ASSOCIATION or any(word in legal_form for word in PUBLIC_EMPLOYER_FORMS)


def rule_for(status: str, receiver: Organization) -> str:
    if status == StaffStatus.EMPLOYEE:
        return _(
            "Transfer of undertaking (§ 613a BGB) with the right to object; otherwise Personalgestellung "
            "(§ 4 para. 3 TVöD)"
        )
    if can_employ_civil_servants(receiver):
        return _("Change of employer (Dienstherrnwechsel) with Versorgungslastenteilung")
    return _("Zuweisung (§ 20 BeamtStG): the receiver cannot employ civil servants; the employer stays")


def staff_lines(transfer: ServiceTransfer) -> list[StaffLine]:
    positions = StaffPosition.objects.filter(provider_id=transfer.from_provider_id).select_related("item")
    if transfer.scope != TransferScope.PORTFOLIO:
        positions = positions.filter(item__product_id__in=transfer.items.values("product_id"))
    receiver = transfer.to_provider
    return [
        StaffLine(
            service=position.item.name,
            reference=position.reference,
            status=position.status,
            status_label=position.get_status_display(),
            pay_group=position.pay_group,
            fte=position.fte,
            retirement_year=position.retirement_year,
            rule=rule_for(position.status, receiver),
        )
        for position in positions.order_by("item__name", "reference")
    ]


def staff_totals(lines: list[StaffLine]) -> dict[str, Decimal]:
    totals = {StaffStatus.EMPLOYEE.value: Decimal(0), StaffStatus.CIVIL_SERVANT.value: Decimal(0)}
    for line in lines:
        totals[line.status] = totals.get(line.status, Decimal(0)) + line.fte
    return totals
