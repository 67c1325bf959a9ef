"""Every demo provider bills with its own seller profile and number prefix (#14); a second run changes nothing."""

import pytest

from verbund.billing.models import SellerProfile
from verbund.demo.billing import load_demo_billing
from verbund.registry.choices import OrganizationKind as K
from verbund.registry.services import organization_create


@pytest.mark.django_db
def test_demo_seller_profiles_of_every_provider():
    organization_create(actor=None, name="citeq", short_name="citeq", kind=K.PROVIDER, land="05")
    organization_create(actor=None, name="Zweckverband KAAW", short_name="KAAW", kind=K.PROVIDER, land="05")
    organization_create(actor=None, name="Kreis Steinfurt IT", short_name="Kreis Steinfurt IT", kind=K.PROVIDER)
    holding = organization_create(actor=None, name="Holding", short_name="Münsterland IT", kind=K.HOLDING)
    organization_create(
        actor=None, name="Betrieb", short_name="Münsterland IT Betrieb", kind=K.OPERATING_COMPANY, parent=holding
    )
    assert load_demo_billing()["seller_profiles"] == 4
    prefixes = dict(SellerProfile.objects.values_list("provider__short_name", "number_prefix"))
    assert prefixes == {"citeq": "", "KAAW": "KA", "Kreis Steinfurt IT": "ST", "Münsterland IT Betrieb": "MB"}
    assert all("Demo" in p.bank_name for p in SellerProfile.objects.all())
    assert load_demo_billing()["seller_profiles"] == 0
    assert SellerProfile.objects.count() == 4
