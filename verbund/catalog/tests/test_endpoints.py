"""Generic endpoint tests of the catalogue (verbund.core.testing), API and pages.

The catalogue is shared by all members: a member contact sees active products, approved prices and approved
catalogue versions, never drafts. So "another member cannot see it" is checked on the draft product XX-900 and
a draft catalogue version (404, or absent from lists), and on writes (a member contact may not change the
catalogue: 403).
"""

import io
from typing import Any

from django.utils.translation import gettext as _

from verbund.core.testing import Bad, Endpoint, EndpointTests


def _draft_product(ctx):
    return {"product_id": ctx.catalogue["draft"].pk}


def _draft_version(status="draft"):
    """A 2027 catalogue version of citeq, taken to `status` (draft, composed or proposed)."""

    def setup(ctx):
        from verbund.catalog import services

        ctx.request("catalogue")  # the products and 2026 prices that composing takes over
        version = services.catalogue_version_create(
            actor=None, provider=ctx.registry["citeq"], year=2027, name="Katalog 2027"
        )
        if status in ("composed", "proposed"):
            services.catalogue_version_compose(actor=None, version=version)
        if status == "proposed":
            services.catalogue_version_propose(actor=None, version=version)
        return {"version": version}

    return setup


def _version(ctx):
    return {"version_id": ctx.version.pk}


def _csv_upload(ctx, broken=False):
    from verbund.catalog import spreadsheet
    from verbund.catalog.selectors import product_list

    text = io.StringIO()
    rows = spreadsheet.export_rows(product_list(user=ctx.admin_user), 2026, ctx.catalogue["version"].items.none())
    spreadsheet.write_csv(rows, text)
    content = text.getvalue()
    if broken:
        content = content.replace(";workstation;", ";planet;")
    upload = io.BytesIO(content.encode("utf-8"))
    upload.name = "katalog.csv"
    return upload


def _transition_refused():
    from verbund.catalog.choices import ProductStatus

    return _("A product cannot go from %(old)s to %(new)s.") % {"old": ProductStatus.DRAFT.label, "new": "planet"}


CATALOGUE: dict[str, Any] = {"setup": lambda ctx: {"catalogue": ctx.catalogue}}
WRITE: dict[str, Any] = {"kind": "write", "other_status": 403}  # a member contact may not change the catalogue
VERSION_ACTION: dict[str, Any] = {
    "kind": "write",
    "other_status": 404,
}  # a draft version is invisible to a member contact


class TestEndpoints(EndpointTests):
    endpoints = (
        # REST API
        Endpoint("api:products_list", kind="list", shows=lambda ctx: "XX-900", **CATALOGUE),
        Endpoint("api:products_get", kwargs=_draft_product, **CATALOGUE),
        Endpoint("api:prices_for_year", query={"year": 2026}, user="alice", other=None, **CATALOGUE),  # shared
        Endpoint(
            "api:product_preview",
            kwargs=lambda ctx: {"product_id": ctx.catalogue["workplace"].pk},
            query=lambda ctx: {"member_id": ctx.registry["telgte"].pk, "quantity": "3"},
            user="alice",  # bob asking for Telgte's fee: Telgte is invisible to him
            **CATALOGUE,
        ),
        # Pages
        Endpoint("catalog:catalogue", kind="list", user="alice", other=None, **CATALOGUE),  # shared, active only
        Endpoint("catalog:product_detail", kwargs=_draft_product, **CATALOGUE),
        Endpoint("catalog:version_list", kind="list", shows=lambda ctx: "Katalog 2027", setup=_draft_version()),
        Endpoint("catalog:version_detail", kwargs=_version, setup=_draft_version()),
        Endpoint("catalog:export_csv", kind="list", query={"year": 2026}, shows=lambda ctx: "XX-900", **CATALOGUE),
        Endpoint("catalog:export_xlsx", query={"year": 2026}, **CATALOGUE, other=None),  # same rows as the CSV
        Endpoint("catalog:import", other_status=403, **CATALOGUE),
        Endpoint(
            "catalog:import",
            data=lambda ctx: {"file": _csv_upload(ctx), "dry_run": "on"},
            bad=Bad({"dry_run": "on"}, field="file"),
            changes=False,  # a dry run: checks every row and shows what would change
            status=200,
            **WRITE,
            **CATALOGUE,
        ),
        Endpoint(
            "catalog:product_transition",
            kwargs=_draft_product,
            data={"to": "proposed"},
            bad=Bad({"to": "planet"}, field="to", message=_transition_refused),
            bad_status=302,
            **WRITE,
            **CATALOGUE,
        ),
        Endpoint(
            "catalog:version_create",
            data={"year": "2027", "name": "Katalog 2027"},
            bad=Bad({"year": "1999"}, field="year", message=lambda: _("The year must lie between 2000 and 2100.")),
            bad_status=302,
            **WRITE,
            **CATALOGUE,
        ),
        Endpoint("catalog:version_compose", kwargs=_version, setup=_draft_version(), **VERSION_ACTION),
        Endpoint("catalog:version_propose", kwargs=_version, setup=_draft_version("composed"), **VERSION_ACTION),
        Endpoint(
            "catalog:version_approve",
            kwargs=_version,
            setup=_draft_version("proposed"),
            data={"approved_on": "2026-12-01", "decision_reference": "ZA 2026/12"},
            bad=Bad(
                {"approved_on": "gestern"}, field="approved_on", message=lambda: _("Enter the date of the decision.")
            ),
            bad_status=302,
            **VERSION_ACTION,
        ),
    )
