"""Imports: CSV, Alertmanager webhook and Uptime Kuma history. Every bad input names its line and field and
writes nothing; importing again changes nothing."""

import copy
import datetime as dt
import io
from decimal import Decimal

import pytest

from verbund.availability import imports, services
from verbund.availability.choices import OutageSource
from verbund.availability.models import Outage
from verbund.availability.tests.conftest import CSV
from verbund.core.testing import database_state

HEADER = "product,member_ags,start,end,kind,announced_at,impact,reference\n"
GOOD = "AP-100,,2026-02-10T10:00:00+01:00,2026-02-10T12:00:00+01:00,outage,,,INC-1\n"


def read(text):
    return imports.parse_csv(imports.OUTAGES.read_csv(io.BytesIO(text.encode())))


def test_csv_import_and_reimport_changes_nothing(registry, commitments):
    rows = read(CSV)
    result = services.outages_import(actor=None, provider=registry["citeq"], source=OutageSource.CSV, rows=rows)
    assert (result.added, result.changed, result.unchanged) == (3, 0, 0)
    partial = Outage.objects.get(reference="INC-2")
    assert partial.impact == Decimal("0.500")
    assert [m.ags for m in partial.members.all()] == ["05570044"]
    assert Outage.objects.get(reference="CHG-1").kind == "maintenance"
    before = database_state()
    again = services.outages_import(actor=None, provider=registry["citeq"], source=OutageSource.CSV, rows=read(CSV))
    assert (again.added, again.changed, again.unchanged) == (0, 0, 3)
    assert database_state() == before


def test_csv_reimport_with_a_later_end_changes_that_outage(registry, commitments):
    services.outages_import(actor=None, provider=registry["citeq"], source=OutageSource.CSV, rows=read(HEADER + GOOD))
    longer = GOOD.replace("12:00:00", "13:00:00")
    result = services.outages_import(
        actor=None, provider=registry["citeq"], source=OutageSource.CSV, rows=read(HEADER + longer)
    )
    assert (result.added, result.changed) == (0, 1)
    assert Outage.objects.get().end == dt.datetime(2026, 2, 10, 12, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("line", "column"),
    [
        ("XX-1,,2026-02-10T10:00:00+01:00,2026-02-10T12:00:00+01:00,outage,,,\n", "product"),
        ("AP-100,99999999,2026-02-10T10:00:00+01:00,2026-02-10T12:00:00+01:00,outage,,,\n", "member_ags"),
        ("AP-100,,2026-02-10 10:00,2026-02-10T12:00:00+01:00,outage,,,\n", "start"),  # no time zone
        ("AP-100,,,2026-02-10T12:00:00+01:00,outage,,,\n", "start"),
        ("AP-100,,2026-02-10T10:00:00+01:00,2026-02-10T09:00:00+01:00,outage,,,\n", "end"),
        ("AP-100,,2026-02-10T10:00:00+01:00,2026-02-10T12:00:00+01:00,crash,,,\n", "kind"),
        ("AP-100,,2026-02-10T10:00:00+01:00,2026-02-10T12:00:00+01:00,maintenance,gestern,,\n", "announced_at"),
        ("AP-100,,2026-02-10T10:00:00+01:00,2026-02-10T12:00:00+01:00,outage,,1.5,\n", "impact"),
        ("AP-100,,2026-02-10T10:00:00+01:00,2026-02-10T12:00:00+01:00,outage,,0,\n", "impact"),
        ("AP-100,,0001-01-01T00:30:00+01:00,2026-02-10T12:00:00+01:00,outage,,,\n", "start"),  # would overflow
        (GOOD, "start"),  # the same outage twice
    ],
)
def test_csv_bad_line_is_named_and_nothing_is_written(registry, commitments, line, column):
    with pytest.raises(imports.OutageImportError) as error:
        read(HEADER + GOOD + line)
    assert [(e.line, e.column) for e in error.value.errors] == [(3, column)]
    assert not Outage.objects.exists()


def test_csv_without_a_required_column_is_refused(registry, commitments):
    with pytest.raises(imports.OutageImportError):
        read("product,start,end\nAP-100,2026-02-10T10:00:00+01:00,2026-02-10T12:00:00+01:00\n")


ALERTS = {
    "version": "4",
    "status": "firing",
    "receiver": "verbund",
    "alerts": [
        {
            "status": "firing",
            "labels": {"alertname": "WorkplaceDown", "product": "AP-100"},
            "annotations": {"summary": "Anmeldung gestört"},
            "startsAt": "2026-04-14T08:00:00Z",
            "endsAt": "0001-01-01T00:00:00Z",
            "fingerprint": "a1b2c3",
        }
    ],
}


def _webhook(registry, payload):
    return services.outages_import(
        actor=None,
        provider=registry["citeq"],
        source=OutageSource.ALERTMANAGER,
        rows=imports.parse_alertmanager(payload),
    )


