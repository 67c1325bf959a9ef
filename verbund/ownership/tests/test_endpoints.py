"""Generic endpoint tests of the ownership app (verbund.core.testing), API and pages.

The entities belong to alice's Telgte in the sense of the access layer: Telgte holds 60 % of the holding. bob
(Ahlen) holds no stake and gets 404 for the entity and its pages, an empty list of entities. Writes need
`ownership.add_ownership` (the administrator; the auditor gets 403)."""

from verbund.core.testing import Bad, Endpoint, EndpointTests
from verbund.ownership.forms import StakeEndForm


def _entities(ctx):
    ctx.request("entities")
    return {}


def _holding(ctx):
    return {"entity_id": ctx.entities["holding"].pk}


def _stake(ctx):
    return {"stake_id": ctx.entities["kreis_stake"].pk}


def _new_stake(ctx, share="0.1"):
    return {"owner_id": ctx.registry["ahlen"].pk, "share": share, "board_seats": 1, "valid_from": "2030-01-01"}


def _free_room(ctx):
    from verbund.ownership.services import ownership_end

    ctx.request("entities")
    import datetime as dt

    ownership_end(actor=None, ownership=ctx.entities["kreis_stake"], valid_to=dt.date(2029, 12, 31))
    return {}


def _stake_form(ctx, share="0.1"):
    return {"owner": ctx.registry["ahlen"].pk, "share": share, "board_seats": "1", "valid_from": "2030-01-01"}


def _decided(ctx):
    from verbund.ownership.tests.test_benefits import _decided as decided

    ctx.request("entities")
    return {"scenario": decided(ctx.registry, ctx.entities)}


class TestEndpoints(EndpointTests):
    endpoints = (
        # REST API
        Endpoint(
            "api:ownership_entities_list",
            kind="list",
            user="alice",
            setup=_entities,
            shows=lambda ctx: "Münsterland IT Holding AöR",
        ),
        Endpoint("api:ownership_entities_get", kwargs=_holding, user="alice", setup=_entities),
        Endpoint(
            "api:ownership_stakes_record",
            kind="write",
            other_status=403,  # the permission is checked before the object is looked up
            status=201,
            kwargs=_holding,
            setup=_free_room,
            data=_new_stake,
            bad=Bad(lambda ctx: _new_stake(ctx, share="0.7"), field="share"),
        ),
        Endpoint(
            "api:ownership_stakes_end",
            kind="write",
            other_status=403,  # the permission is checked before the object is looked up
            kwargs=_stake,
            setup=_entities,
            data={"valid_to": "2027-12-31"},
            bad=Bad({"valid_to": "2020-12-31"}, field="valid_to"),
        ),
        Endpoint(
            "api:ownership_inhouse_get", kwargs=_holding, user="alice", setup=_entities, query={"day": "2026-06-01"}
        ),
        # A question, not a change: anyone who sees the entity may ask it (the auditor too); nothing is written.
        Endpoint(
            "api:ownership_inhouse_check",
            kind="write",
            kwargs=_holding,
            user="alice",
            setup=_entities,
            data=lambda ctx: {"owner_id": ctx.registry["telgte"].pk, "share": "0.1", "board_seats": 1},
            bad=Bad(lambda ctx: {"owner_id": ctx.registry["telgte"].pk, "share": "0"}, field="share"),
            changes=False,
            read_only_status=200,
        ),
        # Pages
        Endpoint("ownership:entity_inhouse", kwargs=_holding, user="alice", setup=_entities),
        # A decided scenario is shared: every member sees it (scenarios' access layer), so no outsider exists.
        Endpoint("ownership:benefits", setup=_decided, query=lambda ctx: {"scenario": ctx.scenario.pk}, other=None),
        Endpoint("ownership:benefits_pdf", setup=_decided, query=lambda ctx: {"scenario": ctx.scenario.pk}, other=None),
        Endpoint(
            "ownership:entity_list",
            kind="list",
            user="alice",
            setup=_entities,
            shows=lambda ctx: "Münsterland IT Holding AöR",
        ),
        Endpoint("ownership:entity_detail", kwargs=_holding, user="alice", setup=_entities),
        Endpoint(
            "ownership:stake_record",
            kind="write",
            kwargs=_holding,
            setup=_free_room,
            data=_stake_form,
            bad=Bad(lambda ctx: _stake_form(ctx, share="0.7"), field="share"),
        ),
        Endpoint(
            "ownership:stake_end",
            kind="write",
            kwargs=_stake,
            setup=_entities,
            data={"valid_to": "2027-12-31"},
            bad=Bad(
                {"valid_to": "2020-12-31"}, field="valid_to", message=lambda: StakeEndForm.base_fields["valid_to"].label
            ),
            bad_status=302,
        ),
    )
