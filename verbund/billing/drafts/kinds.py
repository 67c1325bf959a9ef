"""The lines of each kind of run: instalments, the final settlement, extras."""

import datetime as dt

from django.utils.translation import gettext as _

from verbund.billing import engine, texts
from verbund.billing.choices import LineKind
from verbund.billing.drafts.base import BuilderBase
from verbund.billing.drafts.types import (
    ZERO,
    DraftLine,
    _revision_on,
    _segments,
    _treatment,
    _used_in,
)
from verbund.catalog.choices import ONE_OFF_UNITS
from verbund.core.money import round_money
from verbund.orders.selectors import quantity_on
from verbund.registry.models import Organization


class KindLines(BuilderBase):
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
        measured = self.measured_usage(member)
        products = set(grouped) | set(invoiced) | set(measured)
        for product_id in sorted(products, key=lambda pk: self.inputs.products[pk].number):
            product = self.inputs.products[product_id]
            segments = _segments(grouped.get(product_id, []))
            fee = self.inputs.fees.get((member.pk, product_id))
            charge: engine.Charge | None
            shared = fee is not None and fee.charging.shared
            actual_quantity = None if shared else measured.get(product_id)
            if actual_quantity is not None:
                # The imported actual usage of the year replaces the contract folder's quantities.
                segments = (engine.Segment(dt.date(year, 1, 1), dt.date(year, 12, 31), actual_quantity),)
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
                source = "approved rates"
                if actual_quantity is not None:
                    source += "; actual usage of the post-calculation"
                charge = engine.Charge(product.number, segments, rates=rates, source=source)
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
                    if actual_quantity is not None:
                        text.append(_("actual usage imported with the post-calculation"))
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
