"""Legal rules as explicit, testable checks per scenario, entity and year (next-capabilities §A.2).

Each check has a code (its rule text is in `RULES`), the entity, the year, a verdict (True: holds, False: fails,
None: information only) and a step that gives the figures. The rule texts are summaries, not legal advice.
"""

from dataclasses import dataclass
from decimal import Decimal

from verbund.core.money import round_even
from verbund.core.steps import Kind, Message, Step, gettext_noop

from .inputs import EMPLOYS_CIVIL_SERVANTS, ZERO, Entity, Item, LegalForm

T, S, M, N, Y = Kind.TEXT, Kind.SHARE, Kind.MONEY, Kind.NUMBER, Kind.YEAR

RULES: dict[str, str] = {
    "gwb108.private_capital": gettext_noop(
        "§ 108 Abs. 1 Nr. 3 GWB: no direct private capital participation in the entity awarded in-house."
    ),
    "gwb108.control": gettext_noop(
        "§ 108 Abs. 1 Nr. 1, Abs. 4 GWB: the authorities control the entity like their own department; joint "
        "control needs every authority served in the capital and in the governing bodies."
    ),
    "gwb108.activity": gettext_noop(
        "§ 108 Abs. 1 Nr. 2 GWB: more than 80 % of the entity's activity is carried out for the controlling "
        "authorities (here: of the year's fees and third-party turnover)."
    ),
    "vat.legal_form": gettext_noop(
        "§ 2 Abs. 1, § 2b UStG: a GmbH charges VAT on every fee; a public-law entity's supplies to its members are "
        "untaxed while § 2b applies; an own unit (eigenbetriebsähnliche Einrichtung) has no taxable supply to "
        "its own city."
    ),
    "staff.civil_servants": gettext_noop(
        "§ 613a BGB, § 20 BeamtStG: civil servants can only move to an employer that may employ them (AöR, "
        "Zweckverband, the city); a GmbH needs an assignment (Zuweisung) or staff secondment."
    ),
}

MESSAGES: dict[str, Message] = {
    "gwb108.private_capital": Message(
        gettext_noop("%(entity)s: private capital %(private)s"), {"entity": T, "private": T}
    ),
    "gwb108.control": Message(
        gettext_noop(
            "%(entity)s in %(year)s: %(served)s authorities served, %(missing)s of them without capital and seats"
        ),
        {"entity": T, "year": Y, "served": Kind.COUNT, "missing": Kind.COUNT},
    ),
    "gwb108.activity": Message(
        gettext_noop("%(entity)s in %(year)s: fees of owners %(owned)s of %(total)s = %(share)s (needs > 0.8)"),
        {"entity": T, "year": Y, "owned": M, "total": M, "share": S},
    ),
    "vat.legal_form": Message(
        gettext_noop("%(entity)s (%(form)s) in %(year)s: VAT burden on the members %(vat)s"),
        {"entity": T, "form": T, "year": Y, "vat": M},
    ),
    "staff.civil_servants": Message(
        gettext_noop("%(entity)s (%(form)s) in %(year)s: %(fte)s civil servant FTE to take over"),
        {"entity": T, "form": T, "year": Y, "fte": N},
    ),
}


@dataclass(frozen=True, slots=True)
class Check:
    code: str
    entity: str
    year: int
    passed: bool | None
    step: Step


def entity_checks(entity: Entity, year: int, items: list[Item], vat_burden: Decimal) -> list[Check]:
    """VAT (information) and staff transfer for one entity in one year."""
    name = entity.name
    checks = [
        Check(
            "vat.legal_form",
            entity.id,
            year,
            None,
            Step("vat.legal_form", {"entity": name, "form": str(entity.legal_form), "year": year, "vat": vat_burden}),
        )
    ]
    fte = sum((i.civil_servant_fte for i in items if i.provider != entity.id), ZERO)
    if fte:
        checks.append(
            Check(
                "staff.civil_servants",
                entity.id,
                year,
                entity.legal_form in EMPLOYS_CIVIL_SERVANTS,
                Step(
                    "staff.civil_servants", {"entity": name, "form": str(entity.legal_form), "year": year, "fte": fte}
                ),
            )
        )
    return checks


def in_house_checks(entity: Entity, year: int, member_fees: dict[str, Decimal]) -> list[Check]:
    """§ 108 GWB for one entity in one year from its members' net fees (the costing engine's `by_member`)."""
    name = entity.name
    owners = {o.authority for o in entity.owners if o.share > 0 and o.seats > 0}
    served = {m for m, fee in member_fees.items() if fee}
    if entity.legal_form == LegalForm.OWN_UNIT and entity.host:
        owners = owners | {entity.host}
    missing = served - owners
    total = sum(member_fees.values(), ZERO) + entity.third_party_turnover
    owned = sum((fee for m, fee in member_fees.items() if m in owners), ZERO)
    share = round_even(owned / total, Decimal("0.0001")) if total else Decimal(1)
    private = "yes" if entity.private_capital else "no"
    return [
        Check(
            "gwb108.private_capital",
            entity.id,
            year,
            not entity.private_capital,
            Step("gwb108.private_capital", {"entity": name, "private": private}),
        ),
        Check(
            "gwb108.control",
            entity.id,
            year,
            not missing,
            Step("gwb108.control", {"entity": name, "year": year, "served": len(served), "missing": len(missing)}),
        ),
        Check(
            "gwb108.activity",
            entity.id,
            year,
            share > Decimal("0.8"),
            Step("gwb108.activity", {"entity": name, "year": year, "owned": owned, "total": total, "share": share}),
        ),
    ]


def vat_rate(entity: Entity, member: str, rate: Decimal) -> Decimal:
    """VAT on a fee of `entity` to `member` (next-capabilities §A.2, methods §1.5)."""
    if entity.legal_form == LegalForm.GMBH:
        return rate  # a GmbH is always an entrepreneur; § 2b UStG cannot help
    if entity.legal_form == LegalForm.OWN_UNIT and member == entity.host:
        return ZERO  # no exchange of supplies within the city
    return ZERO if entity.section_2b else rate
