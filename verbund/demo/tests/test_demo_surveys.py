"""The demo surveys on the minimal federation: 2024 and 2025 closed with generated demo responses, 2026 open; the
2025 version changed the support question; a second run changes nothing."""

import pytest

from verbund.core.models import AuditEvent
from verbund.demo.surveys import load_demo_surveys
from verbund.demo.tests.test_demo_catalogue import federation  # noqa: F401  (shared fixture)
from verbund.surveys.models import Answer, Invitation, Questionnaire, Response, Target, Wave

MODELS = (Questionnaire, Wave, Target, Invitation, Response, Answer, AuditEvent)


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.mark.django_db
def test_demo_surveys_are_loaded_once(federation):  # noqa: F811
    line = load_demo_surveys()
    assert "2024 and 2025 closed" in line
    waves = {w.year: w for w in Wave.objects.all()}
    assert {y: w.status for y, w in waves.items()} == {2024: "closed", 2025: "closed", 2026: "open"}
    assert all(w.demo for w in waves.values())
    assert waves[2025].analysis and Response.objects.filter(wave=waves[2024], demo=True).exists()
    assert waves[2024].questionnaire.version == 1 and waves[2025].questionnaire.version == 2
    support = [w.questionnaire.questions.get(series_key="support").wording for w in (waves[2024], waves[2025])]
    assert support[0] != support[1]
    before = _counts()
    load_demo_surveys()
    assert _counts() == before
