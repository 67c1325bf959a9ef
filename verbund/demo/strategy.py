"""Demo of the digitalisation strategy (issue #17): the OZG/LeiKa catalogue imported, citeq's products tagged
with LeiKa keys, inventories for Münster, Hamm, Dülmen and Telgte (invented demo figures, marked as such), case
volumes and a roadmap for Münster. Idempotent: what exists is left alone (no second audit event)."""

import datetime as dt
from typing import Any

from verbund.catalog.models import Product
from verbund.registry.choices import OrganizationKind
from verbund.registry.models import Organization
from verbund.strategy import scope
from verbund.strategy.choices import EntrySource, RoadmapStatus, SolutionKind
from verbund.strategy.models import (
    CaseVolume,
    CatalogueImport,
    InventoryEntry,
    LeikaService,
    ProductServiceTag,
    RoadmapItem,
)
from verbund.strategy.services import (
    EntryData,
    case_volume_save,
    catalogue_import,
    coverage_refresh,
    inventory_entry_save,
    product_tag_add,
    roadmap_item_save,
)

GEWERBE_AN, GEWERBE_AB, GEWERBE_UM = "99050012104000", "99050012070000", "99050012071000"
PARKAUSWEIS, EHE, GEBURT = "99108001001000", "99059001104000", "99027002012000"
BRIEFWAHL, KFZ_AB, KFZ_ZU, AUSWEIS = "99128001120000", "99036008070000", "99036010007000", "99008001012000"

TAGS = {
    "OZG-020": (GEWERBE_AN, GEWERBE_AB, GEWERBE_UM, PARKAUSWEIS, EHE),
    "BUE-020": (GEBURT, EHE),
    "BUE-060": (BRIEFWAHL,),
    "BUE-030": (KFZ_AB, KFZ_ZU),
}
FULL_2020 = dict.fromkeys(
    (
        "information",
        "form",
        "submission",
        "evidence",
        "identification",
        "payment",
        "notice",
        "status",
        "once_only",
        "accessibility",
    ),
    3,
)
# (AGS, LeiKa key, online, solution kind, product number, online since, 2020 scores)
INVENTORY: tuple[tuple[str, str, bool, str, str, dt.date | None, dict[str, int] | None], ...] = (
    ("05515000", GEWERBE_AN, True, SolutionKind.OWN, "", dt.date(2022, 3, 1), FULL_2020),
    ("05515000", GEBURT, True, SolutionKind.CATALOGUE, "BUE-020", dt.date(2023, 1, 15), {**FULL_2020, "once_only": 2}),
    ("05515000", BRIEFWAHL, True, SolutionKind.CATALOGUE, "BUE-060", dt.date(2021, 8, 1), None),
    ("05515000", PARKAUSWEIS, False, SolutionKind.NONE, "", None, {**FULL_2020, "submission": 1, "form": 1}),
    ("05515000", AUSWEIS, False, SolutionKind.NONE, "", None, None),
    ("05915000", GEWERBE_AN, True, SolutionKind.EFA, "", dt.date(2023, 6, 1), None),
    ("05915000", PARKAUSWEIS, True, SolutionKind.EFA, "", dt.date(2024, 2, 1), None),
    ("05915000", KFZ_AB, True, SolutionKind.OWN, "", dt.date(2020, 10, 1), None),
    ("05558016", BRIEFWAHL, True, SolutionKind.CATALOGUE, "BUE-060", dt.date(2021, 8, 1), None),
    ("05558016", GEWERBE_AN, False, SolutionKind.NONE, "", None, None),
    ("05570044", EHE, True, SolutionKind.OWN, "", dt.date(2024, 5, 1), None),
    ("05570044", GEWERBE_AN, True, SolutionKind.EFA, "", dt.date(2023, 9, 1), None),
)
# (AGS, LeiKa key, year, cases, source, estimate)
VOLUMES = (
    ("05515000", PARKAUSWEIS, 2025, 9800, "Straßenverkehrsamt (Demo)", True),
    ("05515000", KFZ_AB, 2025, 21400, "Zulassungsstelle (Demo)", False),
    ("05515000", EHE, 2025, 1450, "Standesamt (Demo)", False),
    ("05515000", AUSWEIS, 2025, 38000, "Bürgerbüro (Demo)", True),
    ("05915000", KFZ_AB, 2025, 14800, "Zulassungsstelle (Demo)", False),
    ("05915000", EHE, 2025, 820, "Standesamt (Demo)", False),
    ("05558016", GEWERBE_AN, 2025, 610, "Gewerbeamt (Demo)", True),
)
# Münster's roadmap: (LeiKa key, milestone, office, status, done on, product number)
ROADMAP = (
    (PARKAUSWEIS, dt.date(2026, 6, 30), "Amt für Mobilität und Tiefbau", RoadmapStatus.IN_PROGRESS, None, "OZG-020"),
    (EHE, dt.date(2026, 9, 30), "Standesamt", RoadmapStatus.PLANNED, None, "BUE-020"),
    (KFZ_AB, dt.date(2026, 12, 31), "Straßenverkehrsamt", RoadmapStatus.PLANNED, None, "BUE-030"),
    (BRIEFWAHL, dt.date(2021, 8, 1), "Wahlamt", RoadmapStatus.DONE, dt.date(2021, 8, 1), "BUE-060"),
)


