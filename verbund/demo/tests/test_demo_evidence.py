import datetime as dt

import pytest

from verbund.core import kpi
from verbund.core.testing.endpoints import database_state
from verbund.demo.evidence import load_demo_evidence, summary_line
from verbund.evidence.models import ControlStatus, EvidenceImport, Post
from verbund.evidence.tests.test_services import SHIPPED


@pytest.mark.skipif(not SHIPPED.is_dir(), reason="shared data not present")
def test_demo_evidence_for_citeq_2024_and_2025_is_marked_and_idempotent(registry, settings):
    settings.EVIDENCE_BSI_DATA_DIR = str(SHIPPED)
    first = load_demo_evidence()
    assert first == {"imports": 8, "catalogue": 1}
    citeq = registry["citeq"]
    assert set(Post.objects.filter(provider=citeq).values_list("year", flat=True)) == {2024, 2025}
    assert ControlStatus.objects.filter(provider=citeq, year=2025).count() == 901
    assert not Post.objects.filter(demo=False).exists() and not EvidenceImport.objects.filter(demo=False).exists()
    query = kpi.KpiQuery(provider_id=citeq.pk, period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31))
    for spec in kpi.sources():
        if spec.key.startswith("evidence."):
            assert kpi.figure(spec.key, query) is not None, spec.key
    before = database_state()
    assert load_demo_evidence() == {"imports": 0, "catalogue": 0}
    assert database_state() == before
    assert "0 imports" in summary_line({"imports": 0, "catalogue": 0})
