"""Generic endpoint tests of satisfaction surveys (verbund.core.testing), API and pages.

Questionnaires and the management of waves (population, invitations, reminders, import, closing) are the
provider's work: a member contact sees none of it (404 for objects, 403 where a create permission is checked
first). The results of a closed wave are shown to every member that was asked in it, but only with its own
member's figures: bob (Ahlen) gets 200 without Telgte's figures and free texts. The answer page needs no login;
its token is the only key (the generic "other member" test does not apply; test_views covers unknown tokens).
"""

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from verbund.core.testing import Bad, Endpoint, EndpointTests
from verbund.surveys.tests.conftest import TODAY

LIMESURVEY = "id;submitdate;member;office;overall;recommend\n201;2026-03-01 10:00:00;05570044;Bauamt;4;9\n"


def _closed(ctx):
    return {"wave": ctx.closed_wave}


def _open(ctx):
    return {"wave": ctx.open_wave}


def _draft(ctx):
    from verbund.surveys import services

    wave = services.wave_create(
        actor=None,
        provider=ctx.registry["citeq"],
        questionnaire=ctx.questionnaire,
        year=2027,
        name="Befragung 2027",
        opens_on=TODAY,
        closes_on=TODAY + dt.timedelta(days=30),
    )
    return {"wave": wave}


def _draft_with_targets(ctx):
    from verbund.surveys import services

    objects = _draft(ctx)
    services.targets_replace(
        actor=None,
        wave=objects["wave"],
        rows=[services.TargetRow(member=ctx.registry["telgte"], office="Bürgeramt", staff=5)],
    )
    return objects


def _questionnaire(ctx):
    return {"questionnaire": ctx.questionnaire}


def _wave_id(ctx):
    return {"wave_id": ctx.wave.pk}


def _questionnaire_id(ctx):
    return {"questionnaire_id": ctx.questionnaire.pk}


def _token(ctx):
    return {"token": ctx.open_wave.tokens[(ctx.registry["telgte"].pk, "Bauamt")]}


