"""Generic endpoint tests of the digitalisation strategy (verbund.core.testing), pages and API.

The objects are Telgte's strategy (alice is its member contact); bob of Ahlen may not open it: the municipality
is not visible to him, so every page and API operation of it answers 404 (ADR 0022). The catalogue, the product
tags and the comparison across members are for provider staff or shared reference data (see the comments).
"""

from typing import Any

from verbund.catalog.tests.conftest import catalogue  # noqa: F401  (fixture, for the product tags)
from verbund.core.testing import Bad, Endpoint, EndpointTests
from verbund.strategy.engine.maturity import RG_2020

GEBURT, EHE, KFZ_AB = "99027002012000", "99059001104000", "99036008070000"


def _strategy(ctx: Any) -> dict[str, Any]:
    """The small catalogue, a catalogue product tagged with the Eheschließung, and Telgte's Geburtsurkunde
    online with its 1.1 maturity scores (so that lists, the potential and the comparison have lines)."""
    from verbund.strategy.services import EntryData, inventory_entry_save, product_tag_add

    services = ctx.small_catalogue["services"]
    telgte = ctx.registry["telgte"]
    product = ctx.catalogue["ozg"]
    tag = product_tag_add(actor=None, product=product, leika=services[EHE])
    entry = inventory_entry_save(
        actor=None,
        organization=telgte,
        leika=services[GEBURT],
        data=EntryData(online=True, solution_kind="own", scores={"2020": dict.fromkeys(RG_2020.criteria, 2)}),
    )
    return {"services": services, "telgte": telgte, "product": product, "tag": tag, "entry": entry}


def _telgte(ctx: Any) -> dict[str, Any]:
    return {"organization_id": ctx.telgte.pk}


def _service(key: str) -> Any:
    return lambda ctx: {"organization_id": ctx.telgte.pk, "leika_id": ctx.services[key].pk}


def _small_catalogue_dir(ctx: Any) -> dict[str, Any]:
    """The catalogue import job reads the configured directory: point it at a small catalogue."""
    from verbund.strategy.tests.conftest import write_catalogue

    ctx.settings.STRATEGY_OZG_DATA_DIR = str(write_catalogue(ctx.tmp_path / "catalogue"))
    return {}


# A municipality's pages: alice opens and edits Telgte's; bob is refused with 404 (not visible to him); the
# auditor may read but not change (403 from the change permission).
TELGTE: dict[str, Any] = {"setup": _strategy, "kwargs": _telgte, "user": "alice"}
ENTRY = {"new-leika": KFZ_AB, "new-online": "on", "new-solution_kind": "efa"}
WEIGHTS = {"demand": "2", "gap": "1", "available": "1", "mandatory": "3", "effort": "1"}
ROADMAP = {"leika": EHE, "milestone": "2026-06-30", "office": "Standesamt", "status": "planned"}
VOLUME = {"leika": EHE, "year": "2025", "cases": "120", "source": "Standesamt"}


