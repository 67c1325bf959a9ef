"""The demo satisfaction surveys of citeq (issue #16): the questionnaire "Kundenzufriedenheit" in two versions
(version 2 asks the support question in new words, so that the results page shows a broken series), the 2024
and 2025 waves closed with generated responses from the members of citeq's agreement (marked as demo data), and
the 2026 wave open with its target population.

The answers are generated deterministically (a `random.Random` seeded per year and member): each member has a
base satisfaction that follows from its AGS, the workplace service improves a little from 2024 to 2025. Offices
and staff follow the population (a city has more staff and so more responses; the member weighting keeps small
towns visible). Idempotent: a wave that exists is left alone, responses carry LimeSurvey-like ids ("demo-…") and
are imported once.
"""

import datetime as dt
import random
import zlib

from django.db import transaction

from verbund.catalog.models import Product
from verbund.registry.models import AgreementParty, Organization
from verbund.surveys import services
from verbund.surveys.choices import WaveStatus
from verbund.surveys.models import Questionnaire, Wave

NAME = "Kundenzufriedenheit"
OFFICES = (("Bürgeramt", 0.9), ("Bauamt", 0.5), ("Kämmerei", 0.4), ("Schulverwaltung", 0.3))
TEXTS = (
    "Die Hotline ist gut erreichbar.",
    "Neue Notebooks kamen schnell.",
    "Das Portal ist manchmal langsam.",
    "Schulungen bitte auch online anbieten.",
    "Der Drucker im Flur fällt oft aus.",
)


def _questions(product: dict[str, Product | None]) -> list[tuple[str, str, str, str, str, Product | None]]:
    """(series key, kind, German, English, section, product)."""
    return [
        (
            "overall",
            "likert",
            "Wie zufrieden sind Sie insgesamt mit citeq?",
            "How satisfied are you with citeq overall?",
            "Allgemein",
            None,
        ),
        (
            "support",
            "likert",
            "Wie zufrieden sind Sie mit dem Service-Desk?",
            "How satisfied are you with the service desk?",
            "Allgemein",
            None,
        ),
        (
            "workplace",
            "likert",
            "Wie zufrieden sind Sie mit Ihrem IT-Arbeitsplatz?",
            "How satisfied are you with your IT workplace?",
            "Produkte",
            product["ARB-010"],
        ),
        (
            "telephony",
            "likert",
            "Wie zufrieden sind Sie mit der Telefonie?",
            "How satisfied are you with telephony?",
            "Produkte",
            product["KOM-010"],
        ),
        (
            "ozg",
            "likert",
            "Wie zufrieden sind Sie mit den Online-Diensten (OZG)?",
            "How satisfied are you with the online services (OZG)?",
            "Produkte",
            product["OZG-010"],
        ),
        (
            "recommend",
            "nps",
            "Wie wahrscheinlich empfehlen Sie citeq einer anderen Kommune?",
            "How likely are you to recommend citeq to another municipality?",
            "Allgemein",
            None,
        ),
        (
            "comment",
            "text",
            "Was sollen wir an Ihrem Arbeitsplatz verbessern?",
            "What should we improve about your workplace?",
            "Produkte",
            product["ARB-010"],
        ),
    ]


def _questionnaire(provider: Organization) -> tuple[Questionnaire, Questionnaire]:
    first = Questionnaire.objects.filter(provider=provider, name=NAME, version=1).first()
    if first is None:
        products = {n: Product.objects.filter(number=n).first() for n in ("ARB-010", "KOM-010", "OZG-010")}
        first = services.questionnaire_create(actor=None, provider=provider, name=NAME, demo=True)
        sections = {}
        for key, kind, de, en, section, product in _questions(products):
            if section not in sections:
                sections[section] = services.section_add(
                    actor=None,
                    questionnaire=first,
                    title=section,
                    title_en={"Allgemein": "General"}.get(section, "Products"),
                )
            services.question_add(
                actor=None,
                section=sections[section],
                series_key=key,
                kind=kind,
                text=de,
                text_en=en,
                product=product,
                required=key == "overall",
            )
    second = Questionnaire.objects.filter(provider=provider, name=NAME, version=2).first()
    if second is None:
        second = services.questionnaire_new_version(actor=None, questionnaire=first)
        services.question_change(
            actor=None,
            question=second.questions.get(series_key="support"),
            text="Wie zufrieden sind Sie mit der Lösung Ihrer Anfragen durch den Service-Desk?",
            text_en="How satisfied are you with how the service desk solves your requests?",
        )
    return first, second


