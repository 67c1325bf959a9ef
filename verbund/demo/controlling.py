"""Demo of the management contract (issue #15, seed 002): Stadt Münster – citeq, 2025–2029, with the nine goals
of the council's motion, two or more KPIs each, targets, budgets and measures; manual values for 2024 and 2025
(social-media reach and posts, LWL-IT cooperation projects and savings — invented demo figures, marked as
such); the computed figures collected for 2024 and 2025 from whatever source apps have demo data (the others
show "no data yet"); the contract in effect by the council's decision (a demo reference), and the 2025 report
submitted to the Betriebsausschuss as a paper.

Runs at the end of load-demo, so that the source apps' demo data exists when the figures are collected.
Idempotent: the contract, its values and the report are looked for first; collecting again writes nothing when
the figures are unchanged.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from verbund.controlling import services
from verbund.controlling.choices import ContractStatus
from verbund.controlling.models import Contract, Kpi, Measurement, Report
from verbund.governance.choices import MeetingState
from verbund.governance.models import Committee, Meeting
from verbund.governance.services import meeting_schedule
from verbund.registry.choices import OrganizationKind
from verbund.registry.models import Organization

NAME = "Managementkontrakt Stadt Münster – citeq"
DECISION = "Rat Münster 2024/0815 (Demo)"
REPORT_REFERENCE = "BA-V-2026/03"
MEETING_NAME = "Sitzung des Betriebsausschusses (Managementkontrakt)"
MEETING_START = dt.datetime(2027, 3, 17, 16, 0, tzinfo=dt.UTC)
EVIDENCE = "Demo-Zahl (erfunden) für die Vorführung"

# (title, contract text, budget per year in EUR, [(code, name, definition, unit, direction, source, key or
#  formula, breakdowns, target, tolerance)], [(measure, due date)])
GOALS: list[tuple[str, str, int, list[tuple[Any, ...]], list[tuple[str, dt.date]]]] = [
    (
        "Digitalstrategie",
        "Erarbeitung einer Strategie, die Münster zu einer der führenden deutschen Städte im Ausbau digitaler "
        "Dienstleistungen macht.",
        450000,
        [
            (
                "OZG",
                "OZG-Abdeckung",
                "Anteil kommunal vollzogener LeiKa-Leistungen mit Reifegrad ≥ 3",
                "share",
                "higher",
                "computed",
                "strategy.ozg_online_share",
                "",
                "0.60",
                "0.05",
            ),
            (
                "STRAT",
                "Meilensteine der Strategie",
                "Erledigte Meilensteine / geplante Meilensteine",
                "share",
                "higher",
                "manual",
                "",
                "",
                "0.80",
                "0.10",
            ),
        ],
        [("Bestands-, Potential- und Bedarfsanalyse vorlegen", dt.date(2025, 9, 30))],
    ),
    (
        "Kundenzufriedenheit",
        "Konsequente Kundenorientierung durch eine jährliche Kundenzufriedenheitsanalyse.",
        60000,
        [
            (
                "CSAT",
                "Zufriedenheit (Mittelwert 1–5)",
                "Mittelwert der Gesamtzufriedenheit, nach Mitgliedern gewichtet",
                "score",
                "higher",
                "computed",
                "surveys.satisfaction_mean",
                "member",
                "4.0",
                "0.2",
            ),
            (
                "TOP2",
                "Top-2-Box",
                "Anteil der Antworten 4 oder 5",
                "share",
                "higher",
                "computed",
                "surveys.top2_share",
                "",
                "0.75",
                "0.05",
            ),
            (
                "NPS",
                "Net Promoter Score",
                "Promotoren − Detraktoren in Prozentpunkten",
                "number",
                "higher",
                "computed",
                "surveys.nps",
                "",
                "20",
                "10",
            ),
            (
                "RESP",
                "Rücklaufquote",
                "Antworten / Eingeladene",
                "share",
                "higher",
                "computed",
                "surveys.response_rate",
                "",
                "0.50",
                "0.10",
            ),
        ],
        [("Jährliche Befragung im 4. Quartal", dt.date(2025, 11, 30))],
    ),
    (
        "Personal",
        "Abbau des Personalmangels bzw. Besetzung der unbesetzten Stellen.",
        250000,
        [
            (
                "OCC",
                "Besetzungsquote",
                "Besetzte VZÄ / Plan-VZÄ",
                "share",
                "higher",
                "computed",
                "evidence.occupancy_rate",
                "",
                "0.95",
                "0.03",
            ),
            (
                "TTF",
                "Time-to-fill",
                "Median der Tage von Ausschreibung bis Dienstantritt",
                "days",
                "lower",
                "computed",
                "evidence.time_to_fill_days",
                "",
                "90",
                "20",
            ),
            (
                "TURN",
                "Fluktuation",
                "Abgänge / durchschnittlicher Personalbestand",
                "share",
                "lower",
                "computed",
                "evidence.turnover_rate",
                "",
                "0.06",
                "0.02",
            ),
        ],
        [("Ausbildungsoffensive Fachinformatik", dt.date(2026, 8, 1))],
    ),
    (
        "Nachhaltige Beschaffung",
        "Ausrichtung auf eine nachhaltige Beschaffungspolitik von Hardware.",
        120000,
        [
            (
                "ECO",
                "Anteil nachhaltiger Hardware",
                "Geräte mit Blauer Engel DE-UZ 78, TCO Certified oder EPEAT / beschaffte Geräte",
                "share",
                "higher",
                "computed",
                "evidence.sustainable_hardware_share",
                "",
                "0.70",
                "0.10",
            ),
            (
                "LIFE",
                "Mittlere Nutzungsdauer",
                "Mittel von Ausmusterung − Beschaffung in Jahren",
                "years",
                "higher",
                "computed",
                "evidence.mean_service_life_years",
                "",
                "6",
                "1",
            ),
        ],
        [("Beschaffungsrichtlinie mit DE-UZ 78 als Mindestkriterium", dt.date(2025, 6, 30))],
    ),
    (
        "Datensicherheit",
        "Umfassende Sicherstellung von Datensicherheit.",
        380000,
        [
            (
                "SEC",
                "Umsetzungsgrad Grundschutz++",
                "Umgesetzte / anwendbare Anforderungen",
                "share",
                "higher",
                "computed",
                "evidence.security_implementation_rate",
                "",
                "0.85",
                "0.05",
            ),
            (
                "INC",
                "Sicherheitsvorfälle",
                "Anzahl Sicherheitsvorfälle im Jahr",
                "count",
                "lower",
                "computed",
                "evidence.security_incidents",
                "",
                "2",
                "2",
            ),
        ],
        [("ISMS-Audit nach Grundschutz++", dt.date(2026, 3, 31))],
    ),
    (
        "Stabile und verfügbare IT",
        "Gewährleistung einer stabilen, ausfallsicheren und verfügbaren IT.",
        520000,
        [
            (
                "AVAIL",
                "Verfügbarkeit",
                "Verfügbare Zeit / vereinbarte Servicezeit ohne Wartungsfenster",
                "share",
                "higher",
                "computed",
                "availability.availability_share",
                "member",
                "0.995",
                "0.003",
            ),
            (
                "SLA",
                "Eingehaltene SLAs",
                "Produkte mit eingehaltenem SLA / Produkte",
                "share",
                "higher",
                "computed",
                "availability.sla_met_share",
                "",
                "0.95",
                "0.05",
            ),
            (
                "MTTR",
                "MTTR",
                "Mittlere Zeit bis zur Wiederherstellung in Stunden",
                "hours",
                "lower",
                "computed",
                "availability.mttr_hours",
                "",
                "4",
                "2",
            ),
            (
                "P1",
                "Major Incidents",
                "Anzahl Störungen der Priorität 1",
                "count",
                "lower",
                "computed",
                "availability.major_incidents",
                "",
                "3",
                "2",
            ),
        ],
        [("Zweites Rechenzentrum georedundant", dt.date(2027, 12, 31))],
    ),
    (
        "Social Media",
        "Stärkung der Social-Media-Kanäle.",
        40000,
        [
            (
                "SM_REACH",
                "Reichweite",
                "Impressionen aller Kanäle im Jahr",
                "count",
                "higher",
                "manual",
                "",
                "",
                "500000",
                "50000",
            ),
            (
                "SM_POSTS",
                "Beiträge",
                "Anzahl veröffentlichter Beiträge",
                "count",
                "higher",
                "manual",
                "",
                "",
                "200",
                "20",
            ),
            (
                "SM_PER_POST",
                "Reichweite je Beitrag",
                "Reichweite / Beiträge",
                "number",
                "higher",
                "formula",
                "SM_REACH / SM_POSTS",
                "",
                "2500",
                "250",
            ),
        ],
        [("Redaktionsplan mit den Fachämtern", dt.date(2025, 3, 31))],
    ),
    (
        "Home-Office",
        "Entwicklung einer Strategie für die Stärkung von Home-Office/Telearbeit.",
        90000,
        [
            (
                "HO",
                "Telearbeitsquote",
                "Beschäftigte mit Telearbeitsvereinbarung / Beschäftigte",
                "share",
                "higher",
                "computed",
                "evidence.home_office_share",
                "",
                "0.60",
                "0.10",
            ),
            (
                "HO_STRAT",
                "Strategie beschlossen",
                "1 wenn die Home-Office-Strategie beschlossen ist, sonst 0",
                "number",
                "higher",
                "manual",
                "",
                "",
                "1",
                "0",
            ),
        ],
        [("Dienstvereinbarung Telearbeit", dt.date(2025, 12, 31))],
    ),
    (
        "Kooperation LWL-IT",
        "Stärkung und Ausbau der Kooperation mit der IT des Landschaftsverbandes Westfalen-Lippe.",
        150000,
        [
            (
                "LWL_PROJ",
                "Gemeinsame Projekte",
                "Anzahl gemeinsamer Projekte und Dienste im Betrieb",
                "count",
                "higher",
                "manual",
                "",
                "",
                "4",
                "1",
            ),
            (
                "LWL_SAVE",
                "Einsparungen",
                "Einsparung gegenüber Alleinbetrieb in EUR",
                "eur",
                "higher",
                "manual",
                "",
                "",
                "250000",
                "50000",
            ),
        ],
        [("Gemeinsamer Betrieb der E-Akte prüfen", dt.date(2026, 6, 30))],
    ),
]

# (code, year, value, commentary)
MANUAL: list[tuple[str, int, str, str]] = [
    ("STRAT", 2024, "0.40", "Bestandsanalyse abgeschlossen."),
    ("STRAT", 2025, "0.75", "Potential- und Bedarfsanalyse vorgelegt, Priorisierung offen."),
    ("SM_REACH", 2024, "410000", ""),
    ("SM_REACH", 2025, "530000", "Neuer Instagram-Kanal seit März."),
    ("SM_POSTS", 2024, "160", ""),
    ("SM_POSTS", 2025, "190", "Zwei Monate ohne Redaktion."),
    ("HO_STRAT", 2024, "0", ""),
    ("HO_STRAT", 2025, "1", "Strategie vom Verwaltungsvorstand beschlossen."),
    ("LWL_PROJ", 2024, "2", ""),
    ("LWL_PROJ", 2025, "3", "Gemeinsamer Betrieb des Bürgerportals."),
    ("LWL_SAVE", 2024, "120000", ""),
    ("LWL_SAVE", 2025, "210000", "Gemeinsame Lizenzbeschaffung."),
]


def _contract(actor: Any, citeq: Organization, city: Organization) -> Contract:
    contract = Contract.objects.filter(provider=citeq, name=NAME).first()
    if contract is not None:
        return contract
    contract = services.contract_create(
        actor=actor, provider=citeq, city=city, name=NAME, start_year=2025, end_year=2029, demo=True
    )
    for title, text, budget, kpis, measures in GOALS:
        goal = services.goal_add(actor=actor, contract=contract, title=title, text=text)
        for year in contract.years:
            services.budget_set(actor=actor, goal=goal, year=year, amount=Decimal(budget))
        for text_, due in measures:
            services.measure_add(
                actor=actor,
                goal=goal,
                text=text_,
                due_on=due,
                done=due.year < 2026,
                done_on=due if due.year < 2026 else None,
            )
        for code, name, definition, unit, direction, source, key, breakdowns, target, tolerance in kpis:
            kpi = services.kpi_create(
                actor=actor,
                goal=goal,
                code=code,
                name=name,
                definition=definition,
                unit=unit,
                direction=direction,
                source_kind=source,
                source_key=key if source == "computed" else "",
                formula=key if source == "formula" else "",
                breakdowns=breakdowns,
            )
            services.target_set(
                actor=actor, kpi=kpi, valid_from=2024, value=Decimal(target), tolerance=Decimal(tolerance)
            )
    return services.contract_approve(
        actor=actor, contract=contract, decision_reference=DECISION, approved_on=dt.date(2024, 12, 12)
    )


def _meeting(actor: Any, citeq: Organization) -> Meeting | None:
    committee = Committee.objects.filter(body=citeq, short_name="BA").first()
    if committee is None:
        return None
    meeting = Meeting.objects.filter(committee=committee, name=MEETING_NAME).first()
    if meeting is None:
        meeting = meeting_schedule(
            actor=actor, committee=committee, name=MEETING_NAME, start=MEETING_START, location="Münster, Stadthaus 1"
        )
    return meeting if meeting.state in (MeetingState.SCHEDULED, MeetingState.INVITED) else None


@transaction.atomic
def load_demo_controlling(*, actor: Any = None) -> str:
    citeq = Organization.objects.filter(kind=OrganizationKind.PROVIDER, short_name="citeq").first()
    city = Organization.objects.filter(kind=OrganizationKind.MUNICIPALITY, ags="05515000").first()
    if citeq is None or city is None:
        return "Demo management contract: skipped (no citeq or Münster)."
    contract = _contract(actor, citeq, city)
    entered = 0
    kpis = {k.code: k for k in Kpi.objects.filter(goal__contract=contract)}
    for code, year, value, comment in MANUAL:
        if Measurement.objects.filter(kpi=kpis[code], year=year, member__isnull=True).exists():
            continue
        services.measurement_enter(
            actor=actor,
            kpi=kpis[code],
            year=year,
            value=Decimal(value),
            evidence=services.Evidence(text=EVIDENCE),
            comment=comment,
            demo=True,
        )
        entered += 1
    collected = 0
    for year in (2024, 2025):
        collected += services.collect_computed(actor=actor, contract=contract, year=year, demo=True).stored
    report = Report.objects.filter(contract=contract, year=2025).first()
    if report is None and contract.status == ContractStatus.EFFECTIVE:
        meeting = _meeting(actor, citeq)
        if meeting is not None:
            report = services.report_submit(
                actor=actor, contract=contract, year=2025, meeting=meeting, reference=REPORT_REFERENCE, demo=True
            )
            services.report_render(actor=actor, report=report)  # archived PDF, as the submission's job does
    no_data = (
        Kpi.objects.filter(goal__contract=contract, source_kind="computed").exclude(measurements__year=2025).count()
    )
    return (
        f"Demo management contract: {contract.goals.count()} goals, {len(kpis)} KPIs, {entered} manual values "
        f"entered, {collected} computed values collected ({no_data} KPIs without data yet), report 2025 "
        f"{'submitted' if report else 'not submitted'}."
    )
