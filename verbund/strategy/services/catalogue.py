"""Import of the OZG/LeiKa catalogue (`verbund import-ozg-catalogue DIR`, and the web job).

Every row is checked; a row that cannot be used is reported with file, line and reason and skipped, the import
goes on. A missing file or header stops the import before anything is written. The import compares with the
catalogue in the database: new entries are added, entries whose data differ are changed, entries no longer in
the files are marked withdrawn (they stay, for history and for the inventories that reference them). Each
difference is a `CatalogueChange` row of this import; importing the same files again changes nothing.

Identity: Themenfeld by its FIM slug, Lebenslage by name, OZG-Leistung by OZG id, LeiKa-Leistung by its 14-digit
key (or, for "nicht im LeiKa" rows, by a hash of its OZG id and name).
"""

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from verbund.core.audit import audit_record
from verbund.core.models import AuditAction
from verbund.core.spreadsheet import Sheet, SpreadsheetError
from verbund.jobs.kinds import Progress, no_progress
from verbund.registry.choices import OrganizationKind
from verbund.registry.models import Organization
from verbund.strategy import scope
from verbund.strategy.choices import CatalogueEntity, ChangeKind, CommuneMatch
from verbund.strategy.engine.matching import Official, match_names
from verbund.strategy.models import (
    CatalogueChange,
    CatalogueImport,
    Lebenslage,
    LeikaService,
    NrwCommune,
    OzgService,
    Themenfeld,
)


class CatalogueFileError(SpreadsheetError):
    """A file of the catalogue is missing or its header is wrong: nothing was imported."""


# German names of the 14 Themenfelder (as the sources write them) → the FIM API slug (standards §3.2).
THEMENFELD_SLUGS = {
    "arbeit & ruhestand": "arbeit_ruhestand",
    "bauen & wohnen": "bauen_wohnen",
    "bildung": "bildung",
    "ein- & auswanderung": "ein_auswanderung",
    "engagement & hobby": "engagement_hobby",
    "familie & kind": "familie_kind",
    "forschung & förderung": "forschung_foerderung",
    "gesundheit": "gesundheit",
    "mobilität & reisen": "mobilitaet_reisen",
    "querschnitt": "querschnittsleistungen",
    "querschnittsleistungen": "querschnittsleistungen",
    "recht & ordnung": "recht_ordnung",
    "steuern & zoll": "steuern_zoll",
    "umwelt": "umwelt",
    "unternehmensführung & -entwicklung": "unternehmensfuehrung_entwicklung",
}
NOT_IN_LEIKA = {"", "nicht im leika"}
LEIKA_KEY = re.compile(r"^\d{14}$")
OZG_ID = re.compile(r"^\d{4,6}$")

SHEETS = {
    "themenfelder.csv": Sheet(columns=("id", "name"), error=CatalogueFileError),
    "lebenslagen.csv": Sheet(columns=("id", "subject_id", "name"), error=CatalogueFileError),
    "ozg_leistungen.csv": Sheet(
        columns=("id", "situation_id", "service_key", "name", "priority_id"),
        required=("id", "situation_id", "service_key", "name"),
        error=CatalogueFileError,
    ),
    "leika_leistungen.csv": Sheet(
        columns=(
            "id",
            "service_system_id",
            "service_key",
            "name",
            "service_type",
            "legal_basis",
            "laws",
            "law_shortcuts",
            "relevance1",
            "relevance2",
        ),
        required=("id", "service_system_id", "service_key", "name", "service_type"),
        error=CatalogueFileError,
    ),
    "prioritaeten.csv": Sheet(columns=("id", "level", "name"), error=CatalogueFileError),
    "nrw_kommunen.csv": Sheet(columns=("id", "name", "url"), required=("id", "name"), error=CatalogueFileError),
}
REQUIRED_FILES = ("themenfelder.csv", "lebenslagen.csv", "ozg_leistungen.csv", "leika_leistungen.csv")


