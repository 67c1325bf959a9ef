"""A small OSCAL catalogue (four controls in two subgroups of one group, one nested), citeq's evidence of 2025
imported from the files below, and a controller (carla)."""

import io
import json

import pytest

STAFF_CSV = (
    "post;title;unit;planned_fte;filled_fte;advertised_on;started_on;left_on;telework\n"
    "ST-1;Systemadministration;RZ;1;1;;;;ja\n"
    "ST-2;Netzwerk;RZ;1;1;01.02.2025;15.04.2025;;nein\n"
    "ST-3;Service Desk;SD;1;0;2025-10-01;;2025-09-30;nein\n"
    "ST-4;Entwicklung;DEV;0,5;0,5;2025-03-01;2025-05-30;;ja\n"
)
ASSETS_CSV = (
    "asset;device;purchased_on;retired_on;eco_label;warranty_years\n"
    "A-1;Notebook;2025-03-01;;blauer_engel;3\n"
    "A-2;Monitor;2025-04-01;;none;1\n"
    "A-3;Server;2019-01-01;2025-01-01;tco;5\n"
    "A-4;PC;2025-06-01;;refurbished;1\n"
)
CONTROLS_CSV = "control;status;note\nTST.1.1;implemented;\nTST.1.1.1;partly;\nTST.2.1;not;\nTST.2.2;not_applicable;\n"
INCIDENTS_CSV = (
    "reference;occurred_on;solved_on;extent;cause;description\n"
    "SV-1;2025-02-03;2025-02-04;low;malware;Virenfund\n"
    "SV-2;2025-07-01;;high;attack;Phishing\n"
)
FILES = {"staff": STAFF_CSV, "assets": ASSETS_CSV, "controls": CONTROLS_CSV, "incidents": INCIDENTS_CSV}


def control(cid, title, level="normal-SdT", verb="SOLLTE", children=()):
    return {
        "id": cid,
        "title": title,
        "class": "BSI-Stand-der-Technik-Kernel",
        "props": [{"name": "sec_level", "value": level}, {"name": "effort_level", "value": "2"}],
        "parts": [
            {"id": f"{cid}_stm", "name": "statement", "props": [{"name": "modal_verb", "value": verb}], "prose": title},
        ],
        **({"controls": list(children)} if children else {}),
    }


def catalogue_json(version="1", *, extra=(), drop=(), retitle=None):
    groups = [
        {
            "id": "TST",
            "title": "Testgruppe",
            "groups": [
                {
                    "id": "TST.1",
                    "title": "Grundlagen",
                    "controls": [
                        control("TST.1.1", "Regelung", verb="MUSS", children=[control("TST.1.1.1", "Dokumentation")])
                    ],
                },
                {
                    "id": "TST.2",
                    "title": "Betrieb",
                    "controls": [
                        control("TST.2.1", retitle or "Protokollierung", level="erhöht"),
                        control("TST.2.2", "Überwachung", level="erhöht", verb="KANN"),
                        *[control(cid, f"Neu {cid}") for cid in extra],
                    ],
                },
            ],
        }
    ]
    for group in groups[0]["groups"]:
        group["controls"] = [c for c in group["controls"] if c["id"] not in drop]
    return json.dumps(
        {"catalog": {"uuid": "x", "metadata": {"title": "Test Kernel", "version": version}, "groups": groups}}
    ).encode()


def read(kind, text):
    from verbund.evidence import imports

    return imports.SHEETS[kind].read_csv(io.BytesIO(text.encode("utf-8")))


def import_text(actor, provider, kind, text, year=2025, name="datei.csv"):
    from verbund.evidence import imports, services

    records = imports.parse(kind, read(kind, text), year=year)
    return services.evidence_replace(
        actor=actor, provider=provider, year=year, kind=kind, records=records, file_name=name
    )


@pytest.fixture
def controller(registry):
    from verbund.accounts.roles import Role
    from verbund.accounts.services import user_create

    return user_create(
        actor=None,
        username="carla",
        password="x-Passwort-123",
        role=Role.CONTROLLER,
        organization=registry["citeq"],
        validate_password=False,
    )


@pytest.fixture
def kernel(db):
    from verbund.evidence import services

    return services.catalogue_import(actor=None, data=catalogue_json(), source="test")


@pytest.fixture
def evidence(registry, admin_user, kernel):
    citeq = registry["citeq"]
    return {kind: import_text(admin_user, citeq, kind, text) for kind, text in FILES.items()}
