import pytest
from django.conf import settings
from django.core.management import call_command

from verbund.accounts.models import User
from verbund.core.models import AuditEvent
from verbund.registry.keys import validate_leitweg_id
from verbund.registry.models import Agreement, AgreementParty, Organization

pytestmark = pytest.mark.skipif(not settings.GV100AD_DEFAULT_PATH.exists(), reason="shared data not present")


def test_load_demo_builds_the_federation_and_is_idempotent(db, capsys):
    call_command("load-demo")
    out = capsys.readouterr().out
    assert "Verbund-Demo-2026" in out
    counts = (
        Organization.objects.count(),
        AgreementParty.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
    )
    assert Organization.objects.filter(kind="municipality").count() == 10981

    agreement = Agreement.objects.get(reference="ÖrV citeq 2019")
    assert agreement.provider.short_name == "citeq"
    parties = AgreementParty.objects.filter(agreement=agreement).select_related("organization")
    assert parties.count() == 27  # 26 founding partners + Stadt Warendorf (accession in the governance demo)
    # the command reports the partners as the web interface counts them (issue #10: it said 26, the UI 27)
    assert "ÖrV citeq 2019 has 27 partners (26 from the start, 1 by accession decided in the committee)" in out
    assert "26 agreement parties" not in out
    kinds = {p.organization.name: p.organization.kind for p in parties}
    assert kinds["Coesfeld"] == "district" and kinds["Warendorf"] == "district"
    assert kinds["Münster, Stadt"] == "municipality"
    assert parties.get(role="host").organization.ags == "05515000"
    for party in parties:
        validate_leitweg_id(party.organization.leitweg_id)
    providers = set(Organization.objects.filter(kind="provider").values_list("short_name", flat=True))
    assert providers == {"citeq", "KAAW", "Kreis Steinfurt IT"}
    assert set(User.objects.values_list("role", flat=True)) == {
        "provider_admin",
        "controller",
        "product_manager",
        "billing_clerk",
        "member_contact",
        "committee_member",
        "auditor",
        "consolidation_analyst",
    }

    call_command("load-demo")
    assert counts == (
        Organization.objects.count(),
        AgreementParty.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
    )
