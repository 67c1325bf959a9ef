"""Generic endpoint tests of consolidation scenarios (verbund.core.testing), pages and API.

Portfolios, drafts, the comparison and the report are staff data: a member contact (bob of Ahlen) gets 404 for a
draft scenario and 403 for the staff pages. A published scenario is shared by design (every member contact sees
it), but of its fees only its own: those declarations run alice (Telgte) against bob and check that bob's answer
does not show Telgte's fees. The analyst (`analyst`, role consolidation analyst) is the allowed user; the
auditor is the read-only role. Writes check the role's permission before they load the scenario, so the other
member and the auditor both get 403 (the existing answer).
"""

import io
from typing import Any

from django.utils.translation import gettext as _

from verbund.core.testing import Bad, Endpoint, EndpointTests


def _scenarios(ctx: Any) -> dict[str, Any]:
    from verbund.scenarios import services
    from verbund.scenarios.choices import ScenarioKind

    draft = services.scenario_create(
        actor=ctx.analyst, name="Entwurf Fusion", kind=ScenarioKind.MERGER, first_year=2027
    )
    return {"draft": draft, "scenario_id": draft.pk}


def _published(ctx: Any) -> dict[str, Any]:
    from verbund.scenarios import services
    from verbund.scenarios.choices import ScenarioKind

    published = services.scenario_create(
        actor=ctx.analyst, name="Holding Veröffentlicht", kind=ScenarioKind.HOLDING, first_year=2027
    )
    services.scenario_calculate(actor=ctx.analyst, scenario=published)
    services.scenario_publish(actor=ctx.analyst, scenario=published)
    return {"published": published, "scenario_id": published.pk}


def _calculated(ctx: Any) -> dict[str, Any]:
    from verbund.scenarios import services

    objects = _scenarios(ctx)
    services.scenario_calculate(actor=ctx.analyst, scenario=objects["draft"])
    return objects


def _scenario(ctx: Any) -> dict[str, int]:
    return {"scenario_id": ctx.scenario_id}


def _telgte_fee(ctx: Any) -> str:
    """The name of Telgte's row of projected fees: alice sees it, bob of Ahlen sees only Ahlen's row."""
    return ctx.published.member_fees.get(member=ctx.registry["telgte"]).member.name


def _assumptions(**changes: str) -> dict[str, str]:
    from verbund.scenarios.choices import ASSUMPTIONS

    data = {"worse_off_limit": "0.05"}
    for name, (_label, low, likely, high) in ASSUMPTIONS.items():
        data |= {f"{name}__low": low, f"{name}__likely": likely, f"{name}__high": high}
    return data | changes


def _assumption_error() -> str:
    from verbund.scenarios.choices import ASSUMPTIONS

    return f"{ASSUMPTIONS['synergy'][0]}: {_('low ≤ likely ≤ high must hold.')}"


def _label(form: str, field: str) -> Any:
    from verbund.scenarios import forms

    return getattr(forms, form).base_fields[field].label


def _move(ctx: Any, year: str) -> dict[str, Any]:
    return {"item": ctx.world["items"]["KA-DC"].pk, "entity": ctx.draft.entities.get().pk, "year": year}


def _move_error() -> str:
    from verbund.scenarios.models import ScenarioMove

    return f"{ScenarioMove._meta.get_field('year').verbose_name}: " + _(
        "The year lies between the scenario's first and last year."
    )


def _disposition_error() -> str:
    from verbund.scenarios.models import PortfolioItem

    return f"{PortfolioItem._meta.get_field('disposition').verbose_name}: " + _(
        "Choose tolerate, invest, migrate or eliminate."
    )


def _weights(ctx: Any, value: str) -> dict[str, str]:
    from verbund.scenarios.models import Criterion

    return {f"weight_{c.pk}": value if c.name == "Kosten" else "1" for c in Criterion.objects.all()}


def _item(ctx: Any) -> dict[str, int]:
    return {"item_id": ctx.world["items"]["KA-DC"].pk}


STAFF_HEADER = "item;reference;status;pay_group;fte;retirement_year\n"


