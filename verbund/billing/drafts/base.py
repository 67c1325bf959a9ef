"""The builder's state and helpers: problems in the clerk's language, VAT, rates, planned charges."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from verbund.billing import engine, texts
from verbund.billing.choices import ProblemSeverity
from verbund.billing.drafts.types import (
    Problem,
    _revision_on,
    _treatment,
)
from verbund.billing.selectors import BillingInputs
from verbund.catalog.choices import ONE_OFF_UNITS
from verbund.catalog.models import Product
from verbund.costing.selectors import PlanCharge
from verbund.orders.models import Subscription
from verbund.registry.models import Organization


class BuilderBase:
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

    def measured_usage(self, member: Organization) -> dict[int, Decimal]:
        """The member's imported actual usage of the year, for metered products of the run only (a recurring
        product billed per unit; flat and one-off products have no quantity to measure)."""
        products = self.inputs.products
        return {
            product_id: quantity
            for product_id, quantity in self.inputs.actual_usage.get(member.pk, {}).items()
            if product_id in products and products[product_id].unit not in (*ONE_OFF_UNITS, "flat")
        }

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
