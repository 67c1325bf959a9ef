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

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from verbund.billing import engine, texts
from verbund.billing.choices import InvoiceType, LineKind, ProblemSeverity, RunKind
from verbund.billing.selectors import BillingInputs
from verbund.catalog.choices import ONE_OFF_UNITS
from verbund.catalog.models import PriceRevision, Product
from verbund.core.money import round_money
from verbund.costing.choices import Charging
from verbund.costing.models import MemberFee
from verbund.orders.models import Subscription
from verbund.orders.selectors import quantity_on
from verbund.registry import keys
from verbund.registry.models import Organization

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Problem:
    code: str
    severity: str
    message: str
    member_id: int | None = None
    member: str = ""
    product: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "member_id": self.member_id,
            "member": self.member,
            "product": self.product,
        }


@dataclass(frozen=True)
class DraftLine:
    kind: str
    product: Product | None
    name: str
    description: str
    figures: engine.LineFigures
    vat: engine.VatTreatment
    period_start: dt.date | None
    period_end: dt.date | None
    trace: tuple[str, ...] = ()

    def negated(self) -> "DraftLine":
        f = self.figures
        flipped = engine.LineFigures(quantity=-f.quantity, unit_code=f.unit_code, unit_price=f.unit_price, net=-f.net)
        return DraftLine(
            self.kind, self.product, self.name, self.description, flipped, self.vat, self.period_start,
            self.period_end, self.trace,
        )  # fmt: skip