@dataclass(frozen=True)
class SkippedRow:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass
class ImportReport:
    catalogue_import: CatalogueImport | None = None
    skipped: list[SkippedRow] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    added: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    withdrawn: dict[str, int] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)  # "added leika 99…: name" (first lines for the report)
    communes_matched: int = 0
    communes_unmatched: list[dict[str, Any]] = field(default_factory=list)

    @property
    def total_changed(self) -> int:
        return sum(self.changed.values())

    def summary_line(self) -> str:
        """The line the command ends with (issue #17), always in this form."""
        return (
            f"OZG-Leistungen: {self.counts.get('ozg', 0)}, LeiKa-Leistungen: {self.counts.get('leika', 0)} "
            f"({self.counts.get('leika_keyed', 0)} with a 14-digit key), skipped: {len(self.skipped)}, "
            f"changed: {self.total_changed}"
        )

    def diff_line(self) -> str:
        return _("Added: %(added)s, changed: %(changed)s, withdrawn: %(withdrawn)s") % {
            "added": sum(self.added.values()),
            "changed": self.total_changed,
            "withdrawn": sum(self.withdrawn.values()),
        }


def _missing_file(name: str, directory: Path) -> SpreadsheetError:
    return SHEETS[name].refuse(
        _("The file %(name)s is missing in %(directory)s.") % {"name": name, "directory": directory}, line=0
    )


def _read(directory: Path, name: str, *, optional: bool = False) -> list[tuple[int, dict[str, str]]]:
    path = directory / name
    if not path.is_file():
        if optional:
            return []
        raise _missing_file(name, directory)
    try:
        return SHEETS[name].read_file(path)
    except CatalogueFileError as exc:
        exc.errors = [type(e)(e.line, f"{name}: {e.column}".rstrip(": "), e.message) for e in exc.errors]
        raise