def _provider(ctx: Any) -> dict[str, int]:
    return {"provider_id": ctx.world["citeq"].pk}


def _staff(ctx: Any) -> dict[str, Any]:
    """citeq's staff imported once, so that the lists show a position (`P-4711`)."""
    from verbund.scenarios import services

    rows = services.STAFF.read_csv(io.BytesIO((STAFF_HEADER + "CQ-DC;P-4711;Beamter;A 11;1;2030\n").encode()))
    services.staff_import(actor=ctx.analyst, provider=ctx.world["citeq"], rows=rows)
    return {"world": ctx.world}


def _staff_file(line: str) -> Any:
    def factory(ctx: Any) -> dict[str, Any]:
        from django.core.files.uploadedfile import SimpleUploadedFile

        return {"upload": "1", "file": SimpleUploadedFile("personal.csv", (STAFF_HEADER + line).encode())}

    return factory


def _staff_rows(pay_group: str) -> Any:
    def factory(ctx: Any) -> dict[str, Any]:
        row = {"item": "CQ-DC", "reference": "P-1", "status": "employee", "pay_group": pay_group}
        return {"provider_id": ctx.world["citeq"].pk, "rows": [row | {"fte": "1", "retirement_year": "2033"}]}

    return factory


DRAFT: dict[str, Any] = {"user": "analyst", "setup": _scenarios, "kwargs": _scenario}
PUBLISHED: dict[str, Any] = {
    "user": "alice",
    "setup": _published,
    "kwargs": _scenario,
    "shows": _telgte_fee,
    "other_status": 200,  # a published scenario is shared by every member; bob sees it without Telgte's fees
}
# Staff pages: a member contact lacks the permission (portfolio) or is refused the staff view (comparison).
STAFF_PAGE: dict[str, Any] = {"user": "analyst", "setup": _calculated, "other_status": 403}
# Page writes: the permission is checked first (403 for bob and for the auditor), then the scenario is loaded.
PAGE_WRITE: dict[str, Any] = {"kind": "write", "other_status": 403, **DRAFT}
# Staff pages and API: the analyst may, a member contact lacks the permission (403), the auditor reads only (403).
STAFF_USER: dict[str, Any] = {"user": "analyst", "other_status": 403}
STAGES = {"capacity": "2", "deadline": "2030", "budget": ""}


