"""Generic endpoint tests of the evidence app (verbund.core.testing), API and pages.

The evidence is the provider's internal record: a member contact (bob) has no evidence permission at all and gets
403 on every list, page and write (members do not see provider staff records). The auditor reads everything and
writes nothing (403). Controllers (carla) and provider administrators import.
"""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _

from verbund.core.testing import Bad, Endpoint, EndpointTests
from verbund.evidence.tests.conftest import STAFF_CSV, catalogue_json

STAFF_ROWS = [
    {"post": "ST-7", "title": "Datenschutz", "planned_fte": "1", "filled_fte": "1", "telework": "ja"},
]


def _provider_year(ctx):
    return {"provider": ctx.registry["citeq"].pk, "year": 2025}


def _api_query(ctx):
    return {"provider_id": ctx.registry["citeq"].pk, "year": 2025}


def _upload(text: str, name: str = "stellen.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def _evidence(ctx):
    ctx.request("evidence")
    return {}


def _import_id(ctx):
    return {"import_id": ctx.evidence["staff"].pk}


def _shipped_dir(ctx):
    directory = ctx.tmp_path / "bsi"
    directory.mkdir()
    (directory / "BSI-Stand-der-Technik-Kernel-catalog.json").write_bytes(catalogue_json("9", extra=["TST.2.8"]))
    ctx.settings.EVIDENCE_BSI_DATA_DIR = str(directory)
    ctx.request("kernel")
    return {}


READ: dict[str, Any] = {"setup": _evidence, "other_status": 403}
API_WRITE: dict[str, Any] = {"kind": "write", "other_status": 403, "user": "controller"}
PAGE_WRITE: dict[str, Any] = {"kind": "write", "other_status": 403, "user": "controller"}


class TestEndpoints(EndpointTests):
    endpoints = (
        # REST API
        Endpoint("api:posts_list", kind="list", query=_api_query, shows=lambda ctx: "Netzwerk", **READ),
        Endpoint("api:assets_list", kind="list", query=_api_query, shows=lambda ctx: "A-3", **READ),
        Endpoint("api:controls_list", kind="list", query=_api_query, shows=lambda ctx: "TST.2.1", **READ),
        Endpoint("api:incidents_list", kind="list", query=_api_query, shows=lambda ctx: "Phishing", **READ),
        Endpoint(
            "api:evidence_import",
            kwargs=lambda ctx: {"kind": "staff"},
            data=lambda ctx: {**_api_query(ctx), "rows": STAFF_ROWS},
            bad=Bad(
                lambda ctx: {**_api_query(ctx), "rows": [{**STAFF_ROWS[0], "filled_fte": "2"}]}, field="filled_fte"
            ),
            **API_WRITE,
        ),
        # Pages
        Endpoint("evidence:home", query=_provider_year, **READ),
        Endpoint("evidence:import_detail", kwargs=_import_id, other_status=403),
        Endpoint("evidence:post_list", kind="list", query=_provider_year, shows=lambda ctx: "Netzwerk", **READ),
        Endpoint("evidence:asset_list", kind="list", query=_provider_year, shows=lambda ctx: "A-3", **READ),
        Endpoint("evidence:control_list", kind="list", query=_provider_year, shows=lambda ctx: "TST.2.1", **READ),
        Endpoint("evidence:incident_list", kind="list", query=_provider_year, shows=lambda ctx: "Phishing", **READ),
        Endpoint("evidence:catalogue", kind="list", setup=_evidence, shows=lambda ctx: "TST.1.1.1", other_status=403),
        Endpoint(
            "evidence:import",
            data=lambda ctx: {**_provider_year(ctx), "kind": "staff", "file": _upload(STAFF_CSV)},
            bad=Bad(
                lambda ctx: {**_provider_year(ctx), "kind": "staff", "file": _upload(STAFF_CSV, "stellen.pdf")},
                field="file",
                message=lambda: _("Upload a CSV file or an Excel workbook (.xlsx)."),
            ),
            bad_status=302,
            **PAGE_WRITE,
        ),
        Endpoint("evidence:catalogue_import", setup=_shipped_dir, **PAGE_WRITE),
    )
