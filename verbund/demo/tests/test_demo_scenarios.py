"""The Münsterland consolidation demo on the minimal federation: portfolios, four calculated scenarios, one
published; loading twice changes nothing."""

from decimal import Decimal

from verbund.core.models import AuditEvent
from verbund.demo.scenarios import ITEMS, SCENARIOS, load_demo_scenarios
from verbund.demo.tests.test_demo_catalogue import federation  # noqa: F401  (shared fixture)
from verbund.registry.choices import OrganizationKind as K
from verbund.registry.services import organization_create
from verbund.scenarios.models import PortfolioItem, PortfolioUsage, Scenario, ScenarioMemberFee, StaffPosition


def _counts():
    return (
        PortfolioItem.objects.count(),
        PortfolioUsage.objects.count(),
        Scenario.objects.count(),
        ScenarioMemberFee.objects.count(),
        AuditEvent.objects.count(),
    )


def _positions():
    return sorted(StaffPosition.objects.values_list("provider_id", "reference", "pay_group", "fte", "retirement_year"))


def test_demo_scenarios_are_calculated_and_idempotent(federation):  # noqa: F811
    borken = organization_create(actor=None, name="Kreis Borken", kind=K.DISTRICT, ags="05554", population=370000)
    organization_create(
        actor=None,
        name="Ahaus, Stadt",
        kind=K.MUNICIPALITY,
        ags="05554004",
        ars="055540004004",
        parent=borken,
        population=39800,
    )
    result = load_demo_scenarios()
    assert result == {"items": len(ITEMS), "scenarios": len(SCENARIOS), "agenda_items": 0}  # no ZA meeting here
    scenarios = list(Scenario.objects.order_by("id"))
    assert len(scenarios) == 4 and all(s.calculated_at for s in scenarios)
    assert [s.status for s in scenarios].count("published") == 1
    holding = next(s for s in scenarios if s.kind == "holding")
    assert holding.status == "published" and holding.npv > Decimal(0)
    assert ScenarioMemberFee.objects.filter(scenario=holding, member__name="Ahaus, Stadt").exists()
    nucleus = next(s for s in scenarios if s.kind == "variant")
    first_year = {
        short: min(m.year for m in nucleus.moves.all() if m.item.provider.short_name == short)
        for short in ("citeq", "KAAW", "Kreis Steinfurt IT")
    }
    assert first_year == {"citeq": 2030, "KAAW": 2032, "Kreis Steinfurt IT": 2034}  # providers join the nucleus
    assert max(m.year for m in nucleus.moves.all()) == 2040
    # Staff per person: generated from the items' FTE, so the item FTE (which the engine reads) are unchanged
    planned = {code: (Decimal(fte), Decimal(civil)) for _s, code, *_rest, fte, civil in ITEMS}
    for item in PortfolioItem.objects.all():
        assert (item.fte, item.civil_servant_fte) == planned[item.code]
        positions = list(StaffPosition.objects.filter(item=item))
        assert sum((p.fte for p in positions), Decimal(0)) == item.fte
        assert all(Decimal(0) < p.fte <= 1 and 2026 <= p.retirement_year <= 2050 for p in positions)
    assert StaffPosition.objects.values("provider").distinct().count() == 3
    positions = _positions()
    counts = _counts()
    assert load_demo_scenarios() == {"items": 0, "scenarios": 0, "agenda_items": 0}
    assert _counts() == counts
    assert _positions() == positions
