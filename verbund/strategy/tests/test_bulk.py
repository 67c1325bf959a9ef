"""The national inventory load (`services.bulk`): checks first, all or nothing, idempotent, audited, coverage
refreshed. On PostgreSQL (scripts/with-postgres.sh) both of its write paths run: the upsert and the rebuild of
indexes and foreign keys (forced here by a threshold of one row)."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import translation

from verbund.catalog.tests.conftest import catalogue  # noqa: F401  (fixture)
from verbund.core.models import AuditEvent
from verbund.registry.models import Organization
from verbund.strategy.choices import SolutionKind
from verbund.strategy.models import CoverageFigure, InventoryEntry
from verbund.strategy.services import bulk
from verbund.strategy.services.bulk import BulkLoadError, BulkRow, inventory_bulk_load
from verbund.strategy.services.inventory import EntryData, coverage_refresh, inventory_entry_save

GEBURT, EHE, KFZ_AB = "99027002012000", "99059001104000", "99036008070000"


@pytest.fixture(params=["upsert", "rebuild"])
def setup(request, small_catalogue, registry, catalogue, monkeypatch):  # noqa: F811
    if request.param == "rebuild":
        monkeypatch.setattr(bulk, "REBUILD_MIN_ROWS", 1)
    return {"services": small_catalogue["services"], **registry, "product": catalogue["ozg"]}


def _rows(setup, online=(GEBURT,), efa=()):
    services = setup["services"]
    return [
        BulkRow(org.pk, services[key].pk, key in online, key in efa, line=n)
        for n, (org, key) in enumerate(
            ((org, key) for org in (setup["telgte"], setup["ahlen"]) for key in (GEBURT, EHE, KFZ_AB)), 2
        )
    ]


def _state():
    entries = list(
        InventoryEntry.objects.order_by("pk").values_list(
            "pk", "online", "solution_kind", "product_id", "url", "online_since", "modified", "source"
        )
    )
    figures = list(CoverageFigure.objects.order_by("pk").values_list("pk", "organization_id", "online", "in_scope"))
    return entries, figures, AuditEvent.objects.count()


def _organization_events():
    org_type = ContentType.objects.get_for_model(Organization)
    return AuditEvent.objects.filter(content_type=org_type, message__startswith="inventory load")


def test_load_creates_entries_audits_and_refreshes_coverage(setup):
    result = inventory_bulk_load(actor=None, rows=_rows(setup, efa=(GEBURT,)))
    assert (result.rows, result.created, result.updated, result.unchanged) == (6, 6, 0, 0)
    assert result.municipalities == 2
    entry = InventoryEntry.objects.get(organization=setup["telgte"], leika=setup["services"][GEBURT])
    assert (entry.online, entry.described, entry.solution_kind, entry.source) == (True, True, "efa", "dashboard")
    assert InventoryEntry.objects.filter(online=False, solution_kind="none").count() == 4
    assert _organization_events().count() == 2
    assert "3 entries created" in _organization_events().first().message
    stored = set(CoverageFigure.objects.values_list("organization_id", "themenfeld__name", "online", "in_scope"))
    coverage_refresh()  # the ORM's figures are the reference
    assert set(CoverageFigure.objects.values_list("organization_id", "themenfeld__name", "online", "in_scope")) == (
        stored
    )
    assert (setup["telgte"].pk, "Familie & Kind", 1, 2) in stored


def test_loading_again_changes_nothing(setup):
    inventory_bulk_load(actor=None, rows=_rows(setup))
    before = _state()
    result = inventory_bulk_load(actor=None, rows=_rows(setup))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 6)
    assert result.changed_municipalities == []
    assert _state() == before


def test_update_keeps_what_the_export_does_not_know(setup):
    services, telgte = setup["services"], setup["telgte"]
    since = dt.date(2024, 5, 1)
    catalogue_solution = EntryData(
        online=True,
        solution_kind=SolutionKind.CATALOGUE,
        product=setup["product"],
        solution_name="Ehe online",
        url="https://ehe.example",
        online_since=since,
    )
    inventory_entry_save(actor=None, organization=telgte, leika=services[EHE], data=catalogue_solution)
    own = EntryData(online=True, solution_kind=SolutionKind.OWN, online_since=since)
    inventory_entry_save(actor=None, organization=telgte, leika=services[GEBURT], data=own)
    rows = _rows(setup, online=(EHE,))  # Geburtsurkunde goes offline, Ehe stays online without an address
    result = inventory_bulk_load(actor=None, rows=rows)
    assert (result.created, result.updated, result.unchanged) == (4, 1, 1)
    ehe = InventoryEntry.objects.get(organization=telgte, leika=services[EHE])
    assert (ehe.solution_kind, ehe.product, ehe.solution_name, ehe.url, ehe.online_since) == (
        SolutionKind.CATALOGUE, setup["product"], "Ehe online", "https://ehe.example", since
    )  # fmt: skip
    assert ehe.source == "manual"  # unchanged entries keep their source
    geburt = InventoryEntry.objects.get(organization=telgte, leika=services[GEBURT])
    assert (geburt.online, geburt.solution_kind, geburt.online_since, geburt.source) == (False, "none", None,
                                                                                         "dashboard")  # fmt: skip
    figure = CoverageFigure.objects.get(organization=telgte, themenfeld__name="Familie & Kind")
    assert (figure.online, figure.in_scope) == (1, 2)


def test_bad_rows_are_listed_by_line_and_nothing_is_written(setup):
    services = setup["services"]
    inventory_bulk_load(actor=None, rows=_rows(setup)[:1])
    before = _state()
    bad = [
        BulkRow(999_999, services[GEBURT].pk, True, False, line=2),
        BulkRow(setup["telgte"].pk, 999_999, True, False, line=3),
        BulkRow(setup["ahlen"].pk, services[EHE].pk, True, False, url="ftp://x", line=4),
    ]
    with pytest.raises(BulkLoadError) as exc:
        inventory_bulk_load(actor=None, rows=_rows(setup) + bad)
    assert [(e.line, e.column) for e in exc.value.errors] == [(2, "organization"), (3, "leika"), (4, "url")]
    assert _state() == before


def test_a_duplicate_is_refused_with_its_lines(setup):
    services = setup["services"]
    before = _state()
    rows = [*_rows(setup), BulkRow(setup["ahlen"].pk, services[EHE].pk, True, False, line=9)]
    with translation.override("en"), pytest.raises(BulkLoadError) as exc:
        inventory_bulk_load(actor=None, rows=rows)
    assert [(e.line, e.column) for e in exc.value.errors] == [(9, "leika")]
    assert exc.value.errors[0].message.endswith("(first in line 6).")
    assert _state() == before
    inventory_bulk_load(actor=None, rows=_rows(setup))  # the refused load left the table usable
    assert InventoryEntry.objects.count() == 6


def test_progress_is_reported(setup):
    calls = []
    inventory_bulk_load(actor=None, rows=_rows(setup), total=6, progress=lambda *a, **k: calls.append(a))
    assert calls[-1][0] == calls[-1][1]  # done at the end


HEADER = "ars;leika_key;ozgid;url;online_status;aktiv;art_flaechendeckung;leika_name\n"


def _file(tmp_path, setup, body):
    telgte, ahlen = setup["telgte"].ars, setup["ahlen"].ars
    path = tmp_path / "national.csv"
    path.write_text(HEADER + body.format(telgte=telgte, ahlen=ahlen), encoding="utf-8")
    return path


GOOD = (
    "{telgte};" + GEBURT + ";10001;https://geburt.example;ok;ja;EfA;Geburtsurkunde\n"
    "{telgte};" + EHE + ";;;nicht ok;ja;;Ehe\n"
    "{ahlen};" + KFZ_AB + ";;;ok;nein;;Kfz\n"
)


def test_national_file_through_the_job_and_again(setup, tmp_path):
    from verbund.jobs.models import Job
    from verbund.jobs.services import job_start
    from verbund.strategy.tasks import INVENTORY_NATIONAL_IMPORT, national_summary

    path = _file(tmp_path, setup, GOOD)
    job = job_start(actor=None, kind=INVENTORY_NATIONAL_IMPORT, params={"path": str(path)})
    job = Job.objects.get(pk=job.pk)
    assert (job.status, job.error) == ("succeeded", "")
    with translation.override(job.language):
        assert job.result_text == national_summary(bulk.BulkResult(rows=3, created=3, municipalities=2))
    assert job.result_url == reverse("strategy:comparison")
    assert job.progress_done == job.progress_total > 0
    geburt = InventoryEntry.objects.get(organization=setup["telgte"], leika=setup["services"][GEBURT])
    assert (geburt.online, geburt.solution_kind, geburt.url) == (True, "efa", "https://geburt.example")
    kfz = InventoryEntry.objects.get(organization=setup["ahlen"], leika=setup["services"][KFZ_AB])
    assert (kfz.online, kfz.solution_kind) == (False, "none")  # ok but not active
    before = _state()
    again = job_start(actor=None, kind=INVENTORY_NATIONAL_IMPORT, params={"path": str(path)})
    assert Job.objects.get(pk=again.pk).status == "succeeded"
    assert _state()[:2] == before[:2]  # (starting a job is audited itself)
    assert _organization_events().count() == 2


def test_national_file_with_errors_changes_nothing(setup, tmp_path):
    from django.core.management import CommandError, call_command

    body = (
        GOOD
        + (
            "000000000000;" + GEBURT + ";;;ok;ja;;x\n"  # line 5: unknown ARS
            "{ahlen};12345678901234;;;ok;ja;;x\n"  # line 6: unknown key
            "{ahlen};" + GEBURT + ";99999;;vielleicht;kaum;;x\n"  # line 7: wrong OZG id, status, aktiv
            "{telgte};" + EHE + ";;;ok;ja;;x\n"  # line 8: twice (line 3)
        )
    )
    with pytest.raises(CommandError):
        call_command("import-inventory-national", str(_file(tmp_path, setup, body)))
    assert not InventoryEntry.objects.exists()
    rows = list(bulk.national_rows(_file(tmp_path, setup, body).open(encoding="utf-8")))
    errors = [(r.line, r.column) for r in rows if not isinstance(r, BulkRow)]
    assert errors == [(5, "ars"), (6, "leika_key"), (7, "ozgid"), (7, "online_status"), (7, "aktiv")]
    with pytest.raises(BulkLoadError) as exc:
        inventory_bulk_load(actor=None, rows=[r for r in rows if isinstance(r, BulkRow)])
    assert [(e.line, e.column) for e in exc.value.errors] == [(8, "leika")]  # the duplicate, found by the load


def test_national_file_without_a_required_column(setup, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("ars;leika_key;url\n1;2;3\n", encoding="utf-8")
    rows = list(bulk.national_rows(path.open(encoding="utf-8")))
    assert [(r.line, r.column) for r in rows] == [(1, "online_status"), (1, "aktiv")]


def test_the_rebuild_restores_every_index_and_key(setup):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the rebuild is PostgreSQL's path")

    def definitions():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
                "UNION ALL SELECT indexdef FROM pg_indexes WHERE tablename = %s",
                [InventoryEntry._meta.db_table] * 2,
            )
            return sorted(row[0] for row in cursor.fetchall())

    before = definitions()
    result = inventory_bulk_load(actor=None, rows=_rows(setup))
    assert result.rebuilt == (bulk.REBUILD_MIN_ROWS == 1)
    assert definitions() == before
