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
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from verbund.billing import engine, texts
from verbund.billing.choices import InvoiceType, LineKind, ProblemSeverity, RunKind
from verbund.billing.selectors import BillingInputs
from verbund.catalog.choices import ONE_OFF_UNITS
from verbund.catalog.models import PriceRevision, Product
from verbund.core.money import round_money
from verbund.costing.selectors import PlanCharge
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
    basis_quantity: Decimal | None = None  # the quantity billed, also where the figures are a lump sum
    basis_unit: str = ""  # its catalogue charge unit

    def negated(self) -> "DraftLine":
        f = self.figures
        flipped = engine.LineFigures(quantity=-f.quantity, unit_code=f.unit_code, unit_price=f.unit_price, net=-f.net)
        basis = -self.basis_quantity if self.basis_quantity is not None else None
        return replace(self, figures=flipped, basis_quantity=basis)


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


def _treatment(revision: PriceRevision) -> engine.VatTreatment:
    treatment = engine.treatment(revision.vat_treatment, revision.vat_rate, revision.vat_exemption_reason)
    if treatment.exemption_reason and not revision.vat_exemption_reason:  # the engine's default: in the language
        return replace(treatment, exemption_reason=texts.exemption_reason(treatment.category))
    return treatment


def _nothing_to_pay(lines: list[DraftLine]) -> bool:
    """No invoice with nothing to pay or credit: every VAT category and rate nets out to zero (then the tax and
    the total are zero as well)."""
    sums: dict[tuple[str, Decimal], Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        sums[(line.vat.category, line.vat.rate)] += line.figures.net
    return all(amount == 0 for amount in sums.values())


def _segments(subscriptions: Iterable[Subscription]) -> tuple[engine.Segment, ...]:
    segments: list[engine.Segment] = []
    for sub in subscriptions:
        rows = [(row.valid_from, row.quantity) for row in sub.quantity_rows]  # type: ignore[attr-defined]
        segments.extend(engine.subscription_segments(sub.start_date, sub.end_date, rows))
    return tuple(segments)


def _used_in(segments: Iterable[engine.Segment], start: dt.date, end: dt.date) -> bool:
    return any(s.quantity > 0 and engine.overlap(s.start, s.end, start, end) for s in segments)


class _Builder:
    def __init__(
        self, inputs: BillingInputs, *, kind: str, period: engine.Period, frequency: str, host_settlement_internal: bool
    ):
        self.inputs = inputs
        self.kind = kind
        self.period = period
        self.frequency = frequency
        self.host_settlement_internal = host_settlement_internal
        self.problems: list[Problem] = []
        self.clerk_language = translation.get_language() or "de"
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

    def problem(
        self,
        code: str,
        severity: str,
        message: str,
        params: dict[str, Any] | None = None,
        member: Organization | None = None,
        product: str = "",
    ) -> None:
        """A problem for the clerk: its message in the clerk's language (the drafts are built in the documents')."""
        with translation.override(self.clerk_language):
            text = _(message) % {k: v() if callable(v) else v for k, v in (params or {}).items()}
        self.problems.append(
            Problem(code, severity, text, member.pk if member else None, member.name if member else "", product)
        )

    def vat_for(self, member: Organization, product: Product, day: dt.date) -> engine.VatTreatment | None:
        """The VAT treatment of the product's approved price revision of the day (else its first one); None, and
        a problem that blocks issuing, when it has none: the VAT comes from the price revision only."""
        revisions = self.inputs.revisions.get(product.pk, [])
        revision = _revision_on(revisions, day) or (revisions[0] if revisions else None)
        if revision is None:
            self.problem(
                "no_vat_treatment",
                ProblemSeverity.ERROR,
                gettext_noop(
                    "%(product)s has no approved price revision, so its VAT treatment is unknown; %(member)s cannot "
                    "be billed for it. Approve a price for it in the catalogue."
                ),
                {"product": product.number, "member": member.name},
                member,
                product.number,
            )
            return None
        return _treatment(revision)

    def rates(self, product: Product) -> tuple[engine.RateStep, ...]:
        steps = [engine.RateStep(r.valid_from, r.unit_price) for r in self.inputs.revisions.get(product.pk, [])]
        if not steps and product.pk in self.inputs.plan_rates:
            steps = [engine.RateStep(dt.date(self.inputs.year, 1, 1), self.inputs.plan_rates[product.pk])]
        return tuple(steps)

    def no_price(self, member: Organization, product: Product, day: dt.date | None = None) -> None:
        def when() -> str:
            return texts.date_text(day) if day else str(self.inputs.year)

        self.problem(
            "no_price",
            ProblemSeverity.ERROR,
            gettext_noop(
                "%(product)s has no planned fee and no approved price on %(date)s; %(member)s cannot be billed for it."
            ),
            {"product": product.number, "date": when, "member": member.name},
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
        self, product: Product, fee: PlanCharge, segments: tuple[engine.Segment, ...]
    ) -> tuple[engine.Charge, bool]:
        """The charge of a planned fee, and whether it is a share by a key (then only presence counts)."""
        source = f"plan {self.plan_label}"
        if fee.charging.shared or not fee.quantity:
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
                basis = _("annual fee %(fee)s € (plan %(plan)s)") % {
                    "fee": texts.money(fee.fee),
                    "plan": self.plan_label,
                }
                if shared:
                    key = texts.key_text(fee.charging.key_weights)
                    basis = _("share by the key (%(key)s); %(basis)s") % {"key": key, "basis": basis}
            else:
                rates = self.rates(product)
                if not rates:
                    if _used_in(segments, self.period.start, self.period.end):
                        self.no_price(member, product)
                    continue
                charge = engine.Charge(product.number, segments, rates=rates, source="approved price revisions")
                basis = _("approved price per unit and year: %(prices)s") % {
                    "prices": "; ".join(
                        _("from %(date)s %(price)s €")
                        % {"date": texts.date_text(step.valid_from), "price": texts.price(step.rate)}
                        for step in rates[-2:]
                    )
                }
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
            detail = [
                _("instalment %(period)s (%(start)s–%(end)s), 1/%(count)s of the annual fee")
                % {
                    "period": self.period.label,
                    "start": texts.date_text(self.period.start),
                    "end": texts.date_text(self.period.end),
                    "count": self.period.count,
                },
            ]
            vat = self.vat_for(member, product, self.period.start)
            if vat is None:
                continue
            if shown is not None and product.unit != "flat":
                detail.append(_("quantity: %(quantity)s") % {"quantity": texts.quantity_text(shown, product.unit)})
            if item.active_days != self.period.days:
                detail.append(
                    _("pro rata %(days)s of %(total)s days") % {"days": item.active_days, "total": self.period.days}
                )
            detail.append(basis)
            lines.append(
                DraftLine(
                    kind=LineKind.INSTALMENT,
                    product=product,
                    name=product.name,
                    description="; ".join(detail),
                    figures=figures,
                    vat=vat,
                    period_start=self.period.start,
                    period_end=self.period.end,
                    trace=item.trace,
                    basis_quantity=shown if product.unit != "flat" else None,
                    basis_unit=product.unit if shown is not None and product.unit != "flat" else "",
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
            shared = fee is not None and fee.charging.shared
            if fee is not None and shared:
                charge = engine.Charge(
                    product.number,
                    engine.presence(segments),
                    planned_fee=engine.PlannedFee(fee.fee),
                    source=f"plan {self.plan_label}",
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
            if vat is None:
                continue
            code = engine.unit_code(product.unit)
            detail = settled.detail
            if detail is not None and detail.active_days:
                figures = engine.line_figures(
                    net=settled.actual,
                    quantity=None if shared else detail.annual_quantity,
                    code=code,
                    price=detail.single_rate,
                )
                days = engine.days_in_year(year)
                text = [_("actual fee %(year)s") % {"year": year}]
                if fee is not None and shared:
                    text.append(
                        _("share by the key (%(key)s), annual fee %(fee)s € (plan %(plan)s)")
                        % {
                            "key": texts.key_text(fee.charging.key_weights),
                            "fee": texts.money(fee.fee),
                            "plan": self.plan_label,
                        }
                    )
                elif product.unit != "flat":
                    text.append(
                        _("annual quantity %(quantity)s (Σ days × quantity %(unit_days)s / %(days)s days)")
                        % {
                            "quantity": texts.quantity_text(figures.quantity, product.unit),
                            "unit_days": texts.number(detail.unit_days),
                            "days": days,
                        }
                    )
                    if detail.single_rate is not None:
                        text.append(
                            _("approved price %(price)s € per unit and year")
                            % {"price": texts.price(detail.single_rate)}
                        )
                if detail.active_days != days:
                    text.append(_("%(active)s of %(total)s days") % {"active": detail.active_days, "total": days})
                lines.append(
                    DraftLine(
                        LineKind.ACTUAL,
                        product,
                        product.name,
                        "; ".join(text),
                        figures,
                        vat,
                        dt.date(year, 1, 1),
                        dt.date(year, 12, 31),
                        settled.trace,
                        basis_quantity=None if shared or product.unit == "flat" else figures.quantity,
                        basis_unit="" if shared or product.unit == "flat" else product.unit,
                    )
                )
            if settled.instalments:
                lines.append(
                    DraftLine(
                        LineKind.DEDUCTION,
                        product,
                        _("%(product)s less instalments %(year)s") % {"product": product.name, "year": year},
                        _("instalment invoices %(year)s for %(product)s: %(amount)s € net")
                        % {"year": year, "product": product.number, "amount": texts.money(settled.instalments)},
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
                    product.name,
                    _("service of %(date)s; %(quantity)s × %(price)s €")
                    % {
                        "date": texts.date_text(sub.start_date),
                        "quantity": texts.number(quantity),
                        "price": texts.price(revision.unit_price),
                    },
                    figures,
                    _treatment(revision),
                    sub.start_date,
                    sub.start_date,
                    (f"{quantity} × {revision.unit_price} = {quantity * revision.unit_price} → {net}",),
                    basis_quantity=quantity,
                    basis_unit=product.unit,
                )
            )
        return lines

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