def _digits(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


def leika_ident(key: str, ozg_id: str, name: str) -> str:
    if key:
        return key
    digest = hashlib.sha1(f"{ozg_id}|{name}".encode()).hexdigest()[:24]
    return f"x{digest}"


@dataclass
class _Parsed:
    themenfelder: dict[str, dict[str, Any]] = field(default_factory=dict)  # slug → fields
    lebenslagen: dict[str, dict[str, Any]] = field(default_factory=dict)  # name → fields (themenfeld slug)
    ozg: dict[str, dict[str, Any]] = field(default_factory=dict)  # ozg id → fields (lebenslage name)
    leika: dict[str, dict[str, Any]] = field(default_factory=dict)  # ident → fields (ozg id or "")
    protected: dict[str, set[str]] = field(default_factory=lambda: {e.value: set() for e in CatalogueEntity})
    communes: list[tuple[int, str, str]] = field(default_factory=list)


def _parse(directory: Path, report: ImportReport) -> _Parsed:
    """Read and check every row of the files; usable rows become field dicts, the others `report.skipped`."""
    parsed = _Parsed()
    skip = report.skipped.append
    files = {name: _read(directory, name) for name in REQUIRED_FILES}
    priorities: dict[int, int] = {}
    for line, row in _read(directory, "prioritaeten.csv", optional=True):
        pid, level = _digits(row["id"]), _digits(row["level"])
        if pid is None or level is None:
            skip(SkippedRow("prioritaeten.csv", line, gettext_noop("id and level must be whole numbers")))
            continue
        priorities[pid] = level

    subject_slugs: dict[int, str] = {}
    for line, row in files["themenfelder.csv"]:
        tid, name = _digits(row["id"]), " ".join(row["name"].split())
        slug = THEMENFELD_SLUGS.get(name.lower())
        if tid is None:
            skip(SkippedRow("themenfelder.csv", line, gettext_noop("id is not a whole number")))
        elif slug is None:
            skip(SkippedRow("themenfelder.csv", line, f"unknown Themenfeld {name!r}"))
        elif tid in subject_slugs or slug in parsed.themenfelder:
            skip(SkippedRow("themenfelder.csv", line, f"duplicate Themenfeld {name!r}"))
        else:
            subject_slugs[tid] = slug
            parsed.themenfelder[slug] = {"name": name}

    situations: dict[int, str] = {}
    for line, row in files["lebenslagen.csv"]:
        lid, subject, name = _digits(row["id"]), _digits(row["subject_id"]), " ".join(row["name"].split())
        if lid is None or not name or len(name) > 200:
            skip(SkippedRow("lebenslagen.csv", line, "id must be a whole number and the name 1 to 200 characters"))
        elif subject not in subject_slugs:
            skip(SkippedRow("lebenslagen.csv", line, f"unknown Themenfeld id {row['subject_id']!r}"))
        elif lid in situations or name in parsed.lebenslagen:
            skip(SkippedRow("lebenslagen.csv", line, f"duplicate Lebenslage {name!r}"))
            parsed.protected[CatalogueEntity.LEBENSLAGE].add(name)
        else:
            situations[lid] = name
            parsed.lebenslagen[name] = {"name": name, "themenfeld": subject_slugs[subject]}

    systems: dict[int, str] = {}
    for line, row in files["ozg_leistungen.csv"]:
        sid, situation = _digits(row["id"]), _digits(row["situation_id"])
        ozg_id, name = row["service_key"].strip(), " ".join(row["name"].split())
        if sid is None:
            skip(SkippedRow("ozg_leistungen.csv", line, "id is not a whole number"))
        elif not OZG_ID.match(ozg_id):
            skip(SkippedRow("ozg_leistungen.csv", line, f"bad OZG id {ozg_id!r} (4 to 6 digits)"))
        elif not name or len(name) > 300:
            skip(SkippedRow("ozg_leistungen.csv", line, "the name must have 1 to 300 characters"))
            parsed.protected[CatalogueEntity.OZG].add(ozg_id)
        elif situation not in situations:
            skip(SkippedRow("ozg_leistungen.csv", line, f"unknown Lebenslage id {row['situation_id']!r}"))
            parsed.protected[CatalogueEntity.OZG].add(ozg_id)
        elif sid in systems or ozg_id in parsed.ozg:
            skip(SkippedRow("ozg_leistungen.csv", line, f"duplicate OZG id {ozg_id}"))
        else:
            systems[sid] = ozg_id
            level = priorities.get(_digits(row.get("priority_id", "")) or 0, 0)
            parsed.ozg[ozg_id] = {"name": name, "lebenslage": situations[situation], "priority": level}

    types = scope.municipal_types()
    for line, row in files["leika_leistungen.csv"]:
        raw_key, name = row["service_key"].strip(), " ".join(row["name"].split())
        system_text = row["service_system_id"].strip()
        leika_type = ", ".join(scope.type_tokens(row["service_type"]))
        key = raw_key if LEIKA_KEY.match(raw_key) else ""
        system = _digits(system_text)
        ozg_id = systems.get(system, "") if system is not None else ""
        if not key and raw_key.lower() not in NOT_IN_LEIKA:
            skip(SkippedRow("leika_leistungen.csv", line, f"bad LeiKa key {raw_key!r} (14 digits)"))
            continue
        if not name or len(name) > 400:
            skip(SkippedRow("leika_leistungen.csv", line, "the name must have 1 to 400 characters"))
            if key:
                parsed.protected[CatalogueEntity.LEIKA].add(key)
            continue
        if system_text and system not in systems:
            skip(SkippedRow("leika_leistungen.csv", line, f"unknown OZG service id {system_text!r}"))
            if key:
                parsed.protected[CatalogueEntity.LEIKA].add(key)
            continue
        unknown = [t for t in scope.type_tokens(leika_type) if t not in scope.VALID_TYPES]
        if unknown:
            skip(SkippedRow("leika_leistungen.csv", line, f"unknown LeiKa type {', '.join(unknown)!r}"))
            if key:
                parsed.protected[CatalogueEntity.LEIKA].add(key)
            continue
        ident = leika_ident(key, ozg_id, name)
        if ident in parsed.leika:
            what = key or name
            skip(SkippedRow("leika_leistungen.csv", line, f"duplicate LeiKa service {what!r}"))
            continue
        parsed.leika[ident] = {
            "key": key,
            "name": name,
            "ozg": ozg_id,
            "leika_type": leika_type[:30],
            "legal_basis": row.get("legal_basis", "").strip(),
            "laws": row.get("laws", "").strip(),
            "sdg_relevant": row.get("relevance1", "").strip() == "1" or row.get("relevance2", "").strip() == "1",
            "municipal": scope.is_municipal(leika_type, types),
        }

    for line, row in _read(directory, "nrw_kommunen.csv", optional=True):
        cid, name = _digits(row["id"]), " ".join(row["name"].split())
        if cid is None or not name:
            skip(SkippedRow("nrw_kommunen.csv", line, "id must be a whole number and the name not empty"))
            continue
        parsed.communes.append((cid, name, row.get("url", "").strip()[:300]))
    return parsed


# ------------------------------------------------------------------------------------------------ applying


_QUIET_FIELDS = {"municipal"}  # derived from configuration: updated, but not a change of the catalogue


def _apply(
    *,
    entity: str,
    model: type[models.Model],
    ident_field: str,
    wanted: dict[str, dict[str, Any]],
    protected: set[str],
    resolve: Callable[[dict[str, Any]], dict[str, Any]],
    run: CatalogueImport,
    report: ImportReport,
    changes: list[CatalogueChange],
) -> None:
    manager: Any = model._default_manager
    existing = {getattr(obj, ident_field): obj for obj in manager.all()}
    created = []
    updated = []
    added = changed = withdrawn = 0
    now = timezone.now()
    for ident, data in wanted.items():
        values = resolve(data)
        obj = existing.get(ident)
        if obj is None:
            created.append(model(**{ident_field: ident}, **values, added_in=run))
            changes.append(
                CatalogueChange(
                    catalogue_import=run,
                    entity=entity,
                    ident=ident,
                    label=str(data.get("name", ""))[:400],
                    kind=ChangeKind.ADDED,
                    after=_json(values),
                )
            )
            added += 1
            continue
        attnames = {name: getattr(model._meta.get_field(name), "attname", name) for name in values}
        before = {name: getattr(obj, attnames[name]) for name in values}
        after = {name: value.pk if isinstance(value, models.Model) else value for name, value in values.items()}
        loud = {k for k in after if k not in _QUIET_FIELDS and before[k] != after[k]}
        quiet = {k for k in after if k in _QUIET_FIELDS and before[k] != after[k]}
        if loud or obj.withdrawn_in_id is not None or quiet:
            for name, value in values.items():
                setattr(obj, name, value)
            if loud or obj.withdrawn_in_id is not None:
                changes.append(
                    CatalogueChange(
                        catalogue_import=run,
                        entity=entity,
                        ident=ident,
                        label=str(data.get("name", ""))[:400],
                        kind=ChangeKind.CHANGED,
                        before={k: before[k] for k in loud} | ({"withdrawn": True} if obj.withdrawn_in_id else {}),
                        after={k: after[k] for k in loud},
                    )
                )
                changed += 1
            obj.withdrawn_in = None
            obj.modified = now
            updated.append(obj)
    for ident, obj in existing.items():
        if ident in wanted or ident in protected or obj.withdrawn_in_id is not None:
            continue
        obj.withdrawn_in = run
        obj.modified = now
        updated.append(obj)
        changes.append(
            CatalogueChange(
                catalogue_import=run,
                entity=entity,
                ident=ident,
                label=str(getattr(obj, "name", ""))[:400],
                kind=ChangeKind.WITHDRAWN,
            )
        )
        withdrawn += 1
    manager.bulk_create(created, batch_size=1000)
    if updated:
        sample = resolve(next(iter(wanted.values()))) if wanted else {}
        manager.bulk_update(updated, [*sample, "withdrawn_in", "modified"], batch_size=1000)
    report.added[entity], report.changed[entity], report.withdrawn[entity] = added, changed, withdrawn


def _json(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.pk if isinstance(v, models.Model) else v) for k, v in values.items()}


