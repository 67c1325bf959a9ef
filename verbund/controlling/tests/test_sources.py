"""The figures that billing and closing offer through verbund.core.kpi (their kpis.py, registered in ready()):
values, cut-off dates and drill-down records, and "no data yet" (None) for a year without data."""

import datetime as dt
from decimal import Decimal

from verbund.billing.tests.conftest import members, seller  # noqa: F401  (shared fixtures)
from verbund.catalog.tests.conftest import catalogue  # noqa: F401
from verbund.closing.tests.conftest import approved_plan, closing, closing_with_actuals  # noqa: F401
from verbund.core.kpi import KpiQuery, figure
from verbund.costing.tests.conftest import plan  # noqa: F401


def _query(registry, year, member=None):
    return KpiQuery(
        provider_id=registry["citeq"].pk,
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
        member_id=member.pk if member is not None else None,
    )


def test_billing_invoiced_net_per_provider_and_member(registry, approved_plan, seller, members):  # noqa: F811
    from verbund.billing.services import billing_run_issue, billing_run_prepare

    assert figure("billing.invoiced_net_eur", _query(registry, 2026)) is None  # nothing issued yet
    run = billing_run_issue(
        actor=None,
        run=billing_run_prepare(
            actor=None,
            provider=registry["citeq"],
            kind="instalment",
            year=2026,
            period=1,
            billing_date=dt.date(2026, 1, 5),
        ),
    )
    invoices = list(run.invoices.all())
    total = figure("billing.invoiced_net_eur", _query(registry, 2026))
    assert total.value == sum(i.net_total for i in invoices)
    assert total.record_count == len(invoices) and total.cut_off == dt.date(2026, 1, 5)
    assert total.records[0].url.startswith("/")
    telgte = figure("billing.invoiced_net_eur", _query(registry, 2026, registry["telgte"]))
    assert telgte.value == sum(i.net_total for i in invoices if i.member_id == registry["telgte"].pk)
    assert figure("billing.invoiced_net_eur", _query(registry, 2025)) is None


def test_closing_cost_recovery_from_the_approved_post_calculation(registry, closing_with_actuals, admin_user):  # noqa: F811
    from verbund.closing import services
    from verbund.closing.models import ProductOutcome

    services.closing_calculate(actor=admin_user, closing=closing_with_actuals)
    assert figure("closing.cost_recovery_share", _query(registry, 2026)) is None  # a draft is no figure yet
    services.closing_approve(
        actor=admin_user, closing=closing_with_actuals, decision_reference="JA 2026", approved_on=dt.date(2027, 6, 30)
    )
    result = figure("closing.cost_recovery_share", _query(registry, 2026))
    outcomes = ProductOutcome.objects.filter(closing=closing_with_actuals)
    expected = sum(o.revenue for o in outcomes) / sum(o.actual_cost for o in outcomes)
    assert result.value == expected.quantize(Decimal("0.0001"))
    assert (result.cut_off, result.record_count) == (dt.date(2027, 6, 30), outcomes.count())
    assert figure("closing.cost_recovery_share", _query(registry, 2025)) is None
