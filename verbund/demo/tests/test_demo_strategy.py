import pytest

from verbund.core.models import AuditEvent
from verbund.demo.strategy import load_demo_strategy, summary_line
from verbund.strategy.models import CaseVolume, CatalogueImport, InventoryEntry, RoadmapItem
from verbund.strategy.tests.conftest import SHIPPED


@pytest.mark.skipif(not SHIPPED.is_dir(), reason="shared data not present")
def test_demo_strategy_imports_the_catalogue_marks_demo_figures_and_is_idempotent(registry, settings):
    settings.STRATEGY_OZG_DATA_DIR = str(SHIPPED)
    first = load_demo_strategy()
    assert first["catalogue_imported"] == 1
    assert CatalogueImport.objects.get().leika_keyed_count == 4813
    telgte = InventoryEntry.objects.filter(organization=registry["telgte"])
    assert telgte.count() == 2 and set(telgte.values_list("source", flat=True)) == {"demo"}
    counts = (
        AuditEvent.objects.count(),
        InventoryEntry.objects.count(),
        CaseVolume.objects.count(),
        RoadmapItem.objects.count(),
        CatalogueImport.objects.count(),
    )
    second = load_demo_strategy()
    assert second == {"catalogue_imported": 0, "tags": 0, "entries": 0, "volumes": 0, "milestones": 0}
    assert counts == (
        AuditEvent.objects.count(),
        InventoryEntry.objects.count(),
        CaseVolume.objects.count(),
        RoadmapItem.objects.count(),
        CatalogueImport.objects.count(),
    )
    assert "0 inventory entries (demo figures)" in summary_line(second)