def _match_communes(parsed: _Parsed, report: ImportReport) -> None:
    officials = [
        Official(ags, name)
        for ags, name in Organization.objects.filter(kind=OrganizationKind.MUNICIPALITY, ags__startswith="05")
        .values_list("ags", "name")
        .iterator()
    ]
    by_ags = dict(
        Organization.objects.filter(kind=OrganizationKind.MUNICIPALITY, ags__startswith="05").values_list("ags", "pk")
    )
    matches = match_names([name for _cid, name, _url in parsed.communes], officials)
    existing = {c.source_id: c for c in NrwCommune.objects.all()}
    for (cid, name, url), match in zip(parsed.communes, matches, strict=True):
        values = {
            "name": name[:200],
            "url": url,
            "organization_id": by_ags.get(match.ags) if match.ags else None,
            "match": match.how,
            "candidates": "; ".join(match.candidates)[:500],
        }
        commune = existing.get(cid)
        if commune is None:
            NrwCommune.objects.create(source_id=cid, **values)
        elif any(getattr(commune, k) != v for k, v in values.items()):
            NrwCommune.objects.filter(pk=commune.pk).update(**values)
        if match.how in (CommuneMatch.AMBIGUOUS, CommuneMatch.NONE):
            report.communes_unmatched.append({"name": name, "match": match.how, "candidates": list(match.candidates)})
        else:
            report.communes_matched += 1


