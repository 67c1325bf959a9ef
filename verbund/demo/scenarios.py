"""The Münsterland consolidation case (seeds 000, 003, 004): the portfolios of citeq, the Zweckverband KAAW and
Kreis Steinfurt IT side by side, criteria and four scenarios, each calculated. Idempotent.

Figures (all demo assumptions, no real figures of the three providers):
- citeq's items are linked to products of its demo plan "Plankostenrechnung 2026": their cost and users come
  from that plan through the costing engine. KAAW's and Kreis Steinfurt IT's items carry an assumed annual cost
  (plausible orders of magnitude for providers of their size) and are used by the municipalities of Kreis Borken
  (KAAW) and by Kreis Steinfurt with its municipalities, weighted by population.
- Tasks are keyed by internal capability codes (CAP-…); vendors are typical Fachverfahren of the field.
- Staff (FTE, civil servants) per item, synergy ranges, migration cost, double running and the criteria scores
  are assumptions for exploring the tool, not results of the expert report.
- Staff per person (`_staff`): generated from each item's FTE, persons of 1.0 FTE plus one part-time remainder,
  with invented personnel numbers, plausible pay groups and retirement years spread over 2026–2050 — assumptions,
  no real personnel data. A provider that already has positions keeps them.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from verbund.catalog.models import Product
from verbund.core.money import round_even
from verbund.demo.governance.common import UPCOMING_START
from verbund.governance import services as governance_services
from verbund.governance.choices import MeetingState, PaperType, SubjectKind
from verbund.governance.models import Meeting, Paper
from verbund.registry.choices import OrganizationKind
from verbund.registry.models import Organization
from verbund.scenarios import services
from verbund.scenarios.choices import Direction, ItemCategory, LegalForm, ScenarioKind, TaskScheme
from verbund.scenarios.models import (
    Criterion,
    CriterionScore,
    PortfolioItem,
    PortfolioUsage,
    ProviderProfile,
    Scenario,
    ScenarioEntity,
    ScenarioMove,
    StaffPosition,
)

D = Decimal
SCENARIO_PAPER = "ZA-V-2026/20"
CAP = TaskScheme.CAPABILITY
INF, W, P, F = ItemCategory.INFRASTRUCTURE, ItemCategory.WORKPLACE, ItemCategory.PLATFORM, ItemCategory.PROCEDURE

TASKS = {
    "CAP-WORK": "Büroarbeitsplatz",
    "CAP-DC": "Rechenzentrum und Speicher",
    "CAP-REG": "Einwohnerwesen (Meldewesen)",
    "CAP-CIV": "Personenstandswesen",
    "CAP-FIN": "Finanzwesen (NKF)",
    "CAP-VEH": "Kfz-Zulassung",
    "CAP-DMS": "E-Akte / Dokumentenmanagement",
    "CAP-PORTAL": "Serviceportal (OZG)",
}

# (provider short name, code, name, task, category, vendor, citeq product number or None, annual cost,
#  FTE, civil servant FTE)
ITEMS: list[tuple[str, str, str, str, str, str, str | None, str, str, str]] = [
    ("citeq", "CQ-ARB", "Standard-Arbeitsplatz", "CAP-WORK", W, "", "ARB-010", "0", "38", "6"),
    ("citeq", "CQ-RZ", "Speicher im Rechenzentrum", "CAP-DC", INF, "", "RZ-030", "0", "12", "2"),
    ("citeq", "CQ-EWO", "Einwohnerwesen", "CAP-REG", F, "OK.EWO", "BUE-010", "0", "4", "1"),
    ("citeq", "CQ-PSTW", "Personenstandswesen", "CAP-CIV", F, "AutiSta", "BUE-020", "0", "2", "1"),
    ("citeq", "CQ-FIN", "Finanzwesen", "CAP-FIN", F, "SAP", "FIN-010", "0", "9", "2"),
    ("citeq", "CQ-OZG", "Serviceportal", "CAP-PORTAL", P, "", "OZG-010", "0", "5", "0"),
    ("KAAW", "KA-ARB", "Arbeitsplatz KAAW", "CAP-WORK", W, "", None, "3900000", "24", "3"),
    ("KAAW", "KA-RZ", "Rechenzentrum KAAW", "CAP-DC", INF, "", None, "2600000", "14", "2"),
    ("KAAW", "KA-EWO", "Meldewesen KAAW", "CAP-REG", F, "VOIS|MESO", None, "640000", "3", "1"),
    ("KAAW", "KA-PSTW", "Personenstand KAAW", "CAP-CIV", F, "AutiSta", None, "310000", "1.5", "0"),
    ("KAAW", "KA-FIN", "Finanzwesen KAAW", "CAP-FIN", F, "Infoma newsystem", None, "1450000", "7", "1"),
    ("KAAW", "KA-DMS", "E-Akte KAAW", "CAP-DMS", P, "enaio", None, "820000", "4", "0"),
    ("Kreis Steinfurt IT", "KS-ARB", "Arbeitsplatz Kreis Steinfurt", "CAP-WORK", W, "", None, "1900000", "12", "4"),
    ("Kreis Steinfurt IT", "KS-RZ", "Rechenzentrum Kreis Steinfurt", "CAP-DC", INF, "", None, "1300000", "7", "2"),
    ("Kreis Steinfurt IT", "KS-KFZ", "Kfz-Zulassung", "CAP-VEH", F, "OK.VORFAHRT", None, "540000", "3", "1"),
    ("Kreis Steinfurt IT", "KS-FIN", "Finanzwesen Kreis", "CAP-FIN", F, "SAP", None, "760000", "4", "2"),
    ("Kreis Steinfurt IT", "KS-DMS", "E-Akte Kreis", "CAP-DMS", P, "d.velop", None, "450000", "2", "0"),
]

CRITERIA: list[tuple[str, str, str]] = [
    ("Kosten (Kapitalwert)", "8", Direction.BENEFIT),
    ("Entgeltstabilität", "6", Direction.BENEFIT),
    ("Kommunale Steuerung", "7", Direction.BENEFIT),
    ("Inhouse-Fähigkeit", "8", Direction.BENEFIT),
    ("Personal", "5", Direction.BENEFIT),
    ("Umsetzungsrisiko", "5", Direction.BENEFIT),
    ("Digitalisierungstempo", "6", Direction.BENEFIT),
]

# name, kind, legal form, first year, stages, description, criteria scores (0–10, assumptions)
SCENARIOS: list[tuple[str, str, str, int, int, str, list[str]]] = [
    (
        "Kooperation: gemeinsamer Infrastrukturbetrieb",
        ScenarioKind.COOPERATION,
        LegalForm.AOR,
        2027,
        1,
        "Rechenzentren und Speicher gehen 2027 in eine gemeinsame AöR; Fachverfahren bleiben bei den Trägern.",
        ["5", "8", "8", "8", "8", "8", "4"],
    ),
    (
        "Holding + Betriebsgesellschaft in drei Stufen bis 2030",
        ScenarioKind.HOLDING,
        LegalForm.GMBH,
        2028,
        3,
        "Empfehlung des Gutachtens: Holding als Dach, Betriebs-GmbH; Stufe 1 Infrastruktur 2028, Stufe 2 "
        "Arbeitsplatz und Plattformen 2029, Stufe 3 Fachverfahren 2030.",
        ["7", "5", "6", "5", "5", "5", "7"],
    ),
    (
        "Vollfusion zur Münsterland-AöR 2028",
        ScenarioKind.MERGER,
        LegalForm.AOR,
        2028,
        1,
        "Alle drei Dienstleister gehen 2028 in einer AöR auf.",
        ["8", "4", "7", "9", "6", "3", "6"],
    ),
    (
        "NRW-Nukleus: Übergang an den Zentraldienstleister",
        ScenarioKind.VARIANT,
        LegalForm.AOR,
        2030,
        3,
        "Seed 004: ein zentraler Dienstleister entsteht als Nukleus und wächst modular um Produkte und "
        "Dienstleister: citeq bringt 2030 die Infrastruktur ein, KAAW tritt 2032 bei, Kreis Steinfurt IT 2034; "
        "bei jedem folgen Arbeitsplatz nach drei und Fachverfahren nach sechs Jahren (zuletzt 2040).",
        ["6", "6", "4", "6", "6", "4", "9"],
    ),
]


# NRW nucleus: years after the first stage in which each provider joins (citeq is the nucleus).
NUCLEUS_JOINS = {"citeq": 0, "KAAW": 2, "Kreis Steinfurt IT": 4}


def _org(kind: str, ags: str) -> Organization | None:
    return Organization.objects.filter(kind=kind, ags=ags).first()


def _profiles(providers: dict[str, Organization]) -> None:
    muenster = _org(OrganizationKind.MUNICIPALITY, "05515000")
    steinfurt = _org(OrganizationKind.DISTRICT, "05566")
    borken = Organization.objects.filter(kind=OrganizationKind.MUNICIPALITY, ags__startswith="05554").order_by("ags")
    kaaw_owners = _equal_owners([o.pk for o in borken])
    specs = [
        ("citeq", LegalForm.OWN_UNIT, muenster, [], "0"),
        ("KAAW", LegalForm.ASSOCIATION, None, kaaw_owners, "350000"),
        ("Kreis Steinfurt IT", LegalForm.OWN_UNIT, steinfurt, [], "150000"),
    ]
    for short, form, host, owners, overhead in specs:
        ProviderProfile.objects.get_or_create(
            provider=providers[short],
            defaults={"legal_form": form, "host": host, "owners": owners, "overhead": D(overhead)},
        )


def _equal_owners(ids: list[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    share = round_even(D(1) / len(ids), D("0.0001"))
    owners = [{"authority": pk, "share": str(share), "seats": 1} for pk in ids]
    owners[0]["share"] = str(D(1) - share * (len(ids) - 1))
    return owners


def _items(providers: dict[str, Organization]) -> int:
    created = 0
    borken = list(Organization.objects.filter(kind=OrganizationKind.MUNICIPALITY, ags__startswith="05554"))
    steinfurt = list(Organization.objects.filter(kind=OrganizationKind.MUNICIPALITY, ags__startswith="05566"))
    kreis = _org(OrganizationKind.DISTRICT, "05566")
    users = {"KAAW": borken, "Kreis Steinfurt IT": ([kreis] if kreis else []) + steinfurt[:6]}
    for short, code, name, task, category, vendor, number, cost, fte, civil in ITEMS:
        product = Product.objects.filter(number=number).first() if number else None
        item, was_created = PortfolioItem.objects.get_or_create(
            provider=providers[short],
            code=code,
            defaults={
                "name": name,
                "task_scheme": CAP,
                "task_key": task,
                "task_name": TASKS[task],
                "category": category,
                "vendor": vendor,
                "product": product,
                "annual_cost": None if product else D(cost) or D("250000"),
                "fte": D(fte),
                "civil_servant_fte": D(civil),
            },
        )
        if not was_created:
            continue
        created += 1
        if product is None:
            PortfolioUsage.objects.bulk_create(
                PortfolioUsage(item=item, member=org, key_value=D(org.population or 1)) for org in users.get(short, [])
            )
    return created


# Pay groups of the demo positions (assumptions): civil servants in the upper intermediate and higher service,
# employees of TVöD from E 8 to E 13.
CIVIL_PAY_GROUPS = ("A 9", "A 10", "A 11", "A 11", "A 12", "A 13", "A 14")
EMPLOYEE_PAY_GROUPS = ("E 8", "E 9a", "E 9b", "E 9b", "E 9c", "E 10", "E 11", "E 11", "E 12", "E 13")


def _persons(total: Decimal) -> list[Decimal]:
    """`total` FTE as persons of 1.0 FTE plus one part-time remainder."""
    whole = int(total)
    remainder = total - whole
    return [D(1)] * whole + ([remainder] if remainder > 0 else [])


def _staff(providers: dict[str, Organization]) -> int:
    """Positions for every demo provider without any, generated from its items' FTE (deterministic assumptions);
    through the import service, so that the item FTE stay the sums of the positions."""
    imported = 0
    for provider in providers.values():
        if StaffPosition.objects.filter(provider=provider).exists():
            continue
        rows: list[tuple[int, dict[str, str]]] = []
        for item in PortfolioItem.objects.filter(provider=provider).order_by("code"):
            civil = item.civil_servant_fte
            for status, part, pay_groups in (
                ("civil_servant", civil, CIVIL_PAY_GROUPS),
                ("employee", item.fte - civil, EMPLOYEE_PAY_GROUPS),
            ):
                for fte in _persons(part):
                    n = len(rows) + 1
                    rows.append(
                        (
                            n + 1,
                            {
                                "item": item.code,
                                "reference": f"P{n:05d}",
                                "status": status,
                                "pay_group": pay_groups[(n * 7) % len(pay_groups)],
                                "fte": str(fte),
                                "retirement_year": str(2026 + (n * 11) % 25),
                            },
                        )
                    )
        if rows:
            services.staff_import(actor=None, provider=provider, rows=rows)
            imported += 1
    return imported


def load_demo_scenarios() -> dict[str, Any]:
    """Portfolios, criteria and the four demo scenarios, calculated; nothing is created twice."""
    providers = {
        o.short_name: o
        for o in Organization.objects.filter(
            kind=OrganizationKind.PROVIDER, short_name__in=["citeq", "KAAW", "Kreis Steinfurt IT"]
        )
    }
    if len(providers) < 3:
        return {"items": 0, "scenarios": 0}
    with transaction.atomic():
        _profiles(providers)
        items = _items(providers)
        _staff(providers)
        for name, weight, direction in CRITERIA:
            Criterion.objects.get_or_create(name=name, defaults={"weight": D(weight), "direction": direction})
        criteria = list(Criterion.objects.order_by("id"))
        created = 0
        for name, kind, form, first, stages, description, scores in SCENARIOS:
            if Scenario.objects.filter(name=name).exists():
                continue
            scenario = services.scenario_create(
                actor=None,
                name=name,
                kind=kind,
                description=description,
                first_year=first,
                stages=stages,
                legal_form=form,
            )
            if kind == ScenarioKind.VARIANT:  # the NRW nucleus grows by products and by providers joining
                entity = ScenarioEntity.objects.get(scenario=scenario)
                entity.name = "Zentraldienstleister NRW (Nukleus)"
                entity.save()
                step: dict[str, int] = {INF: 0, W: 3, P: 3, F: 6}
                ScenarioMove.objects.bulk_create(
                    ScenarioMove(
                        scenario=scenario,
                        item=item,
                        entity=entity,
                        year=first + NUCLEUS_JOINS[item.provider.short_name] + step[item.category],
                    )
                    for item in PortfolioItem.objects.filter(provider__in=providers.values()).select_related("provider")
                )
            if kind == ScenarioKind.HOLDING:  # the holding's administration costs the operating company
                ScenarioEntity.objects.filter(scenario=scenario).update(
                    name="Betriebs-GmbH Münsterland", overhead=D("400000")
                )
                services.scenario_assumptions_set(
                    actor=None,
                    scenario=scenario,
                    assumptions={"synergy": {"low": "0.06", "likely": "0.12", "high": "0.18"}},
                )
            if kind == ScenarioKind.MERGER:
                services.scenario_assumptions_set(
                    actor=None,
                    scenario=scenario,
                    assumptions={
                        "synergy": {"low": "0.08", "likely": "0.15", "high": "0.22"},
                        "migration": {"low": "0.3", "likely": "0.45", "high": "0.7"},
                    },
                )
            for criterion, value in zip(criteria, scores, strict=False):
                CriterionScore.objects.create(scenario=scenario, criterion=criterion, value=D(value))
            services.scenario_calculate(actor=None, scenario=scenario)
            created += 1
        holding = Scenario.objects.filter(kind=ScenarioKind.HOLDING, status="draft").first()
        if holding is not None and created:
            services.scenario_publish(actor=None, scenario=holding)
        agenda = _on_the_agenda(providers["citeq"])
    return {"items": items, "scenarios": created, "agenda_items": agenda}


def _on_the_agenda(citeq: Organization) -> int:
    """The published holding scenario as a paper on the agenda of the invited ZA meeting of 10 Dec 2026."""
    scenario = Scenario.objects.filter(kind=ScenarioKind.HOLDING, status="published").first()
    meeting = Meeting.objects.filter(
        committee__body=citeq, committee__short_name="ZA", start=UPCOMING_START, deleted=False
    ).first()
    if scenario is None or meeting is None or meeting.state != MeetingState.INVITED:
        return 0
    if Paper.objects.filter(body=citeq, reference=SCENARIO_PAPER).exists():
        return 0
    paper = governance_services.paper_create(
        actor=None,
        body=citeq,
        reference=SCENARIO_PAPER,
        name=f"Konsolidierung: {scenario.name}",
        date=dt.date(2026, 11, 26),
        paper_type=PaperType.RESOLUTION,
        text="Die Projektgruppe Konsolidierung legt das Szenario mit Kosten, Entgelten je Mitglied, Rechtsprüfungen "
        "und Risiko vor (Szenarienbericht als Anlage).",
        proposed_resolution=f"Der Zentralausschuss beschließt das Szenario „{scenario.name}“ als Zielbild.",
        subject_kind=SubjectKind.SCENARIO_DECISION,
        subject_id=scenario.pk,
    )
    governance_services.agenda_item_add(actor=None, meeting=meeting, name=paper.name, paper=paper)
    return 1


def summary_line(result: dict[str, Any]) -> str:
    return (
        f"Demo scenarios: {result.get('items', 0)} portfolio items and {result.get('scenarios', 0)} scenarios "
        f"created, {result.get('agenda_items', 0)} put on the agenda (existing ones kept)."
    )