def _municipality(ags: str) -> Organization | None:
    return Organization.objects.filter(kind=OrganizationKind.MUNICIPALITY, ags=ags).first()


def load_demo_strategy(*, actor: Any = None) -> dict[str, int]:
    counts = {"catalogue_imported": 0, "tags": 0, "entries": 0, "volumes": 0, "milestones": 0}
    if not CatalogueImport.objects.exists():
        directory = scope.default_data_dir()
        if not directory.is_dir():
            return counts
        catalogue_import(actor=actor, directory=directory, source_name="KDN OZG-Datenbank NRW (Stand 2019)")
        counts["catalogue_imported"] = 1
    services = {
        s.key: s
        for s in LeikaService.objects.filter(
            key__in={row[1] for row in INVENTORY}
            | {k for keys in TAGS.values() for k in keys}
            | {row[0] for row in ROADMAP}
            | {row[1] for row in VOLUMES}
        )
    }
    products = {p.number: p for p in Product.objects.filter(number__in=[*TAGS, *(r[5] for r in ROADMAP)])}
    for number, keys in TAGS.items():
        product = products.get(number)
        for key in keys:
            if (
                product is not None
                and key in services
                and not ProductServiceTag.objects.filter(product=product, leika=services[key]).exists()
            ):
                product_tag_add(actor=actor, product=product, leika=services[key])
                counts["tags"] += 1
    touched = set()
    for ags, key, online, kind, number, since, scores in INVENTORY:
        org, service = _municipality(ags), services.get(key)
        if org is None or service is None or InventoryEntry.objects.filter(organization=org, leika=service).exists():
            continue
        data = EntryData(
            online=online,
            described=online,
            solution_kind=kind,
            product=products.get(number),
            online_since=since,
            scores={"2020": scores} if scores else None,
        )
        inventory_entry_save(
            actor=actor, organization=org, leika=service, data=data, source=EntrySource.DEMO, refresh=False
        )
        touched.add(org.pk)
        counts["entries"] += 1
    if touched:
        coverage_refresh(touched)
    for ags, key, year, cases, source, estimate in VOLUMES:
        org, service = _municipality(ags), services.get(key)
        if (
            org is None
            or service is None
            or CaseVolume.objects.filter(organization=org, leika=service, year=year).exists()
        ):
            continue
        case_volume_save(
            actor=actor,
            organization=org,
            leika=service,
            year=year,
            cases=cases,
            source=source,
            is_estimate=estimate,
            is_demo=True,
        )
        counts["volumes"] += 1
    muenster = _municipality("05515000")
    for key, milestone, office, status, done_on, number in ROADMAP:
        service = services.get(key)
        if (
            muenster is None
            or service is None
            or RoadmapItem.objects.filter(organization=muenster, leika=service).exists()
        ):
            continue
        roadmap_item_save(
            actor=actor,
            organization=muenster,
            leika=service,
            milestone=milestone,
            office=office,
            status=status,
            done_on=done_on,
            product=products.get(number),
            note="Demo",
        )
        counts["milestones"] += 1
    return counts


def summary_line(counts: dict[str, int]) -> str:
    return (
        f"Demo strategy: catalogue imported {counts.get('catalogue_imported', 0)}x, {counts.get('tags', 0)} product "
        f"tags, {counts.get('entries', 0)} inventory entries (demo figures), {counts.get('volumes', 0)} case "
        f"volumes, {counts.get('milestones', 0)} milestones created (existing ones kept)."
    )
