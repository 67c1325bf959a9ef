import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from verbund.core import kpi
from verbund.core.models import AuditEvent
from verbund.core.testing.endpoints import database_state
from verbund.evidence import services
from verbund.evidence.engine.oscal import CatalogueError
from verbund.evidence.models import Control, ControlCatalogue, ControlStatus
from verbund.evidence.tests.conftest import catalogue_json, import_text

pytestmark = pytest.mark.django_db
SHIPPED = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "bsi-grundschutz-kernel"
KEYS = {
    "evidence.occupancy_rate": "share",
    "evidence.time_to_fill_days": "days",
    "evidence.turnover_rate": "share",
    "evidence.home_office_share": "share",
    "evidence.sustainable_hardware_share": "share",
    "evidence.mean_service_life_years": "years",
    "evidence.security_implementation_rate": "share",
    "evidence.security_incidents": "count",
}


def _query(registry, year=2025, **kw):
    return kpi.KpiQuery(
        provider_id=registry["citeq"].pk, period_start=dt.date(year, 1, 1), period_end=dt.date(year, 12, 31), **kw
    )


def test_catalogue_import_is_idempotent_and_a_newer_one_reports_added_changed_withdrawn(db):
    first = services.catalogue_import(actor=None, data=catalogue_json(), source="t")
    assert (first.controls, first.added, first.changed, first.withdrawn) == (4, 4, 0, 0)
    nested = Control.objects.get(control_id="TST.1.1.1")
    assert (nested.parent_id, nested.group_id, nested.sec_level, nested.modal_verb) == (
        "TST.1.1",
        "TST",
        "normal-SdT",
        "SOLLTE",
    )
    before = database_state()
    assert services.catalogue_import(actor=None, data=catalogue_json(), source="t") is None
    assert database_state() == before
    newer = services.catalogue_import(
        actor=None, data=catalogue_json("2", extra=["TST.2.9"], drop=["TST.2.2"], retitle="Logging"), source="t"
    )
    assert newer.diff == {"added": ["TST.2.9"], "changed": ["TST.2.1"], "withdrawn": ["TST.2.2"]}
    assert Control.objects.get(control_id="TST.2.2").withdrawn
    assert Control.objects.get(control_id="TST.2.1").title == "Logging"
    assert ControlCatalogue.objects.first().version == "2"


def test_a_file_that_is_no_oscal_catalogue_is_refused(db):
    with pytest.raises(CatalogueError):
        services.catalogue_import(actor=None, data=b'{"catalog": {}}', source="t")
    assert not ControlCatalogue.objects.exists()


@pytest.mark.skipif(not SHIPPED.is_dir(), reason="shared data not present")
def test_the_command_imports_the_shipped_kernel_with_its_levels_and_is_idempotent(db, capsys):
    call_command("import-bsi-kernel", str(SHIPPED))
    out = capsys.readouterr().out
    assert "901 controls: 901 added" in out and "CC BY-SA 4.0" in out
    assert Control.objects.count() == 901
    assert Control.objects.filter(sec_level="normal-SdT").count() == 674
    assert Control.objects.filter(sec_level="erhöht").count() == 227
    assert Control.objects.exclude(modal_verb__in=["MUSS", "SOLLTE", "KANN"]).count() == 0
    assert Control.objects.values("group_id").distinct().count() == 14
    events = AuditEvent.objects.count()
    call_command("import-bsi-kernel", str(SHIPPED))
    assert "already imported" in capsys.readouterr().out
    assert AuditEvent.objects.count() == events


def test_every_key_is_registered_with_its_unit():
    assert {spec.key: spec.unit for spec in kpi.sources() if spec.key.startswith("evidence.")} == KEYS


def test_figures_are_none_when_nothing_was_imported(registry):
    assert all(kpi.figure(key, _query(registry)) is None for key in KEYS)


def test_figures_from_the_imported_files_with_records_linking_to_the_lists(evidence, registry):
    query = _query(registry)
    values = {key: kpi.figure(key, query).value for key in KEYS}
    assert values == {
        "evidence.occupancy_rate": Decimal("0.714286"),  # 2.5 / 3.5
        "evidence.time_to_fill_days": Decimal("81.5"),  # median of 73 and 90
        "evidence.turnover_rate": Decimal("0.4"),  # 1 leaver / ((3 + 2) / 2)
        "evidence.home_office_share": Decimal("0.666667"),  # 2 of 3 occupied
        "evidence.sustainable_hardware_share": Decimal("0.666667"),  # of three bought in 2025
        "evidence.mean_service_life_years": Decimal("6.00"),  # 2019-01-01 .. 2025-01-01
        "evidence.security_implementation_rate": Decimal("0.333333"),  # 1 of 3 applicable
        "evidence.security_incidents": Decimal(2),
    }
    rate = kpi.figure("evidence.security_implementation_rate", query)
    assert rate.record_count == 3 and "CC BY-SA 4.0" in rate.note
    assert rate.records[0].url == f"/nachweise/controls/?provider={registry['citeq'].pk}&year=2025&applicable=1"
    fill = kpi.figure("evidence.time_to_fill_days", query)
    assert [r.label for r in fill.records] == ["ST-2", "ST-4"]
    assert kpi.figure("evidence.occupancy_rate", query).cut_off <= dt.date(2025, 12, 31)
    assert kpi.figure("evidence.occupancy_rate", _query(registry, record_limit=1)).records == (
        kpi.figure("evidence.occupancy_rate", query).records[0],
    )
    # asking twice gives the same answer and writes nothing
    before = database_state()
    assert kpi.figure("evidence.turnover_rate", query) == kpi.figure("evidence.turnover_rate", query)
    assert database_state() == before
    # another period or a member breakdown: no data
    assert kpi.figure("evidence.occupancy_rate", _query(registry, year=2024)) is None
    assert kpi.figure("evidence.occupancy_rate", _query(registry, member_id=registry["telgte"].pk)) is None


def test_an_incident_file_without_incidents_is_zero_not_none(registry, admin_user):
    import_text(admin_user, registry["citeq"], "incidents", "reference;occurred_on;extent;cause\n")
    # an empty file equals "nothing there": no import is recorded, so still no data
    assert kpi.figure("evidence.security_incidents", _query(registry)) is None
    import_text(
        admin_user, registry["citeq"], "incidents", "reference;occurred_on;extent;cause\nS;2025-01-01;low;other\n"
    )
    import_text(admin_user, registry["citeq"], "incidents", "reference;occurred_on;extent;cause\n")
    assert kpi.figure("evidence.security_incidents", _query(registry)).value == 0


def test_the_replacing_service_refuses_a_member_as_provider(registry, admin_user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.evidence_replace(actor=admin_user, provider=registry["telgte"], year=2025, kind="staff", records={})
    assert not ControlStatus.objects.exists()
