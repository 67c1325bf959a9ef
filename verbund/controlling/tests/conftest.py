"""A management contract of the city of Telgte with citeq (2025–2029): goal 1 with a manual KPI (social-media
posts, higher is better, target 100 ± 10), goal 2 with a computed KPI (`test.availability`, a fake source
registered per test) and a formula KPI (posts per 1,000 inhabitants … here POSTS / 2), and a controller."""

import datetime as dt
from decimal import Decimal

import pytest

from verbund.core import kpi as kpi_interface


@pytest.fixture
def controller(registry):
    from verbund.accounts.roles import Role
    from verbund.accounts.services import user_create

    return user_create(
        actor=None,
        username="carla",
        password="x-Passwort-123",
        role=Role.CONTROLLER,
        organization=registry["citeq"],
        validate_password=False,
    )


@pytest.fixture
def fake_source(monkeypatch):
    """Registers `test.availability` (0.991, cut-off 31 Dec, two records; member Telgte 0.95) for the test only."""
    monkeypatch.setattr(kpi_interface, "_REGISTRY", dict(kpi_interface._REGISTRY))
    calls = []

    @kpi_interface.register("test.availability", unit="share", label="Availability", breakdowns=("member",))
    def availability(query):
        calls.append(query)
        if query.member_id is not None:
            return kpi_interface.KpiFigure(value=Decimal("0.95"), cut_off=dt.date(query.period_end.year, 12, 31))
        return kpi_interface.KpiFigure(
            value=Decimal("0.991"),
            cut_off=dt.date(query.period_end.year, 12, 31),
            records=(
                kpi_interface.KpiRecord(label="Ausfall Mailserver", url="/outage/1/", detail="3 h"),
                kpi_interface.KpiRecord(label="Ausfall Fachverfahren", detail="1 h"),
            ),
            record_count=2,
        )

    return calls


@pytest.fixture
def contract(registry, admin_user):
    from verbund.controlling import services

    contract = services.contract_create(
        actor=admin_user,
        provider=registry["citeq"],
        city=registry["telgte"],
        name="Managementkontrakt Telgte – citeq",
        start_year=2025,
        end_year=2029,
    )
    social = services.goal_add(actor=admin_user, contract=contract, title="Social Media", text="Stärkung der Kanäle.")
    stable = services.goal_add(actor=admin_user, contract=contract, title="Stabile IT", text="Verfügbare IT.")
    posts = services.kpi_create(
        actor=admin_user,
        goal=social,
        code="POSTS",
        name="Beiträge",
        definition="Anzahl Beiträge im Jahr",
        unit="count",
        direction="higher",
        source_kind="manual",
    )
    services.kpi_create(
        actor=admin_user,
        goal=social,
        code="HALF",
        name="Halbe Beiträge",
        definition="Beiträge durch zwei",
        unit="number",
        direction="higher",
        source_kind="formula",
        formula="POSTS / 2",
    )
    avail = services.kpi_create(
        actor=admin_user,
        goal=stable,
        code="AVAIL",
        name="Verfügbarkeit",
        definition="Verfügbare Zeit / vereinbarte Servicezeit",
        unit="share",
        direction="higher",
        source_kind="computed",
        source_key="test.availability",
        breakdowns="member",
    )
    services.target_set(actor=admin_user, kpi=posts, valid_from=2025, value=Decimal(100), tolerance=Decimal(10))
    services.target_set(actor=admin_user, kpi=avail, valid_from=2025, value=Decimal("0.99"), tolerance=Decimal("0.005"))
    services.budget_set(actor=admin_user, goal=social, year=2025, amount=Decimal("12000.00"))
    services.measure_add(actor=admin_user, goal=social, text="Redaktionsplan", due_on=dt.date(2025, 6, 30))
    return contract


def kpi_of(contract, code):
    from verbund.controlling.models import Kpi

    return Kpi.objects.get(goal__contract=contract, code=code)


@pytest.fixture
def meeting(registry, admin_user):
    from django.utils import timezone

    from verbund.governance import services as governance

    committee = governance.committee_create(
        actor=admin_user, body=registry["citeq"], name="Betriebsausschuss", short_name="BA", kind="works"
    )
    return governance.meeting_schedule(
        actor=admin_user, committee=committee, name="Sitzung", start=timezone.now() + dt.timedelta(days=30)
    )