def test_alertmanager_firing_then_resolved_then_repeated(registry, commitments):
    assert _webhook(registry, ALERTS).added == 1
    outage = Outage.objects.get()
    assert outage.end is None and outage.reference == "Anmeldung gestört"
    assert _webhook(registry, ALERTS).unchanged == 1  # repeated notification
    resolved = copy.deepcopy(ALERTS)
    resolved["alerts"][0].update(status="resolved", endsAt="2026-04-14T09:30:00Z")
    assert _webhook(registry, resolved).changed == 1
    outage.refresh_from_db()
    assert outage.end == dt.datetime(2026, 4, 14, 9, 30, tzinfo=dt.UTC)
    before = database_state()
    assert _webhook(registry, resolved).unchanged == 1
    assert database_state() == before
    again = copy.deepcopy(ALERTS)
    again["alerts"][0]["startsAt"] = "2026-04-15T08:00:00Z"  # the same alert firing again later: a new outage
    assert _webhook(registry, again).added == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"labels": {"alertname": "X"}}, "labels.product"),
        ({"labels": {"product": "AP-100", "member_ags": "1"}}, "labels.member_ags"),
        ({"labels": {"product": "AP-100", "kind": "boom"}}, "labels.kind"),
        ({"labels": {"product": "AP-100", "impact": "2"}}, "labels.impact"),
        ({"startsAt": "gestern"}, "startsAt"),
        ({"fingerprint": ""}, "fingerprint"),
        ({"status": "resolved"}, "endsAt"),
        ({"status": "resolved", "endsAt": "2026-04-14T07:00:00Z"}, "end"),
    ],
)
def test_alertmanager_bad_alert_is_named(registry, commitments, change, field):
    payload = copy.deepcopy(ALERTS)
    payload["alerts"].insert(0, copy.deepcopy(ALERTS["alerts"][0]) | {"fingerprint": "ok"})
    payload["alerts"][1].update(change)
    with pytest.raises(imports.OutageImportError) as error:
        imports.parse_alertmanager(payload)
    assert [(e.line, e.column) for e in error.value.errors] == [(2, field)]


def test_alertmanager_body_without_alerts(registry):
    with pytest.raises(imports.OutageImportError) as error:
        imports.parse_alertmanager({"status": "firing"})
    assert error.value.errors[0].column == "alerts"


KUMA = {
    "heartbeatList": {
        "1": [
            {"status": 1, "time": "2026-05-04 07:58:00.000"},
            {"status": 0, "time": "2026-05-04 08:00:00.000"},
            {"status": 0, "time": "2026-05-04 08:01:00.000"},
            {"status": 2, "time": "2026-05-04 08:02:00.000"},
            {"status": 1, "time": "2026-05-04 08:45:00.000"},
            {"status": 0, "time": "2026-05-05 10:00:00.000"},
        ],
        "9": [{"status": 0, "time": "2026-05-04 08:00:00.000"}],
    }
}


def test_uptime_kuma_runs_of_down_beats_become_outages(registry, commitments):
    rows = imports.parse_uptime_kuma(KUMA, imports.parse_monitor_products("1=AP-100"))
    assert [(r.start, r.end) for r in rows] == [
        (dt.datetime(2026, 5, 4, 8, tzinfo=dt.UTC), dt.datetime(2026, 5, 4, 8, 45, tzinfo=dt.UTC)),
        (dt.datetime(2026, 5, 5, 10, tzinfo=dt.UTC), None),
    ]
    services.outages_import(actor=None, provider=registry["citeq"], source=OutageSource.UPTIME_KUMA, rows=rows)
    before = database_state()
    rows = imports.parse_uptime_kuma(KUMA, imports.parse_monitor_products("1=AP-100"))
    result = services.outages_import(actor=None, provider=registry["citeq"], source=OutageSource.UPTIME_KUMA, rows=rows)
    assert result.unchanged == 2
    assert database_state() == before


@pytest.mark.parametrize(
    ("payload", "mapping", "line", "field"),
    [
        (
            {"heartbeatList": {"1": [{"status": 7, "time": "2026-05-04 08:00:00"}]}},
            "1=AP-100",
            1,
            "heartbeatList.1.status",
        ),
        ({"heartbeatList": {"1": [{"status": 0, "time": "morgen"}]}}, "1=AP-100", 1, "heartbeatList.1.time"),
        ({"heartbeatList": {"1": [{"status": 0, "time": "2026-05-04 08:00:00"}]}}, "1=XX-1", 1, "monitor_products"),
        ({"heartbeatList": {"1": "none"}}, "1=AP-100", 1, "heartbeatList.1"),
        ({"monitors": []}, "1=AP-100", 1, "heartbeatList"),
    ],
)
def test_uptime_kuma_bad_input_is_named(registry, commitments, payload, mapping, line, field):
    with pytest.raises(imports.OutageImportError) as error:
        imports.parse_uptime_kuma(payload, imports.parse_monitor_products(mapping))
    assert [(e.line, e.column) for e in error.value.errors] == [(line, field)]


def test_monitor_mapping_must_name_pairs():
    with pytest.raises(imports.OutageImportError) as error:
        imports.parse_monitor_products("1=AP-100, 2")
    assert error.value.errors[0].column == "monitor_products"