class TestEndpoints(EndpointTests):
    endpoints = (
        # REST API
        Endpoint("api:scenarios_list", kind="list", shows=lambda ctx: "Entwurf Fusion", **DRAFT | {"kwargs": None}),
        Endpoint("api:scenarios_get", **DRAFT),
        Endpoint("api:scenarios_results", **PUBLISHED),
        Endpoint(
            "api:scenarios_run",
            kind="write",
            other_status=403,  # the permission is checked before the scenario is loaded
            **DRAFT,
        ),  # no request body: there is no bad input to send
        # Pages: scenarios
        Endpoint(
            "scenarios:scenario_list", kind="list", shows=lambda ctx: "Entwurf Fusion", **DRAFT | {"kwargs": None}
        ),
        Endpoint(
            "scenarios:scenario_create",
            kind="write",
            user="analyst",
            setup=lambda ctx: {"world": ctx.world},
            data={"name": "Fusion", "kind": "merger", "legal_form": "aor", "first_year": "2027", "stages": "1"},
            bad=Bad(
                {"name": "Fusion", "kind": "merger", "legal_form": "aor", "first_year": "1800", "stages": "1"},
                field="first_year",
                message=lambda: _label("ScenarioCreateForm", "first_year"),
            ),
            bad_status=302,  # back to the list, the error as a message naming the field
            other_status=403,  # creating needs the permission, which a member contact does not have
        ),
        Endpoint("scenarios:scenario_detail", **DRAFT),
        # The same page of a published scenario: alice sees Telgte's own fees, bob the page without them.
        Endpoint("scenarios:scenario_detail", **PUBLISHED),
        Endpoint("scenarios:member_fees_csv", **PUBLISHED),
        Endpoint(
            "scenarios:assumptions_save",
            data=_assumptions(synergy__likely="0.12"),
            bad=Bad(_assumptions(synergy__low="0.3"), field="synergy", message=_assumption_error),
            bad_status=302,  # back to the scenario, the error as a message naming the assumption
            **PAGE_WRITE,
        ),
        Endpoint(
            "scenarios:move_save",
            data=lambda ctx: _move(ctx, "2028"),
            bad=Bad(lambda ctx: _move(ctx, "2099"), field="year", message=_move_error),
            bad_status=302,
            **PAGE_WRITE,
        ),
        Endpoint("scenarios:scenario_calculate", **PAGE_WRITE),  # no input besides the scenario
        Endpoint(
            "scenarios:scenario_publish",
            kind="write",
            other_status=403,
            user="analyst",
            setup=_calculated,
            kwargs=_scenario,
        ),
        Endpoint(
            "scenarios:risk_start",
            data={"draws": "200", "seed": "3"},
            bad=Bad({"draws": "5", "seed": "3"}, field="draws", message=lambda: _label("RiskForm", "draws")),
            bad_status=302,
            **PAGE_WRITE,
        ),
        Endpoint(
            "scenarios:stages_optimise",
            data=STAGES,
            bad=Bad(STAGES | {"capacity": "-1"}, field="capacity", message=lambda: _label("StagesForm", "capacity")),
            bad_status=302,
            **PAGE_WRITE,
        ),
        # Pages: portfolio, comparison, report
        Endpoint("scenarios:portfolio", kind="list", shows=lambda ctx: "KA-FIN", **STAFF_PAGE),
        Endpoint(
            "scenarios:disposition_set",
            kind="write",
            user="analyst",
            kwargs=_item,
            data={"disposition": "migrate"},
            bad=Bad({"disposition": "nonsense"}, field="disposition", message=_disposition_error),
            bad_status=302,  # back to the portfolio, the error as a message naming the field
            other_status=403,  # portfolios are staff data: no permission for a member contact
        ),
        # Staff per person: staff data like the portfolio (a member contact lacks the permission: 403)
        Endpoint(
            "scenarios:staff", kind="list", shows=lambda ctx: "P-4711", kwargs=_provider, setup=_staff, **STAFF_USER
        ),
        Endpoint(
            "scenarios:staff",
            kind="write",
            kwargs=_provider,
            setup=lambda ctx: {"world": ctx.world},
            data=_staff_file("CQ-DC;P-1;employee;E 9b;1;2033\n"),
            bad=Bad(_staff_file("CQ-DC;P-1;employee;Z 1;1;2033\n"), field="pay_group"),
            **STAFF_USER,
        ),
        Endpoint(
            "api:scenarios_staff",
            kind="list",
            query=lambda ctx: {"provider_id": ctx.world["citeq"].pk},
            shows=lambda ctx: "P-4711",
            setup=_staff,
            **STAFF_USER,
        ),
        Endpoint(
            "api:scenarios_staff_import",
            kind="write",
            setup=lambda ctx: {"world": ctx.world},
            data=_staff_rows("E 9b"),
            bad=Bad(_staff_rows("Z 1"), field="pay_group"),
            **STAFF_USER,
        ),
        Endpoint("scenarios:compare", kind="list", shows=lambda ctx: "Entwurf Fusion", **STAFF_PAGE),
        Endpoint(
            "scenarios:weights_save",
            kind="write",
            user="analyst",
            setup=lambda ctx: {"world": ctx.world},
            data=lambda ctx: _weights(ctx, "2"),
            bad=Bad(
                lambda ctx: _weights(ctx, "viel"),
                field="Kosten",
                message=lambda: _("%(criterion)s: enter a number.") % {"criterion": "Kosten"},
            ),
            bad_status=302,
            other_status=403,  # the comparison is staff data
            # Those who take part in the decision weigh; the auditor reads and does not move the group result.
        ),
        Endpoint("scenarios:report_pdf", **STAFF_PAGE),
    )
