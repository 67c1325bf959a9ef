"""A small consolidation case on the shared registry fixture: citeq (own unit of Telgte) and KAAW, each with
two portfolio items used by Telgte and Ahlen, and the users of the roles that matter here."""

from decimal import Decimal as D

import pytest

from verbund.accounts.roles import Role
from verbund.registry.choices import OrganizationKind as K
from verbund.registry.services import organization_create
from verbund.scenarios.choices import Direction, ItemCategory, LegalForm, TaskScheme
from verbund.scenarios.models import Criterion, PortfolioItem, PortfolioUsage, ProviderProfile


@pytest.fixture
def world(registry):
    citeq = registry["citeq"]
    kaaw = organization_create(actor=None, name="Zweckverband KAAW", short_name="KAAW", kind=K.PROVIDER, land="05")
    ProviderProfile.objects.create(provider=citeq, legal_form=LegalForm.OWN_UNIT, host=registry["telgte"])
    ProviderProfile.objects.create(
        provider=kaaw,
        legal_form=LegalForm.ASSOCIATION,
        owners=[{"authority": registry["ahlen"].pk, "share": "1", "seats": 1}],
    )
    items = {}
    for provider, code, task, category, cost in [
        (citeq, "CQ-DC", "CAP-DC", ItemCategory.INFRASTRUCTURE, "100000"),
        (citeq, "CQ-REG", "CAP-REG", ItemCategory.PROCEDURE, "50000"),
        (kaaw, "KA-DC", "CAP-DC", ItemCategory.INFRASTRUCTURE, "80000"),
        (kaaw, "KA-FIN", "CAP-FIN", ItemCategory.PROCEDURE, "40000"),
    ]:
        item = PortfolioItem.objects.create(
            provider=provider,
            code=code,
            name=code,
            task_scheme=TaskScheme.CAPABILITY,
            task_key=task,
            task_name=task,
            category=category,
            annual_cost=D(cost),
            fte=D(2),
            civil_servant_fte=D(1),
        )
        items[code] = item
        for member, key in ((registry["telgte"], 20222), (registry["ahlen"], 53348)):
            PortfolioUsage.objects.create(item=item, member=member, key_value=D(key))
    Criterion.objects.create(name="Kosten", weight=D(3), direction=Direction.BENEFIT)
    Criterion.objects.create(name="Steuerung", weight=D(1), direction=Direction.BENEFIT)
    return {**registry, "kaaw": kaaw, "items": items}


@pytest.fixture
def analyst(world, password):
    from verbund.accounts.services import user_create

    return user_create(
        actor=None,
        username="arne",
        password=password,
        role=Role.CONSOLIDATION_ANALYST,
        organization=world["citeq"],
        validate_password=False,
    )
