"""Survey fixtures: a questionnaire of citeq (1–5 items, one tied to the workplace product, NPS, choices and a
free text), a 2025 wave closed with responses from Telgte and Ahlen and a 2026 wave open with invitations."""

import datetime as dt

import pytest
from django.utils import timezone

from verbund.catalog.tests.conftest import catalogue  # noqa: F401  (shared fixture)
from verbund.closing.tests.conftest import controller  # noqa: F401  (shared fixture)

TODAY = timezone.localdate()


@pytest.fixture
def questionnaire(registry, catalogue):  # noqa: F811
    from verbund.surveys import services

    q = services.questionnaire_create(actor=None, provider=registry["citeq"], name="Kundenzufriedenheit")
    general = services.section_add(actor=None, questionnaire=q, title="Allgemein", title_en="General")
    services.question_add(
        actor=None,
        section=general,
        series_key="overall",
        kind="likert",
        text="Wie zufrieden sind Sie insgesamt?",
        text_en="How satisfied are you overall?",
        required=True,
    )
    services.question_add(
        actor=None,
        section=general,
        series_key="workplace",
        kind="likert",
        text="Wie zufrieden sind Sie mit Ihrem Arbeitsplatz?",
        text_en="How satisfied are you with your workplace?",
        product=catalogue["workplace"],
    )
    services.question_add(
        actor=None,
        section=general,
        series_key="recommend",
        kind="nps",
        text="Würden Sie uns weiterempfehlen?",
        text_en="Would you recommend us?",
    )
    services.question_add(
        actor=None,
        section=general,
        series_key="channel",
        kind="single",
        text="Wie erreichen Sie uns meist?",
        text_en="How do you usually contact us?",
        options=[{"code": "A1", "de": "Telefon", "en": "Phone"}, {"code": "A2", "de": "Portal", "en": "Portal"}],
    )
    services.question_add(
        actor=None,
        section=general,
        series_key="topics",
        kind="multiple",
        text="Welche Themen sind wichtig?",
        text_en="Which topics matter?",
        options=[
            {"code": "SQ001", "de": "Sicherheit", "en": "Security"},
            {"code": "SQ002", "de": "Tempo", "en": "Speed"},
        ],
    )
    services.question_add(
        actor=None,
        section=general,
        series_key="comment",
        kind="text",
        text="Was sollen wir verbessern?",
        text_en="What should we improve?",
        product=catalogue["workplace"],
    )
    return q


def _targets(wave, registry):
    from verbund.surveys import services

    services.targets_replace(
        actor=None,
        wave=wave,
        rows=[
            services.TargetRow(member=registry["telgte"], office="Bürgeramt", staff=20),
            services.TargetRow(member=registry["telgte"], office="Bauamt", staff=10),
            services.TargetRow(member=registry["ahlen"], office="Bürgeramt", staff=60),
        ],
    )


def answers(overall: int, recommend: int, comment: str = "") -> dict:
    data = {"overall": overall, "workplace": overall, "recommend": recommend, "channel": "A1", "topics": ["SQ001"]}
    if comment:
        data["comment"] = comment
    return data


@pytest.fixture
def closed_wave(questionnaire, registry):
    """2025: Telgte 4 answers, Ahlen 6, closed and analysed."""
    from verbund.surveys import services
    from verbund.surveys.models import Target

    wave = services.wave_create(
        actor=None,
        provider=registry["citeq"],
        questionnaire=questionnaire,
        year=2025,
        name="Befragung 2025",
        opens_on=TODAY - dt.timedelta(days=30),
        closes_on=TODAY + dt.timedelta(days=1),
    )
    _targets(wave, registry)
    services.wave_open(actor=None, wave=wave)
    plan = [
        ("telgte", "Bürgeramt", 5, 10, "Schneller Support, danke"),
        ("telgte", "Bürgeramt", 4, 9, ""),
        ("telgte", "Bauamt", 3, 7, ""),
        ("telgte", "Bauamt", 2, 3, "Drucker oft kaputt"),
        *[("ahlen", "Bürgeramt", v, n, "") for v, n in ((5, 10), (5, 9), (4, 8), (4, 6), (3, 5), (1, 0))],
    ]
    for member, office, overall, recommend, comment in plan:
        target = Target.objects.get(wave=wave, member=registry[member], office=office)
        (token,) = services.invitations_issue(actor=None, wave=wave, target=target, count=1)
        services.response_submit(token=token, answers=answers(overall, recommend, comment))
    services.wave_close(actor=None, wave=wave)
    wave.refresh_from_db()
    return wave


@pytest.fixture
def open_wave(closed_wave, questionnaire, registry):
    """2026: open, the same questionnaire, one invitation per office (tokens in wave.tokens)."""
    from verbund.surveys import services

    wave = services.wave_create(
        actor=None,
        provider=registry["citeq"],
        questionnaire=questionnaire,
        year=2026,
        name="Befragung 2026",
        opens_on=TODAY - dt.timedelta(days=1),
        closes_on=TODAY + dt.timedelta(days=30),
    )
    _targets(wave, registry)
    services.wave_open(actor=None, wave=wave)
    wave.tokens = {}
    for target in wave.targets.all():
        (token,) = services.invitations_issue(actor=None, wave=wave, target=target, emails=[f"{target.pk}@example.org"])
        wave.tokens[(target.member_id, target.office)] = token
    return wave
