"""Transfer fixtures: citeq's catalogue (AP-100, OZ-200), an operating company with its own agreement, a
committee of each, subscriptions of Telgte and Ahlen, and product managers of both providers and of a third."""

import datetime as dt
from decimal import Decimal

import pytest

from verbund.catalog.tests.conftest import catalogue  # noqa: F401  (shared fixture)

PASSWORD = "correct horse battery staple"


def subscribe(member, product, start, quantities, end=None):
    from verbund.orders.models import Subscription, SubscriptionQuantity

    sub = Subscription.objects.create(member=member, product=product, start_date=start, end_date=end)
    for valid_from, quantity in quantities:
        SubscriptionQuantity.objects.create(subscription=sub, valid_from=valid_from, quantity=Decimal(quantity))
    return sub


@pytest.fixture
def setup(registry, catalogue, alice, bob, admin_user):  # noqa: F811
    from verbund.accounts.services import user_create
    from verbund.governance import services as governance
    from verbund.registry.choices import OrganizationKind as K
    from verbund.registry.services import agreement_accession_record, agreement_create, organization_create

    opco = organization_create(
        actor=None,
        name="Münsterland IT Betriebsgesellschaft mbH",
        short_name="Münsterland IT Betrieb",
        kind=K.OPERATING_COMPANY,
        land="05",
    )
    kaaw = organization_create(actor=None, name="KAAW", short_name="KAAW", kind=K.PROVIDER, land="05")
    agreement = agreement_create(
        actor=None, name="Vertrag Betriebsgesellschaft", provider=opco, valid_from=dt.date(2025, 1, 1)
    )
    for member in (registry["telgte"], registry["ahlen"]):
        agreement_accession_record(actor=None, agreement=agreement, organization=member, joined_on=dt.date(2025, 1, 1))
    za = governance.committee_create(
        actor=None, body=registry["citeq"], name="Zentralausschuss", short_name="ZA", kind="central"
    )
    gv = governance.committee_create(
        actor=None, body=opco, name="Gesellschafterversammlung", short_name="GV", kind="central"
    )
    advisory = governance.committee_create(
        actor=None, body=registry["citeq"], name="Arbeitsausschuss", short_name="AA", kind="working", advisory=True
    )

    def user(name, role, org):
        return user_create(
            actor=None, username=name, password=PASSWORD, role=role, organization=org, validate_password=False
        )

    workplace = catalogue["workplace"]
    subs = {
        "telgte": subscribe(
            registry["telgte"],
            workplace,
            dt.date(2026, 1, 1),
            [(dt.date(2026, 1, 1), "10"), (dt.date(2026, 9, 1), "12")],
        ),
        "ahlen": subscribe(registry["ahlen"], workplace, dt.date(2026, 3, 1), [(dt.date(2026, 3, 1), "4")]),
        "ended": subscribe(
            registry["ahlen"],
            catalogue["ozg"],
            dt.date(2026, 1, 1),
            [(dt.date(2026, 1, 1), "1")],
            end=dt.date(2026, 3, 31),
        ),
    }
    return {
        **registry,
        **catalogue,
        "opco": opco,
        "kaaw": kaaw,
        "opco_agreement": agreement,
        "za": za,
        "gv": gv,
        "advisory": advisory,
        "subs": subs,
        "pm_citeq": user("pm_citeq", "product_manager", registry["citeq"]),
        "pm_opco": user("pm_opco", "product_manager", opco),
        "pm_kaaw": user("pm_kaaw", "product_manager", kaaw),
        "admin": admin_user,
        "alice": alice,
        "bob": bob,
    }


@pytest.fixture
def proposed(setup):
    from verbund.transfers import services

    return services.transfer_create(
        actor=setup["pm_opco"],
        from_provider=setup["citeq"],
        to_provider=setup["opco"],
        effective_date=dt.date(2026, 7, 1),
        products=[setup["workplace"]],
        prices={setup["workplace"].pk: Decimal("1260.00")},
        bodies=[setup["za"], setup["gv"]],
        submit=True,
    )


@pytest.fixture
def adopted(setup, proposed):
    from verbund.transfers import services

    services.transfer_body_adopt(
        actor=None,
        transfer=proposed,
        committee=setup["za"],
        decision_reference="ZA-2026-004",
        adopted_on=dt.date(2026, 5, 10),
    )
    return services.transfer_body_adopt(
        actor=None,
        transfer=proposed,
        committee=setup["gv"],
        decision_reference="GV-2026-001",
        adopted_on=dt.date(2026, 5, 20),
    )