def _members(provider: Organization) -> list[Organization]:
    parties = AgreementParty.objects.filter(agreement__provider=provider, left_on__isnull=True)
    return list(Organization.objects.filter(pk__in=parties.values("organization_id")).order_by("ags", "pk"))


def _staff(member: Organization, share: float) -> int:
    return max(3, int((member.population or 20000) / 1000 * share))


def _targets(wave: Wave, members: list[Organization]) -> None:
    if not wave.targets.exists():
        services.targets_replace(
            actor=None,
            wave=wave,
            rows=[
                services.TargetRow(member=m, office=office, staff=_staff(m, share))
                for m in members
                for office, share in OFFICES
            ],
        )


def _clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def _responses(wave: Wave, members: list[Organization]) -> list[services.ImportedResponse]:
    rows = []
    keys = [q.series_key for q in wave.questionnaire.questions.all()]
    for member in members:
        rng = random.Random(f"surveys-demo-{wave.year}-{member.ags}")
        base = 3.2 + (zlib.crc32(member.ags.encode()) % 100) / 100  # 3.2 … 4.2
        for office, share in OFFICES:
            staff = _staff(member, share)
            for number in range(int(staff * rng.uniform(0.3, 0.6))):
                answers: dict[str, object] = {}
                for key in keys:
                    if key == "recommend":
                        answers[key] = _clamp(rng.gauss(base * 2.1, 2.0), 0, 10)
                    elif key == "comment":
                        if rng.random() < 0.08:
                            answers[key] = rng.choice(TEXTS)
                    else:
                        drift = 0.25 if key == "workplace" and wave.year >= 2025 else 0.0
                        answers[key] = _clamp(rng.gauss(base + drift, 0.9), 1, 5)
                rows.append(
                    services.ImportedResponse(
                        external_id=f"demo-{member.ags}-{office[:3]}-{number}",
                        member=member,
                        office=office,
                        submitted_on=wave.opens_on + dt.timedelta(days=number % 20),
                        answers=answers,
                    )
                )
    return rows


def _wave(
    provider: Organization, questionnaire: Questionnaire, year: int, members: list[Organization], *, close: bool
) -> int:
    wave = Wave.objects.filter(provider=provider, year=year).first()
    if wave is None:
        wave = services.wave_create(
            actor=None,
            provider=provider,
            questionnaire=questionnaire,
            year=year,
            name=f"Kundenzufriedenheit {year}",
            opens_on=dt.date(year, 3, 1),
            closes_on=dt.date(year, 4, 30) if close else dt.date(year, 12, 31),
            demo=True,
        )
    _targets(wave, members)
    if wave.status == WaveStatus.DRAFT:
        services.wave_open(actor=None, wave=wave)
    added = 0
    if close and wave.status == WaveStatus.OPEN:
        added = services.responses_import(actor=None, wave=wave, rows=_responses(wave, members), demo=True)
        services.wave_close(actor=None, wave=wave)
    return added


def load_demo_surveys() -> str:
    """Create what is missing; returns the summary line of load-demo."""
    provider = Organization.objects.filter(short_name="citeq", kind="provider").first()
    if provider is None:
        return "Demo surveys: no citeq, nothing loaded."
    with transaction.atomic():
        first, second = _questionnaire(provider)
        members = _members(provider)
        if not members:
            return "Demo surveys: citeq has no members, nothing loaded."
        added = _wave(provider, first, 2024, members, close=True)
        added += _wave(provider, second, 2025, members, close=True)
        _wave(provider, second, 2026, members, close=False)
    return f"Demo surveys: waves 2024 and 2025 closed, 2026 open; {added} responses added."