@transaction.atomic
def catalogue_import(
    *, actor: Any, directory: Path, source_name: str = "", progress: Progress = no_progress
) -> ImportReport:
    """Import the catalogue files of `directory` (see the module doc). Raises `CatalogueFileError` (nothing
    written) when a required file or column is missing."""
    report = ImportReport()
    progress(0, 4, gettext_noop("Reading the catalogue files"))
    parsed = _parse(Path(directory), report)
    run = CatalogueImport.objects.create(
        source_name=(source_name or str(directory))[:300],
        attribution=scope.ATTRIBUTION,
        imported_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    changes: list[CatalogueChange] = []
    progress(1, 4, gettext_noop("Comparing with the catalogue in the database"))
    common: dict[str, Any] = {"run": run, "report": report, "changes": changes}
    _apply(
        entity=CatalogueEntity.THEMENFELD,
        model=Themenfeld,
        ident_field="slug",
        wanted=parsed.themenfelder,
        protected=parsed.protected[CatalogueEntity.THEMENFELD],
        resolve=lambda d: dict(d),
        **common,
    )
    themen = {t.slug: t for t in Themenfeld.objects.all()}
    _apply(
        entity=CatalogueEntity.LEBENSLAGE,
        model=Lebenslage,
        ident_field="name",
        wanted=parsed.lebenslagen,
        protected=parsed.protected[CatalogueEntity.LEBENSLAGE],
        resolve=lambda d: {"themenfeld": themen[d["themenfeld"]]},
        **common,
    )
    lagen = {x.name: x for x in Lebenslage.objects.all()}
    _apply(
        entity=CatalogueEntity.OZG,
        model=OzgService,
        ident_field="ozg_id",
        wanted=parsed.ozg,
        protected=parsed.protected[CatalogueEntity.OZG],
        resolve=lambda d: {"name": d["name"], "lebenslage": lagen[d["lebenslage"]], "priority": d["priority"]},
        **common,
    )
    progress(2, 4, gettext_noop("Comparing the LeiKa services"))
    systems = {o.ozg_id: o for o in OzgService.objects.all()}
    _apply(
        entity=CatalogueEntity.LEIKA,
        model=LeikaService,
        ident_field="ident",
        wanted=parsed.leika,
        protected=parsed.protected[CatalogueEntity.LEIKA],
        resolve=lambda d: {**d, "ozg": systems.get(d["ozg"])},
        **common,
    )
    CatalogueChange.objects.bulk_create(changes, batch_size=1000)
    report.changes = [f"{c.kind} {c.entity} {c.ident}: {c.label}" for c in changes if c.kind != ChangeKind.ADDED]
    progress(3, 4, gettext_noop("Matching the municipalities"))
    if parsed.communes:
        _match_communes(parsed, report)
    live_leika = LeikaService.objects.filter(withdrawn_in__isnull=True)
    report.counts = {
        "ozg": OzgService.objects.filter(withdrawn_in__isnull=True).count(),
        "leika": live_leika.count(),
        "leika_keyed": live_leika.exclude(key="").count(),
    }
    run.ozg_count = report.counts["ozg"]
    run.leika_count = report.counts["leika"]
    run.leika_keyed_count = report.counts["leika_keyed"]
    run.skipped_count = len(report.skipped)
    run.skipped = [{"file": s.file, "line": s.line, "reason": s.reason} for s in report.skipped]
    run.added_count = sum(report.added.values())
    run.changed_count = report.total_changed
    run.withdrawn_count = sum(report.withdrawn.values())
    run.communes_matched = report.communes_matched
    run.communes_unmatched = report.communes_unmatched
    run.save()
    report.catalogue_import = run
    from verbund.strategy.services.inventory import coverage_refresh

    coverage_refresh()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=run, message=report.summary_line())
    progress(4, 4, gettext_noop("Imported"))
    return report


def skipped_lines(report: ImportReport, limit: int | None = None) -> Iterable[str]:
    rows = report.skipped if limit is None else report.skipped[:limit]
    return (str(row) for row in rows)
