"""The member-fee CSV protects text cells against formula injection; its amounts stay numbers."""

from django.test import Client

from verbund.catalog.models import Product
from verbund.costing import services
from verbund.costing.models import MemberFee
from verbund.costing.tests.test_views import controller  # noqa: F401  (a fixture)


def test_member_fee_csv_protects_text_cells(plan, controller, registry):  # noqa: F811
    services.plan_version_calculate(actor=controller, plan=plan)
    telgte = registry["telgte"]
    Product.objects.filter(number="AP-100").update(name="@SUM(1+1)*cmd|' /C calc'!A0")
    client = Client()
    client.force_login(controller)
    text = client.get(f"/kostenrechnung/{plan.pk}/entgelte/{telgte.pk}/export.csv").content.decode("utf-8-sig")
    line = next(line for line in text.splitlines() if line.startswith("AP-100;"))
    assert ";'@SUM(1+1)" in line
    total = sum(f.fee for f in MemberFee.objects.filter(plan=plan, member=telgte))
    assert f";{total};" in text.splitlines()[-1]  # a number, not protected