def _upload(text: str, name: str = "limesurvey.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def _telgte(ctx):
    return ctx.registry["telgte"].name


QUESTIONNAIRE = {
    "provider_id": 0,
    "name": "Kurzbefragung",
    "sections": [
        {"title": "Allgemein", "questions": [{"series_key": "overall", "kind": "likert", "text": "Zufrieden?"}]}
    ],
}


def _questionnaire_payload(ctx, key="overall"):
    payload: dict[str, Any] = {**QUESTIONNAIRE, "provider_id": ctx.registry["citeq"].pk}
    payload["sections"] = [
        {**payload["sections"][0], "questions": [{**payload["sections"][0]["questions"][0], "series_key": key}]}
    ]
    return payload


def _wave_payload(ctx, closes="2027-12-31"):
    return {"questionnaire_id": ctx.questionnaire.pk, "year": 2027, "opens_on": "2027-03-01", "closes_on": closes}


API_WRITE: dict[str, Any] = {"kind": "write", "other_status": 403, "user": "controller"}
# Page writes on a wave: loaded for the change action, 404 for bob and the auditor (ADR 0008).
WAVE_WRITE: dict[str, Any] = {"kind": "write", "kwargs": _wave_id, "user": "controller", "read_only_status": 404}
CREATE: dict[str, Any] = {"kind": "write", "user": "controller", "other_status": 403}
# Results: every member asked in the wave sees it, bob only with Ahlen's own figures (the marker is Telgte's).
RESULTS: dict[str, Any] = {"kwargs": _wave_id, "setup": _closed, "user": "alice", "other_status": 200}


class TestEndpoints(EndpointTests):
    endpoints = (
        # REST API
        Endpoint(
            "api:surveys_questionnaires_list",
            kind="list",
            setup=_questionnaire,
            shows=lambda ctx: ctx.questionnaire.name,
        ),
        Endpoint("api:surveys_questionnaire_get", kwargs=_questionnaire_id),
        Endpoint(
            "api:surveys_questionnaire_create",
            status=201,
            data=_questionnaire_payload,
            bad=Bad(lambda ctx: _questionnaire_payload(ctx, key="Bad Key"), field="series_key"),
            **API_WRITE,
        ),
        Endpoint("api:surveys_waves_list", kind="list", setup=_open, shows=lambda ctx: '"Befragung 2026"'),
        Endpoint("api:surveys_wave_get", kwargs=_wave_id, setup=_open),
        Endpoint(
            "api:surveys_wave_create",
            status=201,
            data=_wave_payload,
            bad=Bad(lambda ctx: _wave_payload(ctx, closes="2027-01-01"), field="closes_on"),
            **API_WRITE,
        ),
        Endpoint(
            "api:surveys_wave_results",
            shows=lambda ctx: f'"member_id": {ctx.registry["telgte"].pk},',
            **RESULTS,
        ),
        # Pages
        Endpoint(
            "surveys:home", kind="list", setup=_questionnaire, shows=lambda ctx: ctx.questionnaire.get_absolute_url()
        ),
        Endpoint(
            "surveys:questionnaire_create",
            data=lambda ctx: {"provider": ctx.registry["citeq"].pk, "name": "Neu"},
            bad=Bad(lambda ctx: {"provider": ctx.registry["citeq"].pk, "name": ""}, field="name"),
            **CREATE,
        ),
        Endpoint("surveys:questionnaire_detail", kwargs=_questionnaire_id),
        Endpoint(
            "surveys:question_add",
            kind="write",
            kwargs=_questionnaire_id,
            user="controller",
            read_only_status=404,
            data={"new_section": "Service", "series_key": "service", "kind": "likert", "text": "Service?"},
            bad=Bad(
                {"new_section": "Service", "series_key": "Bad Key", "kind": "likert", "text": "x"}, field="series_key"
            ),
        ),
        Endpoint(
            "surveys:questionnaire_version",
            kind="write",
            kwargs=_questionnaire_id,
            user="controller",
            other_status=403,
        ),
        Endpoint(
            "surveys:wave_create",
            data=lambda ctx: {
                "questionnaire": ctx.questionnaire.pk,
                "year": 2027,
                "opens_on": "2027-03-01",
                "closes_on": "2027-04-01",
            },
            bad=Bad(
                lambda ctx: {
                    "questionnaire": ctx.questionnaire.pk,
                    "year": 2027,
                    "opens_on": "2027-03-01",
                    "closes_on": "2027-01-01",
                },
                field="closes_on",
            ),
            **CREATE,
        ),
        Endpoint("surveys:wave_detail", kwargs=_wave_id, setup=_open),
        Endpoint(
            "surveys:wave_targets",
            setup=_draft,
            data=lambda ctx: {"rows": "05570044;Bürgeramt;12\n05570004;Bürgeramt;40"},
            bad=Bad({"rows": "99999999;Bürgeramt;1"}, field="rows"),
            **WAVE_WRITE,
        ),
        Endpoint("surveys:wave_open", setup=_draft_with_targets, **WAVE_WRITE),
        Endpoint(
            "surveys:wave_invite",
            setup=_open,
            status=200,  # the page shows the new links once
            data=lambda ctx: {"target": ctx.wave.targets.first().pk, "count": 2},
            bad=Bad(lambda ctx: {"target": ctx.wave.targets.first().pk, "count": 0}, field="count"),
            **WAVE_WRITE,
        ),
        Endpoint("surveys:wave_remind", setup=_open, **WAVE_WRITE),
        Endpoint(
            "surveys:wave_import",
            setup=_open,
            data=lambda ctx: {"file": _upload(LIMESURVEY)},
            bad=Bad(lambda ctx: {"file": _upload(LIMESURVEY.replace("Bauamt", "Kämmerei"))}, field="file"),
            **WAVE_WRITE,
        ),
        Endpoint("surveys:wave_close", setup=_open, **WAVE_WRITE),
        Endpoint("surveys:wave_analyse", setup=_closed, **WAVE_WRITE),  # starts the analysis job
        Endpoint(
            "surveys:wave_results", shows=_telgte, query=lambda ctx: {"member": ctx.registry["telgte"].pk}, **RESULTS
        ),
        Endpoint("surveys:wave_pdf", **RESULTS),
        Endpoint("surveys:wave_csv", shows=_telgte, **RESULTS),
        Endpoint("surveys:wave_texts", shows=lambda ctx: "Schneller Support", **RESULTS),
        # The answer page: no login needed, the token is the key; another member's login changes nothing about it.
        Endpoint("surveys:answer", kwargs=_token, other=None),
        Endpoint(
            "surveys:answer",
            kind="write",
            kwargs=_token,
            status=200,  # the thank-you page
            data={"action": "submit", "q_overall": "4", "q_recommend": "9"},
            bad=Bad({"action": "submit", "q_overall": "9"}, field="q_overall"),
            other=None,
            read_only=None,
        ),
    )
