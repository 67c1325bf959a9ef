"""Figures that billing offers to the controlling app (issue #15, `verbund.core.kpi`): the net amount invoiced in
a period, credit notes subtracted, per provider and optionally per member. Read-only."""

from decimal import Decimal

from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext_noop

from verbund.billing.choices import InvoiceStatus, InvoiceType
from verbund.billing.models import Invoice
from verbund.core.kpi import KpiFigure, KpiQuery, KpiRecord, register


@register("billing.invoiced_net_eur", unit="eur", label=gettext_noop("Net amount invoiced"), breakdowns=("member",))
def invoiced_net_eur(query: KpiQuery) -> KpiFigure | None:
    invoices = Invoice.objects.filter(
        provider_id=query.provider_id,
        status=InvoiceStatus.ISSUED,
        issue_date__gte=query.period_start,
        issue_date__lte=query.period_end,
    )
    if query.member_id is not None:
        invoices = invoices.filter(member_id=query.member_id)
    sums = {
        row["type_code"]: row["net"] or Decimal(0)
        for row in invoices.values("type_code").annotate(net=Sum("net_total")).order_by()
    }
    if not sums:
        return None
    total = sums.get(InvoiceType.INVOICE, Decimal(0)) - sums.get(InvoiceType.CREDIT_NOTE, Decimal(0))
    newest = invoices.order_by("-issue_date").values_list("issue_date", flat=True).first()
    rows = invoices.select_related("member").order_by("-net_total", "number")[: query.record_limit]
    records = tuple(
        KpiRecord(
            label=f"{invoice.number} {invoice.member.name}",
            url=reverse("billing:invoice_detail", args=[invoice.pk]),
            detail=f"{invoice.net_total} EUR",
        )
        for invoice in rows
    )
    assert newest is not None
    return KpiFigure(value=total, cut_off=newest, records=records, record_count=invoices.count())
