"""An approved 2026 plan (the costing `plan` fixture: RZ → AP, FV; AP-100 metered per workstation for Telgte 40
and Ahlen 110; OZ-200 shared by inhabitants), its post-calculation with actual figures, and a controller."""

import datetime as dt

import pytest

from verbund.catalog.tests.conftest import catalogue  # noqa: F401  (shared fixture)
from verbund.costing.tests.conftest import plan  # noqa: F401  (shared fixture)

ACTUAL_COSTS_CSV = (
    "cost_centre;cost_type;amount\n"
    "RZ;PERS;110.000,00\n"
    "RZ;SACH;45.000,00\n"
    "AP;PERS;84.000,00\n"
    "AP;SACH;21.000,00\n"
    "FV;PERS;30.000,00\n"
)

USAGE_CSV = (
    "ags;product;period;quantity\n05570044;AP-100;2026;45\n05570004;AP-100;2026-Q1;100\n05570004;AP-100;2026-Q2;20\n"
)


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
def approved_plan(plan, admin_user):  # noqa: F811
    from verbund.costing import services

    services.plan_version_calculate(actor=admin_user, plan=plan)
    services.plan_version_submit(actor=admin_user, plan=plan)
    services.plan_version_approve(
        actor=admin_user, plan=plan, decision_reference="ZA-2025/07", approved_on=dt.date(2025, 11, 19)
    )
    plan.refresh_from_db()
    return plan


@pytest.fixture
def closing(approved_plan, admin_user):
    from verbund.closing import services

    return services.closing_create(actor=admin_user, plan=approved_plan)


def read_csv(text, sheet):
    import io

    return sheet.read_csv(io.BytesIO(text.encode("utf-8")))


@pytest.fixture
def closing_with_actuals(closing, admin_user, registry):
    from verbund.closing import imports, services

    services.actual_costs_replace(
        actor=admin_user,
        closing=closing,
        figures=imports.parse_costs(closing, read_csv(ACTUAL_COSTS_CSV, imports.COSTS)),
    )
    services.actual_usage_replace(
        actor=admin_user, closing=closing, figures=imports.parse_usage(closing, read_csv(USAGE_CSV, imports.USAGE))
    )
    closing.refresh_from_db()
    return closing