def _upload(text: str) -> Any:
    """A CSV file as a form upload (a new one per call: each test sends it once)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return lambda ctx: {"upload": "1", "file": SimpleUploadedFile("export.csv", text.encode(), "text/csv")}


DASHBOARD_CSV = "leika_key;ozgid;url;online_status;aktiv;art_flaechendeckung\n"
VOLUMES_CSV = "leika_key;year;cases;source;estimate\n"
UNKNOWN_KEY = "99999999999999"  # not in the catalogue: the row's error names it (shown with line and column)

API_ENTRY = {"online": True, "solution_kind": "catalogue", "online_since": "2025-03-01"}


def _api_entry(ctx: Any) -> dict[str, Any]:
    return {**API_ENTRY, "product_id": ctx.product.pk, "scores": {"2020": dict.fromkeys(RG_2020.criteria, 3)}}


class TestEndpoints(EndpointTests):
    endpoints = (
        # REST API
        Endpoint(
            "api:strategy_inventory_list",
            kind="list",
            shows=lambda ctx: GEBURT,
            other_status=404,  # bob may not open Telgte at all (the municipality is not visible to him)
            **TELGTE,
        ),
        Endpoint("api:strategy_inventory_get", setup=_strategy, kwargs=_service(GEBURT), user="alice"),
        Endpoint(
            "api:strategy_inventory_set",
            kind="write",
            method="PUT",
            setup=_strategy,
            kwargs=_service(EHE),
            user="alice",
            data=_api_entry,
            # the service's rule: a date in the future is refused, naming the field
            bad=Bad(lambda ctx: {**_api_entry(ctx), "online_since": "2999-01-01"}, field="online_since"),
        ),
        Endpoint("api:strategy_potential", **TELGTE),
        Endpoint(
            "api:strategy_coverage",
            setup=_strategy,
            other_status=403,  # the coverage across members is for provider staff only
        ),
        # Pages of provider staff and shared reference data
        Endpoint(
            "strategy:home",
            kind="list",
            setup=_strategy,
            shows=lambda ctx: "Telgte, Stadt",
            other_status=302,  # a member contact is sent to its own municipality's overview (Ahlen for bob)
        ),
        # The OZG/LeiKa catalogue is shared reference data: every member contact may read it.
        Endpoint("strategy:catalogue", setup=_strategy, other=None),
        Endpoint(
            "strategy:catalogue_import",
            kind="write",
            setup=_small_catalogue_dir,  # starts the import job (run at once by the test task backend)
            other_status=403,  # importing the catalogue is staff work: a member contact lacks the permission
        ),
        Endpoint(
            "strategy:comparison",
            kind="list",
            setup=_strategy,
            query={"leika": GEBURT},
            shows=lambda ctx: "Telgte, Stadt",
            other_status=403,  # the comparison across members is for provider staff only
        ),
        # Product tags are shared (a member contact may read which product implements which service).
        Endpoint("strategy:tags", kind="list", setup=_strategy, shows=lambda ctx: EHE, other=None),
        Endpoint(
            "strategy:tags",
            kind="write",
            setup=_strategy,
            data=lambda ctx: {"product": ctx.product.pk, "service": KFZ_AB},
            bad=Bad(lambda ctx: {"product": ctx.product.pk, "service": "abc"}, field="service"),
            other_status=403,  # tagging needs the tag permission, which a member contact lacks
        ),
        Endpoint(
            "strategy:tag_remove",
            kind="write",
            setup=_strategy,
            kwargs=lambda ctx: {"tag_id": ctx.tag.pk},
            read_only_status=404,  # the delete action finds no tag the auditor may delete (as for bob)
        ),
        # A municipality's strategy
        Endpoint("strategy:overview", **TELGTE),
        Endpoint("strategy:inventory", **TELGTE),
        Endpoint(
            "strategy:inventory",
            kind="write",
            data=ENTRY,
            bad=Bad({**ENTRY, "new-leika": "12345678901234"}, field="leika"),
            **TELGTE,
        ),
        Endpoint(
            "strategy:inventory",
            kind="write",
            data=_upload(DASHBOARD_CSV + f"{KFZ_AB};10002;https://kfz.example;ok;ja;EfA\n"),
            bad=Bad(
                _upload(DASHBOARD_CSV + f"{UNKNOWN_KEY};;;ok;ja;\n"), field="leika_key", message=lambda: UNKNOWN_KEY
            ),
            **TELGTE,
        ),
        Endpoint("strategy:entry_edit", setup=_strategy, kwargs=_service(GEBURT), user="alice"),
        Endpoint(
            "strategy:entry_edit",
            kind="write",
            setup=_strategy,
            kwargs=_service(EHE),
            user="alice",
            data={"online": "on", "solution_kind": "own"},
            # the service's rule (online needs a solution) comes back as the form's error
            bad=Bad({"online": "on", "solution_kind": "none"}, field="solution_kind"),
        ),
        Endpoint("strategy:potential", **TELGTE),
        Endpoint("strategy:demand", **TELGTE),
        Endpoint(
            "strategy:demand", kind="write", data=VOLUME, bad=Bad({**VOLUME, "year": "20x5"}, field="year"), **TELGTE
        ),
        Endpoint(
            "strategy:demand",
            kind="write",
            data=_upload(VOLUMES_CSV + f"{EHE};2025;95;Standesamt;ja\n"),
            bad=Bad(
                _upload(VOLUMES_CSV + f"{UNKNOWN_KEY};2025;95;Standesamt;ja\n"),
                field="leika_key",
                message=lambda: UNKNOWN_KEY,
            ),
            **TELGTE,
        ),
        Endpoint("strategy:priority", **TELGTE),
        Endpoint(
            "strategy:priority",
            kind="write",
            data=WEIGHTS,
            bad=Bad({**WEIGHTS, "demand": "500"}, field="demand"),
            **TELGTE,
        ),
        Endpoint("strategy:roadmap", **TELGTE),
        Endpoint(
            "strategy:roadmap",
            kind="write",
            data=ROADMAP,
            bad=Bad({**ROADMAP, "status": "done"}, field="done_on"),  # done needs the date (the service's rule)
            **TELGTE,
        ),
        Endpoint("strategy:strategy_pdf", **TELGTE),
    )
