"""Generic endpoint tests of service transfers (verbund.core.testing), pages and API.

Transfers are staff data: the pages check the permission first, so bob (member contact of Ahlen) gets 403 on
them (the existing answer), and the API's reads find nothing for him (404, an empty list). Notices belong to
their member: alice (Telgte) sees Telgte's, bob only Ahlen's. The allowed writer of a proposal is the product
manager of the receiving provider (`pm_opco`); execution needs the provider administrator (`admin_user`).
"""

import datetime as dt
from typing import Any

from verbund.core.testing import Bad, Endpoint, EndpointTests


def _people(ctx: Any) -> dict[str, Any]:
    s = ctx.setup
    return {"pm_opco": s["pm_opco"], "s": s}


def _proposed(ctx: Any) -> dict[str, Any]:
    return _people(ctx) | {"transfer": ctx.proposed, "transfer_id": ctx.proposed.pk}


def _adopted(ctx: Any) -> dict[str, Any]:
    return _people(ctx) | {"transfer": ctx.adopted, "transfer_id": ctx.adopted.pk}


def _executed(ctx: Any) -> dict[str, Any]:
    from verbund.transfers.models import TransferNotice
    from verbund.transfers.services import transfer_execute

    transfer_execute(actor=None, transfer=ctx.adopted, as_of=dt.date(2026, 7, 1))
    notice = TransferNotice.objects.get(transfer=ctx.adopted, member=ctx.setup["telgte"])
    return _people(ctx) | {"transfer": ctx.adopted, "notice": notice}


def _propose_api(ctx: Any) -> dict[str, Any]:
    s = ctx.s
    return {
        "from_provider_id": s["citeq"].pk,
        "to_provider_id": s["opco"].pk,
        "effective_date": "2026-07-01",
        "product_ids": [s["workplace"].pk],
        "prices": {str(s["workplace"].pk): "1260.00"},
        "body_ids": [s["za"].pk, s["gv"].pk],
    }


def _propose_form(ctx: Any) -> dict[str, Any]:
    s = ctx.s
    return {
        "from_provider": s["citeq"].pk,
        "to_provider": s["opco"].pk,
        "effective_date": "2026-07-01",
        "scope": "products",
        "products": [s["workplace"].pk],
        "unit_price": "1260.00",
        "bodies": [s["za"].pk],
    }


class TestEndpoints(EndpointTests):
    endpoints = (
        # pages: staff only (403 for the member contact, the permission check comes first)
        Endpoint(
            "transfers:transfer_list",
            kind="list",
            user="pm_opco",
            setup=_proposed,
            shows=lambda ctx: ctx.transfer.name,
            other_status=403,
        ),
        Endpoint(
            "transfers:transfer_detail",
            kwargs=lambda ctx: {"transfer_id": ctx.transfer.pk},
            user="pm_opco",
            setup=_proposed,
            other_status=403,
        ),
        Endpoint("transfers:transfer_propose", method="GET", user="pm_opco", setup=_people, other_status=403),
        Endpoint(
            "transfers:transfer_propose",
            kind="write",
            user="pm_opco",
            setup=_people,
            data=_propose_form,
            bad=Bad(lambda ctx: {**_propose_form(ctx), "bodies": []}, field="bodies"),
            other_status=403,
        ),
        Endpoint(
            "transfers:transfer_reject",
            kind="write",
            kwargs=lambda ctx: {"transfer_id": ctx.transfer.pk},
            user="pm_opco",
            setup=_proposed,
            data={"rejection_reason": "Nicht wirtschaftlich"},
            bad=Bad({"rejection_reason": "  "}, field="rejection_reason"),
            other_status=403,  # the permission check comes first
        ),
        Endpoint(
            "transfers:transfer_execute",
            kind="write",
            kwargs=lambda ctx: {"transfer_id": ctx.transfer.pk},
            setup=_adopted,
            data={},
            other_status=403,
        ),
        # notices: a member's own
        Endpoint(
            "transfers:notice_list",
            kind="list",
            user="alice",
            setup=_executed,
            shows=lambda ctx: "Telgte, Stadt",
        ),
        Endpoint(
            "transfers:notice_detail", kwargs=lambda ctx: {"notice_id": ctx.notice.pk}, user="alice", setup=_executed
        ),
        Endpoint(
            "transfers:notice_pdf", kwargs=lambda ctx: {"notice_id": ctx.notice.pk}, user="alice", setup=_executed
        ),
        Endpoint(
            "api:transfers_notices", kind="list", user="alice", setup=_executed, shows=lambda ctx: "Telgte, Stadt"
        ),
        # the API
        Endpoint(
            "api:transfers_list", kind="list", user="pm_opco", setup=_proposed, shows=lambda ctx: ctx.transfer.name
        ),
        Endpoint(
            "api:transfers_detail", kwargs=lambda ctx: {"transfer_id": ctx.transfer.pk}, user="pm_opco", setup=_proposed
        ),
        Endpoint(
            "api:transfers_preview",
            kwargs=lambda ctx: {"transfer_id": ctx.transfer.pk},
            user="pm_opco",
            setup=_proposed,
        ),
        Endpoint(
            "api:transfers_propose",
            kind="write",
            user="pm_opco",
            setup=_people,
            data=_propose_api,
            status=201,
            bad=Bad(lambda ctx: {**_propose_api(ctx), "body_ids": []}, field="body_ids"),
            other_status=403,  # the permission check comes first
        ),
        Endpoint(
            "api:transfers_execute",
            kind="write",
            kwargs=lambda ctx: {"transfer_id": ctx.transfer.pk},
            setup=_adopted,
            data={"as_of": "2026-07-01"},
            bad=Bad({"as_of": "2026-06-30"}, field="as_of"),
            other_status=403,  # the permission check comes first
        ),
    )