@dataclass
class DraftInvoice:
    member: Organization
    vat_group: str
    internal: bool
    type_code: str
    title: str
    period_start: dt.date
    period_end: dt.date
    lines: list[DraftLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def net(self) -> Decimal:
        return sum((line.figures.net for line in self.lines), ZERO)


@dataclass
class DraftResult:
    invoices: list[DraftInvoice]
    problems: list[Problem]
    skipped: list[str]


def _revision_on(revisions: list[PriceRevision], day: dt.date) -> PriceRevision | None:
    current = None
    for revision in revisions:  # oldest first; later approvals of the same day win
        if revision.valid_from <= day:
            current = revision
    return current


def _segments(subscriptions: Iterable[Subscription]) -> tuple[engine.Segment, ...]:
    segments: list[engine.Segment] = []
    for sub in subscriptions:
        rows = [(row.valid_from, row.quantity) for row in sub.quantity_rows]  # type: ignore[attr-defined]
        segments.extend(engine.subscription_segments(sub.start_date, sub.end_date, rows))
    return tuple(segments)


def _used_in(segments: Iterable[engine.Segment], start: dt.date, end: dt.date) -> bool:
    return any(s.quantity > 0 and engine.overlap(s.start, s.end, start, end) for s in segments)


class _Builder:
    def __init__(self, inputs: BillingInputs, *, kind: str, period: engine.Period, frequency: str, internal: bool):
        self.inputs = inputs
        self.kind = kind
        self.period = period
        self.frequency = frequency
        self.internal_host = internal
        self.problems: list[Problem] = []
        self.skipped: list[str] = []
        plan = inputs.plan
        self.plan_label = (
            "" if plan is None else plan.name + (f", {plan.decision_reference}" if plan.decision_reference else "")
        )
        # Instalments already invoiced, by member: read once, so that a final run stays linear in the members.
        self.invoiced_by_member: dict[int, dict[int, Decimal]] = defaultdict(dict)
        for (member_id, product_id), amount in inputs.instalments_invoiced.items():
            self.invoiced_by_member[member_id][product_id] = amount

    # ------------------------------------------------------------ helpers

    def problem(self, code: str, severity: str, message: str, member: Organization | None = None, product: str = ""):
        self.problems.append(
            Problem(code, severity, message, member.pk if member else None, member.name if member else "", product)
        )

    def vat_for(self, member: Organization, product: Product, day: dt.date) -> engine.VatTreatment:
        revisions = self.inputs.revisions.get(product.pk, [])
        revision = _revision_on(revisions, day) or (revisions[0] if revisions else None)
        if revision is None:
            self.problem(
                "no_vat_treatment",
                ProblemSeverity.WARNING,
                _("%(product)s has no approved price revision; VAT charged at the standard rate of 19 %%.")
                % {"product": product.number},
                member,
                product.number,
            )
            return engine.treatment("taxable", Decimal("19.00"))
        return engine.treatment(revision.vat_treatment, revision.vat_rate, revision.vat_exemption_reason)

    def rates(self, product: Product) -> tuple[engine.RateStep, ...]:
        steps = [engine.RateStep(r.valid_from, r.unit_price) for r in self.inputs.revisions.get(product.pk, [])]
        if not steps and product.pk in self.inputs.plan_rates:
            steps = [engine.RateStep(dt.date(self.inputs.year, 1, 1), self.inputs.plan_rates[product.pk])]
        return tuple(steps)

    def no_price(self, member: Organization, product: Product, day: dt.date | None = None) -> None:
        when = texts.date_text(day) if day else str(self.inputs.year)
        self.problem(
            "no_price",
            ProblemSeverity.ERROR,
            _("%(product)s has no planned fee and no approved price on %(date)s; %(member)s cannot be billed for it.")
            % {"product": product.number, "date": when, "member": member.name},
            member,
            product.number,
        )

    def recurring_by_product(self, member: Organization) -> dict[int, list[Subscription]]:
        grouped: dict[int, list[Subscription]] = defaultdict(list)
        for sub in self.inputs.subscriptions.get(member.pk, []):
            if sub.product.unit not in ONE_OFF_UNITS:
                grouped[sub.product_id].append(sub)
        return grouped

    def planned_charge(
        self, product: Product, fee: MemberFee, segments: tuple[engine.Segment, ...]
    ) -> tuple[engine.Charge, bool]:
        """The charge of a planned fee, and whether it is a share by a key (then only presence counts)."""
        source = f"Plan {self.plan_label}"
        if fee.product_plan.charging == Charging.SHARED or not fee.quantity:
            charge = engine.Charge(
                product.number, engine.presence(segments), planned_fee=engine.PlannedFee(fee.fee), source=source
            )
            return charge, True
        charge = engine.Charge(
            product.number, segments, planned_fee=engine.PlannedFee(fee.fee, fee.quantity), source=source
        )
        return charge, False

    # ------------------------------------------------------------ kinds

    def instalment_lines(self, member: Organization) -> list[DraftLine]:
        lines = []
        for product_id, subs in self.recurring_by_product(member).items():
            product = self.inputs.products[product_id]
            segments = _segments(subs)
            fee = self.inputs.fees.get((member.pk, product_id))
            shared = False
            if fee is not None and fee.fee != 0:
                charge, shared = self.planned_charge(product, fee, segments)
                basis = f"Jahresentgelt {texts.money(fee.fee)} € (Plan {self.plan_label})"
                if shared:
                    key = texts.key_text(fee.product_plan.key_weights)
                    basis = f"Anteil nach Verteilungsschlüssel ({key}); {basis}"
            else:
                rates = self.rates(product)
                if not rates:
                    if _used_in(segments, self.period.start, self.period.end):
                        self.no_price(member, product)
                    continue
                charge = engine.Charge(product.number, segments, rates=rates, source="approved price revisions")
                basis = "genehmigter Preis je Einheit und Jahr: " + "; ".join(
                    f"ab {texts.date_text(step.valid_from)} {texts.price(step.rate)} €" for step in rates[-2:]
                )
            try:
                item = engine.instalment(charge, self.inputs.year, self.frequency, self.period.index)
            except engine.MissingRate as exc:
                self.no_price(member, product, exc.day)
                continue
            if item.amount == 0 and item.active_days == 0:
                continue
            code = engine.unit_code(product.unit)
            shown = None if shared else item.quantity
            figures = engine.line_figures(net=item.amount, quantity=shown, code=code)
            unit_word = texts.UNIT_WORDS.get(product.unit, "")
            detail = [
                f"Abschlag {self.period.label} "
                f"({texts.date_text(self.period.start)}–{texts.date_text(self.period.end)}), "
                f"1/{self.period.count} des Jahresentgelts",
            ]
            if shown is not None and product.unit != "flat":
                detail.append(f"Menge: {texts.number(shown)} {unit_word}".rstrip())
            if item.active_days != self.period.days:
                detail.append(f"anteilig {item.active_days} von {self.period.days} Tagen")
            detail.append(basis)
            lines.append(
                DraftLine(
                    kind=LineKind.INSTALMENT,
                    product=product,
                    name=f"{product.number} {product.name}",
                    description="; ".join(detail),
                    figures=figures,
                    vat=self.vat_for(member, product, self.period.start),
                    period_start=self.period.start,
                    period_end=self.period.end,
                    trace=item.trace,
                )
            )
        return lines

    def final_lines(self, member: Organization) -> list[DraftLine]:
        grouped = self.recurring_by_product(member)
        invoiced = self.invoiced_by_member.get(member.pk, {})
        lines: list[DraftLine] = []
        year = self.inputs.year
        for product_id in sorted(set(grouped) | set(invoiced), key=lambda pk: self.inputs.products[pk].number):
            product = self.inputs.products[product_id]
            segments = _segments(grouped.get(product_id, []))
            fee = self.inputs.fees.get((member.pk, product_id))
            charge: engine.Charge | None
            shared = fee is not None and fee.product_plan.charging == Charging.SHARED
            if fee is not None and shared:
                charge = engine.Charge(
                    product.number,
                    engine.presence(segments),
                    planned_fee=engine.PlannedFee(fee.fee),
                    source=f"Plan {self.plan_label}",
                )
            elif segments:
                rates = self.rates(product)
                if not rates:
                    self.no_price(member, product)
                    continue
                charge = engine.Charge(product.number, segments, rates=rates, source="approved rates")
            else:
                charge = None
            try:
                (settled,) = engine.settle(
                    [engine.SettlementItem(product.number, charge, invoiced.get(product_id, ZERO))], year
                )
            except engine.MissingRate as exc:
                self.no_price(member, product, exc.day)
                continue
            vat = self.vat_for(member, product, dt.date(year, 12, 31))
            code = engine.unit_code(product.unit)
            detail = settled.detail
            if detail is not None and detail.active_days:
                figures = engine.line_figures(
                    net=settled.actual,
                    quantity=None if shared else detail.annual_quantity,
                    code=code,
                    price=detail.single_rate,
                )
                unit_word = texts.UNIT_WORDS.get(product.unit, "")
                text = [f"Ist-Entgelt {year}"]
                if fee is not None and shared:
                    text.append(
                        f"Anteil nach Verteilungsschlüssel ({texts.key_text(fee.product_plan.key_weights)}), "
                        f"Jahresentgelt {texts.money(fee.fee)} € (Plan {self.plan_label})"
                    )
                elif product.unit != "flat":
                    text.append(f"Jahresmenge {texts.number(detail.annual_quantity)} {unit_word}".rstrip())
                    if detail.single_rate is not None:
                        text.append(f"Preis {texts.price(detail.single_rate)} € je Einheit und Jahr")
                if detail.active_days != engine.days_in_year(year):
                    text.append(f"{detail.active_days} von {engine.days_in_year(year)} Tagen")
                lines.append(
                    DraftLine(
                        LineKind.ACTUAL,
                        product,
                        f"{product.number} {product.name}",
                        "; ".join(text),
                        figures,
                        vat,
                        dt.date(year, 1, 1),
                        dt.date(year, 12, 31),
                        settled.trace,
                    )
                )
            if settled.instalments:
                lines.append(
                    DraftLine(
                        LineKind.DEDUCTION,
                        product,
                        f"{product.number} abzüglich Abschläge {year}",
                        f"Abschlagsrechnungen {year} zu {product.number}: {texts.money(settled.instalments)} € netto",
                        engine.lump_sum(-settled.instalments),
                        vat,
                        dt.date(year, 1, 1),
                        dt.date(year, 12, 31),
                        (f"instalments issued for {year}: {settled.instalments}",),
                    )
                )
        return lines

    def extra_lines(self, member: Organization) -> list[DraftLine]:
        lines = []
        for sub in self.inputs.subscriptions.get(member.pk, []):
            product = sub.product
            if product.unit not in ONE_OFF_UNITS or not (self.period.start <= sub.start_date <= self.period.end):
                continue
            revision = _revision_on(self.inputs.revisions.get(product.pk, []), sub.start_date)
            quantity = quantity_on(sub.quantity_rows, sub.start_date)  # type: ignore[attr-defined]
            if revision is None or quantity is None:
                self.no_price(member, product, sub.start_date)
                continue
            net = round_money(quantity * revision.unit_price)
            figures = engine.line_figures(
                net=net, quantity=quantity, code=engine.unit_code(product.unit), price=revision.unit_price
            )
            lines.append(
                DraftLine(
                    LineKind.EXTRA,
                    product,
                    f"{product.number} {product.name}",
                    f"Leistung vom {texts.date_text(sub.start_date)}; "
                    f"{texts.number(quantity)} × {texts.price(revision.unit_price)} €",
                    figures,
                    engine.treatment(revision.vat_treatment, revision.vat_rate, revision.vat_exemption_reason),
                    sub.start_date,
                    sub.start_date,
                    (f"{quantity} × {revision.unit_price} = {quantity * revision.unit_price} → {net}",),
                )
            )
        return lines

    # ------------------------------------------------------------ documents

    def title(self, group: str, credit: bool, internal: bool) -> str:
        if self.kind == RunKind.INSTALMENT:
            text = f"Abschlagsrechnung {self.period.label}"
        elif self.kind == RunKind.FINAL:
            text = (
                f"Gutschrift aus der Schlussrechnung {self.inputs.year}"
                if credit
                else (f"Schlussrechnung {self.inputs.year}")
            )
        else:
            text = f"Rechnung Zusatzleistungen {self.period.label}"
        if internal:
            return f"Interne Verrechnung: {text}"
        if group == engine.vat.GROUP_NOT_SUBJECT:
            return f"{text} (nicht steuerbare Leistungen)"
        return text

    def notes(self, group: str, internal: bool) -> list[str]:
        notes = []
        if self.kind == RunKind.INSTALMENT:
            notes.append(
                f"Abschlag auf die Entgelte {self.inputs.year}; die Abrechnung nach Ist-Mengen folgt mit der "
                f"Schlussrechnung {self.inputs.year}."
            )
        elif self.kind == RunKind.FINAL:
            notes.append(
                f"Schlussrechnung {self.inputs.year}: Ist-Entgelte abzüglich der für {self.inputs.year} "
                "in Rechnung gestellten Abschläge."
            )
        if internal:
            notes.append(
                "Interne Leistungsverrechnung mit der Trägerkommune: kein umsatzsteuerbarer Leistungsaustausch, "
                "keine E-Rechnung."
            )
        elif group == engine.vat.GROUP_NOT_SUBJECT:
            notes.append(
                "Diese Rechnung enthält nur nicht steuerbare Leistungen; steuerbare Leistungen werden gesondert "
                "abgerechnet."
            )
        return notes

    def check_buyer(self, member: Organization) -> None:
        if not member.leitweg_id:
            self.problem(
                "leitweg_missing",
                ProblemSeverity.ERROR,
                _("%(member)s has no Leitweg-ID; an e-invoice needs one (BT-10). Enter it in the registry.")
                % {"member": member.name},
                member,
            )
        else:
            try:
                keys.validate_leitweg_id(member.leitweg_id)
            except keys.KeyError_ as exc:
                self.problem(
                    "leitweg_invalid",
                    ProblemSeverity.ERROR,
                    _("The Leitweg-ID %(id)s of %(member)s is invalid: %(reason)s")
                    % {"id": member.leitweg_id, "member": member.name, "reason": exc},
                    member,
                )
        if not member.postcode or not (member.city or member.name):
            self.problem(
                "buyer_address",
                ProblemSeverity.ERROR,
                _("The address of %(member)s lacks a postcode or city (BR-DE-8/9). Complete it in the registry.")
                % {"member": member.name},
                member,
            )

    def build(self) -> DraftResult:
        invoices: list[DraftInvoice] = []
        if self.kind == RunKind.FINAL:
            for period in self.inputs.open_instalment_runs:
                self.problem(
                    "instalment_run_open",
                    ProblemSeverity.WARNING,
                    _("The instalment run %(period)s/%(year)s is still a draft; its instalments are not deducted.")
                    % {"period": period, "year": self.inputs.year},
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
                    _("%(member)s: nothing to bill in this run; skipped.") % {"member": member.name},
                    member,
                )
                continue
            internal = self.internal_host and member.pk in self.inputs.host_ids
            if not internal:
                self.check_buyer(member)
            groups: dict[str, list[DraftLine]] = defaultdict(list)
            for line in lines:
                if internal:
                    line = DraftLine(
                        line.kind, line.product, line.name, line.description, line.figures, engine.vat.internal(),
                        line.period_start, line.period_end, line.trace,
                    )  # fmt: skip
                groups[engine.invoice_group(line.vat.category)].append(line)
            for group in sorted(groups):
                group_lines = groups[group]
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
    inputs: BillingInputs, *, kind: str, period: engine.Period, frequency: str, host_internal: bool
) -> DraftResult:
    return _Builder(inputs, kind=kind, period=period, frequency=frequency, internal=host_internal).build()
