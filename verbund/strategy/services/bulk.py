"""The national inventory load: the dashboard state of many municipalities at once (10,981 × 600 services =
6.6 million rows), with the semantics of the per-municipality dashboard import (`inventory_import_dashboard`):

- every row is checked first (known municipality, a LeiKa service of the catalogue that is not withdrawn, an
  http(s) address, each (municipality, service) once); a load with errors raises `BulkLoadError` listing them by
  line and column, and nothing is written;
- loading the same rows again changes nothing (no row, no timestamp, no audit event, no coverage figure);
- an entry that exists is updated like the dashboard import does: a catalogue solution entered by hand stays
  while the service is online, the name of the solution and the maturity scores stay, an empty address keeps the
  stored one;
- one audit event per municipality whose inventory changed (with the counts), then the coverage figures of those
  municipalities are refreshed.

PostgreSQL (ADR 0035): the rows go through psycopg's `COPY … FROM STDIN` into a temporary staging table, which
is checked for duplicates; then one `UPDATE … FROM` writes the entries that exist and changed and one
`INSERT … SELECT` the new ones. When the new rows are many compared with the table (the national load), the
table's foreign keys and secondary indexes are dropped for the insert and recreated afterwards in the same
transaction (one validating join and one sorted index build instead of millions of per-row trigger checks and
index insertions). The coverage figures are recomputed by one `INSERT … SELECT` on the server. Other databases
(SQLite in tests and development) use the ORM with `bulk_create` / `bulk_update`."""

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, NamedTuple

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from verbund.core.audit import audit_record_many, build_event
from verbund.core.models import AuditAction
from verbund.core.spreadsheet import RowError, SpreadsheetError
from verbund.jobs.kinds import Progress, no_progress
from verbund.registry.models import Organization
from verbund.strategy.choices import EntrySource, SolutionKind
from verbund.strategy.models import (
    CoverageFigure,
    InventoryEntry,
    Lebenslage,
    LeikaService,
    OzgService,
)

MAX_ERRORS = 200  # a refused load lists at most this many problems
REBUILD_MIN_ROWS = 200_000  # from this many new rows (and at least the table's size) indexes are rebuilt
CHUNK = 20_000  # rows per write to the COPY stream
PROGRESS_EVERY = 250_000


class BulkRow(NamedTuple):
    """One service of one municipality from a national source (e.g. the dashboard's per-ARS exports).
    `line` is the line of the source file for error messages (0: the row's position, counted from 1).
    A tuple: 6.6 million of them are made for a national load, about three times faster than a frozen dataclass."""

    organization_id: int
    leika_id: int
    online: bool
    efa: bool
    url: str = ""
    line: int = 0


class BulkLoadError(SpreadsheetError):
    columns = ("organization", "ars", "leika", "leika_key", "ozgid", "url", "online_status", "aktiv")


@dataclass
class BulkResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    municipalities: int = 0  # municipalities in the load
    per_municipality: dict[int, list[int]] = field(default_factory=dict)  # changed ones: [created, updated]
    rebuilt: bool = False  # PostgreSQL: indexes and foreign keys rebuilt instead of maintained row by row

    @property
    def changed_municipalities(self) -> list[int]:
        return sorted(self.per_municipality)


def _kind(online: bool, efa: bool) -> str:
    return SolutionKind.EFA if efa else SolutionKind.OWN if online else SolutionKind.NONE


class _Checker:
    """The per-row checks of both paths; collects at most MAX_ERRORS errors."""

    def __init__(self) -> None:
        self.organizations = set(Organization.objects.values_list("pk", flat=True))
        self.services = set(LeikaService.objects.filter(withdrawn_in__isnull=True).values_list("pk", flat=True))
        self.errors: list[RowError] = []

    def check(self, line: int, row: BulkRow | None) -> bool:
        if row is None:  # the source's own error, recorded already
            return False
        ok = True
        if row.organization_id not in self.organizations:
            self.error(line, "organization", _("Unknown municipality (id %(id)s).") % {"id": row.organization_id})
            ok = False
        if row.leika_id not in self.services:
            self.error(line, "leika", _("Not a LeiKa service of the catalogue (id %(id)s).") % {"id": row.leika_id})
            ok = False
        if row.url:
            if len(row.url) > 500:
                self.error(line, "url", _("At most 500 characters."))
                ok = False
            elif not row.url.lower().startswith(("http://", "https://")) or any(c < " " for c in row.url):
                self.error(line, "url", _("Give an address that starts with http:// or https://."))
                ok = False
        return ok

    def error(self, line: int, column: str, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(line, column, message))

    @property
    def full(self) -> bool:
        return len(self.errors) >= MAX_ERRORS


def inventory_bulk_load(
    *,
    actor: Any,
    rows: Iterable[BulkRow | RowError],
    source: str = EntrySource.DASHBOARD,
    total: int | None = None,
    progress: Progress = no_progress,
) -> BulkResult:
    """Load the inventories of many municipalities at once (see the module's docstring): all or nothing,
    idempotent, audited, coverage figures refreshed. `total` (the number of rows, if known) is for progress.
    A source that parses a file (`national_rows`) passes a RowError for a line it cannot read: the load is
    refused with it. Iterating `rows` must not query the database (on PostgreSQL the connection is in COPY)."""
    checker = _Checker()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            result = _load_postgres(checker, rows, source, total, progress)
        else:
            result = _load_orm(checker, rows, source, total, progress)
        steps = result.rows + 2
        progress(result.rows, steps, gettext_noop("Recording the changes of %(n)s municipalities"),
                 n=len(result.changed_municipalities))  # fmt: skip
        _audit(actor, result)
        progress(result.rows + 1, steps, gettext_noop("Refreshing the coverage figures"))
        if result.changed_municipalities:
            if connection.vendor == "postgresql":
                _coverage_refresh_sql(result.changed_municipalities)
            else:
                from verbund.strategy.services.inventory import coverage_refresh

                coverage_refresh(result.changed_municipalities)
        progress(steps, steps, gettext_noop("Loaded"))
    return result


def _numbered(rows: Iterable[BulkRow | RowError], checker: "_Checker") -> Iterator[tuple[int, BulkRow | None]]:
    """(line, row); for a RowError of the source, the error is recorded and the row is None."""
    for index, row in enumerate(rows, 1):
        if isinstance(row, RowError):
            checker.error(row.line, row.column, row.message)
            yield row.line, None
        else:
            yield row.line or index, row


def _report(done: int, total: int | None, progress: Progress) -> None:
    progress(done, max(total or 0, done) + 2, gettext_noop("Checking and reading the rows: %(n)s"), n=done)


# ------------------------------------------------------------------------------------------------ ORM path


def _load_orm(
    checker: _Checker, rows: Iterable[BulkRow | RowError], source: str, total: int | None, progress: Progress
) -> BulkResult:
    """SQLite and other databases (development and tests: small loads)."""
    result = BulkResult()
    seen: dict[tuple[int, int], int] = {}
    valid: list[tuple[int, BulkRow]] = []
    for line, row in _numbered(rows, checker):
        result.rows += 1
        if checker.check(line, row) and row is not None:
            first = seen.get((row.organization_id, row.leika_id))
            if first is not None:
                checker.error(line, "leika", _("The service appears twice for this municipality (first in line "
                                               "%(line)s).") % {"line": first})  # fmt: skip
            else:
                seen[(row.organization_id, row.leika_id)] = line
                valid.append((line, row))
        if checker.full:
            break
        if result.rows % PROGRESS_EVERY == 0:
            _report(result.rows, total, progress)
    if checker.errors:
        raise BulkLoadError(checker.errors)
    now = timezone.now()
    organizations = {row.organization_id for _line, row in valid}
    result.municipalities = len(organizations)
    existing = {
        (e.organization_id, e.leika_id): e
        for e in InventoryEntry.objects.filter(organization_id__in=organizations).order_by()
    }
    new: list[InventoryEntry] = []
    changed: list[InventoryEntry] = []
    for _line, row in valid:
        entry = existing.get((row.organization_id, row.leika_id))
        kind = _kind(row.online, row.efa)
        if entry is None:
            new.append(InventoryEntry(organization_id=row.organization_id, leika_id=row.leika_id, online=row.online,
                                      described=True, solution_kind=kind, url=row.url, source=source,
                                      created=now, modified=now))  # fmt: skip
            continue
        keep = entry.solution_kind == SolutionKind.CATALOGUE and row.online
        values = {
            "online": row.online,
            "described": True,
            "solution_kind": SolutionKind.CATALOGUE if keep else kind,
            "product_id": entry.product_id if keep else None,
            "url": row.url or entry.url,
        }
        if all(getattr(entry, name) == value for name, value in values.items()):
            result.unchanged += 1
            continue
        for name, value in values.items():
            setattr(entry, name, value)
        entry.online_since = entry.online_since if row.online else None
        entry.source, entry.modified = source, now
        changed.append(entry)
    InventoryEntry.objects.bulk_create(new, batch_size=5000)
    fields = ["online", "described", "solution_kind", "product", "url", "online_since", "source", "modified"]
    InventoryEntry.objects.bulk_update(changed, fields, batch_size=2000)
    result.created, result.updated = len(new), len(changed)
    result.per_municipality = _counts_of(new, changed)
    return result


def _counts_of(new: list[InventoryEntry], changed: list[InventoryEntry]) -> dict[int, list[int]]:
    counts: dict[int, list[int]] = {}
    for entry in new:
        counts.setdefault(entry.organization_id, [0, 0])[0] += 1
    for entry in changed:
        counts.setdefault(entry.organization_id, [0, 0])[1] += 1
    return counts


# ------------------------------------------------------------------------------------------------ PostgreSQL path

STAGING = "strategy_inventory_staging"


def _escape(text: str) -> str:
    """A value for COPY's text format."""
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _load_postgres(
    checker: _Checker, rows: Iterable[BulkRow | RowError], source: str, total: int | None, progress: Progress
) -> BulkResult:
    result = BulkResult()
    table = InventoryEntry._meta.db_table
    # Django's cursor wrapper does not see COPY: wrap its errors (Django's IntegrityError, not psycopg's own).
    with connection.cursor() as cursor, connection.wrap_database_errors:
        # ON COMMIT DROP, and dropped first: a caller's transaction may hold the table of an earlier load.
        cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {STAGING} (line integer NOT NULL, organization_id integer NOT NULL, "
            "leika_id integer NOT NULL, online boolean NOT NULL, efa boolean NOT NULL, url text NOT NULL) "
            "ON COMMIT DROP"
        )
        staged = _stage(cursor, checker, rows, result, total, progress)
        if checker.errors:
            raise BulkLoadError(checker.errors)
        result.municipalities = len(staged)
        progress(result.rows, result.rows + 2, gettext_noop("Writing the inventory"))
        # Room for the hash joins, the aggregation and the index builds of a national load (this transaction only).
        cursor.execute("SET LOCAL work_mem = '128MB'")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
        if not cursor.fetchone()[0] and sum(staged.values()) >= REBUILD_MIN_ROWS:
            counts, result.rebuilt = _write_into_empty(cursor, source, staged), True
        else:
            duplicates = _duplicates(cursor)
            if duplicates:
                raise BulkLoadError(duplicates)
            cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [table])
            existing = max(cursor.fetchone()[0], 0)
            counts, result.rebuilt = _write(cursor, source, existing)
    for created, updated in counts.values():
        result.created += created
        result.updated += updated
    result.unchanged = result.rows - result.created - result.updated
    result.per_municipality = counts
    return result


_FLAGS = ("f\tf\t", "f\tt\t", "t\tf\t", "t\tt\t")  # COPY text of (online, efa), then an empty url


def _stage(
    cursor: Any,
    checker: _Checker,
    rows: Iterable[BulkRow | RowError],
    result: BulkResult,
    total: int | None,
    progress: Progress,
) -> dict[int, int]:
    """COPY the checked rows into the staging table (text format in chunks: measured faster than write_row's
    per-value adaptation, ADR 0035); returns the rows staged per municipality. A row of a known municipality and
    service without an address takes a short path with the same checks; any other row the checker's."""
    staged: dict[int, int] = {}
    organizations, services = checker.organizations, checker.services
    with cursor.cursor.copy(f"COPY {STAGING} FROM STDIN") as copy:
        chunk: list[str] = []
        append = chunk.append
        count = 0
        for count, row in enumerate(rows, 1):
            if isinstance(row, RowError):  # the source's own error
                checker.error(row.line, row.column, row.message)
                if checker.full:
                    break
                continue
            organization, leika, online, efa, url, line = row
            line = line or count
            if not url and organization in organizations and leika in services:
                if not checker.errors:
                    append(f"{line}\t{organization}\t{leika}\t{_FLAGS[online * 2 + efa]}\n")
                    staged[organization] = staged.get(organization, 0) + 1
                if len(chunk) >= CHUNK:
                    copy.write("".join(chunk))
                    chunk.clear()
                    if count % PROGRESS_EVERY < CHUNK:
                        _report(count, total, progress)
                continue
            if not checker.check(line, row):
                if checker.full:
                    break
                continue
            if checker.errors:
                continue  # refused anyway: only look for further errors
            url = _escape(row.url) if row.url else ""
            append(f"{line}\t{row.organization_id}\t{row.leika_id}\t{'t' if row.online else 'f'}\t"
                   f"{'t' if row.efa else 'f'}\t{url}\n")  # fmt: skip
            staged[row.organization_id] = staged.get(row.organization_id, 0) + 1
        result.rows = count
        if chunk and not checker.errors:
            copy.write("".join(chunk))
    return staged


def _write_into_empty(cursor: Any, source: str, staged: dict[int, int]) -> dict[int, list[int]]:
    """The national load into an empty inventory: every staged row is new, so the rows go in with one
    `INSERT … SELECT` while the table's foreign keys and secondary indexes are dropped, and the duplicate check
    is the unique constraint's rebuild; only when that fails are the duplicates looked up (by line) in the
    staging table. Saves the aggregation over all staged rows, the update and the copy of the new rows that
    `_write` needs when entries exist. Returns per municipality [created, 0]."""
    table = InventoryEntry._meta.db_table
    try:
        with transaction.atomic():  # a savepoint: after a failed rebuild the staging table is still readable
            restore = _drop_indexes(cursor, table)
            cursor.execute(f"INSERT INTO {table} ({_COLUMNS}) SELECT {_NEW_VALUES} FROM {STAGING} s", _params(source))
            for statement in restore:
                cursor.execute(statement)
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # back to Django's initially deferred foreign keys
    except IntegrityError:
        duplicates = _duplicates(cursor)
        if duplicates:
            raise BulkLoadError(duplicates) from None
        raise
    return {organization: [created, 0] for organization, created in staged.items()}


def _duplicates(cursor: Any) -> list[RowError]:
    cursor.execute(
        f"SELECT min(line), max(line) FROM {STAGING} GROUP BY organization_id, leika_id HAVING count(*) > 1 "
        f"ORDER BY 2 LIMIT {MAX_ERRORS}"
    )
    return [
        RowError(
            last,
            "leika",
            _("The service appears twice for this municipality (first in line %(line)s).") % {"line": first},
        )
        for first, last in cursor.fetchall()
    ]


_NEW_VALUES = (
    "s.organization_id, s.leika_id, s.online, true, CASE WHEN s.efa THEN 'efa' WHEN s.online THEN 'own' ELSE "
    "'none' END, NULL, '', s.url, NULL, NULL, NULL, %(source)s, %(now)s, %(now)s"
)
_COLUMNS = (
    "organization_id, leika_id, online, described, solution_kind, product_id, solution_name, url, online_since, "
    "level_2020, level_2025, source, created, modified"
)
# The update of an existing entry (e: the entry, n: the new row with its solution kind): as the dashboard import.
_KEEP = "(e.solution_kind = 'catalogue' AND n.online)"
_SET = (
    f"online = n.online, described = true, solution_kind = CASE WHEN {_KEEP} THEN 'catalogue' ELSE n.kind END, "
    f"product_id = CASE WHEN {_KEEP} THEN e.product_id END, url = CASE WHEN n.url <> '' THEN n.url ELSE e.url END, "
    "online_since = CASE WHEN n.online THEN e.online_since END, source = %(source)s, modified = %(now)s"
)
_CHANGED = (
    f"(e.online <> n.online OR NOT e.described OR e.solution_kind <> CASE WHEN {_KEEP} THEN 'catalogue' ELSE "
    f"n.kind END OR e.product_id IS DISTINCT FROM CASE WHEN {_KEEP} THEN e.product_id END OR "
    "(n.url <> '' AND e.url <> n.url))"
)
NEW = "strategy_inventory_new"


def _params(source: str) -> dict[str, Any]:
    return {"source": source, "now": timezone.now()}


def _write(cursor: Any, source: str, existing: int) -> tuple[dict[int, list[int]], bool]:
    """Update the entries that exist and changed (indexes in place), then insert the new ones: with the indexes
    in place, or, when there are at least REBUILD_MIN_ROWS of them and at least as many as the table held,
    without foreign keys and secondary indexes, which are recreated afterwards (one validating join and one
    sorted build instead of millions of per-row trigger checks and index insertions). Returns per municipality
    [created, updated] and whether it rebuilt."""
    table = InventoryEntry._meta.db_table
    counts: dict[int, list[int]] = {}
    new_kind = "CASE WHEN s.efa THEN 'efa' WHEN s.online THEN 'own' ELSE 'none' END"
    cursor.execute(
        f"WITH n AS (SELECT s.organization_id, s.leika_id, s.online, s.url, {new_kind} AS kind FROM {STAGING} s), "
        f"u AS (UPDATE {table} e SET {_SET} FROM n WHERE e.organization_id = n.organization_id "
        f"AND e.leika_id = n.leika_id AND {_CHANGED} RETURNING e.organization_id) "
        "SELECT organization_id, count(*) FROM u GROUP BY organization_id",
        _params(source),
    )
    for org, updated in cursor.fetchall():
        counts.setdefault(org, [0, 0])[1] = updated
    cursor.execute(f"DROP TABLE IF EXISTS {NEW}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {NEW} ON COMMIT DROP AS SELECT s.* FROM {STAGING} s WHERE NOT EXISTS "
        f"(SELECT 1 FROM {table} e WHERE e.organization_id = s.organization_id AND e.leika_id = s.leika_id)"
    )
    cursor.execute(f"SELECT count(*) FROM {NEW}")
    new = cursor.fetchone()[0]
    rebuild = new >= REBUILD_MIN_ROWS and new >= existing
    restore = _drop_indexes(cursor, table) if rebuild else []
    cursor.execute(
        f"WITH i AS (INSERT INTO {table} ({_COLUMNS}) SELECT {_NEW_VALUES} FROM {NEW} s "
        "RETURNING organization_id) SELECT organization_id, count(*) FROM i GROUP BY organization_id",
        _params(source),
    )
    for org, created in cursor.fetchall():
        counts.setdefault(org, [0, 0])[0] = created
    for statement in restore:
        cursor.execute(statement)
    if rebuild:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # back to Django's initially deferred foreign keys
    return counts, rebuild


def _drop_indexes(cursor: Any, table: str) -> list[str]:
    """Drop the table's foreign keys, unique constraints and secondary indexes (not the primary key); return
    the statements that recreate them (indexes, then unique constraints, then foreign keys)."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
        "AND contype IN ('f', 'u') ORDER BY contype DESC, conname",  # unique before foreign keys
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) ORDER BY i.relname",
        [table],
    )
    indexes = cursor.fetchall()
    # Deferred checks of earlier writes in this transaction would block the ALTER TABLE: run them now.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for name, _definition in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in indexes] + [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for name, definition in constraints
    ]


def _coverage_refresh_sql(organization_ids: list[int]) -> None:
    """The coverage figures of these municipalities, recomputed on the server (the same
    figures as `coverage_refresh`, which the ORM path and the single-entry services use)."""
    figures = CoverageFigure._meta.db_table
    inventory = InventoryEntry._meta.db_table
    leika, ozg = LeikaService._meta.db_table, OzgService._meta.db_table
    lagen = Lebenslage._meta.db_table
    in_scope = (
        f"SELECT l.id AS leika_id, g.themenfeld_id FROM {leika} l JOIN {ozg} o ON o.id = l.ozg_id "
        f"JOIN {lagen} g ON g.id = o.lebenslage_id WHERE l.municipal AND l.withdrawn_in_id IS NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS strategy_scope_staging, strategy_orgs_staging")
        cursor.execute(f"CREATE TEMPORARY TABLE strategy_scope_staging ON COMMIT DROP AS {in_scope}")
        cursor.execute("CREATE TEMPORARY TABLE strategy_orgs_staging ON COMMIT DROP AS "
                       "SELECT unnest(%s::integer[]) AS organization_id", [organization_ids])  # fmt: skip
        cursor.execute(
            f"DELETE FROM {figures} f USING strategy_orgs_staging o WHERE f.organization_id = o.organization_id"
        )
        cursor.execute(
            f"INSERT INTO {figures} (organization_id, themenfeld_id, in_scope, online, described) "
            "SELECT e.organization_id, sc.themenfeld_id, t.n, count(*) FILTER (WHERE e.online), "
            "count(*) FILTER (WHERE e.described) "
            f"FROM {inventory} e JOIN strategy_orgs_staging o ON o.organization_id = e.organization_id "
            "JOIN strategy_scope_staging sc ON sc.leika_id = e.leika_id "
            "JOIN (SELECT themenfeld_id, count(*) AS n FROM strategy_scope_staging GROUP BY themenfeld_id) t "
            "ON t.themenfeld_id = sc.themenfeld_id GROUP BY e.organization_id, sc.themenfeld_id, t.n"
        )


# ------------------------------------------------------------------------------------------------ audit


def _audit(actor: Any, result: BulkResult) -> None:
    organizations = Organization.objects.in_bulk(result.changed_municipalities)
    events = []
    for org_id, (created, updated) in sorted(result.per_municipality.items()):
        organization = organizations[org_id]
        events.append(
            build_event(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=organization,
                scope_organization_id=org_id,
                message=f"inventory load: {created} entries created, {updated} changed",
            )
        )
    audit_record_many(events)


# ------------------------------------------------------------------------------------------------ national file

NATIONAL_REQUIRED = ("ars", "leika_key", "online_status", "aktiv")
NATIONAL_COLUMNS = (*NATIONAL_REQUIRED, "url", "art_flaechendeckung", "ozgid")


def national_rows(stream: IO[str]) -> Iterator[BulkRow | RowError]:
    """The rows of a national file in the federal dashboard's export format (the per-ARS exports one after the
    other: columns ars, leika_key, ozgid, url, online_status, aktiv, art_flaechendeckung; further columns of the
    export are ignored; `;`, `,` or tab between cells; UTF-8): a BulkRow per usable line, a RowError (line,
    column) per problem. Streamed: a file of 6.6 million lines is never held in memory. The header is read and
    the lookups are queried here, before the load iterates (on PostgreSQL its connection is then busy with COPY)."""
    header_text = stream.readline()
    delimiter = max(";,\t", key=header_text.count)
    header = [h.replace("\ufeff", "").strip().lower() for h in next(csv.reader([header_text], delimiter=delimiter))]
    missing = [c for c in NATIONAL_REQUIRED if c not in header]
    if missing:
        return iter([RowError(1, column, _("The column is missing.")) for column in missing])
    position = {c: header.index(c) for c in NATIONAL_COLUMNS if c in header}
    organizations = {ars: pk for ars, pk in Organization.objects.exclude(ars="").values_list("ars", "pk")}
    services = {
        key: (pk, ozg or "")
        for key, pk, ozg in LeikaService.objects.filter(withdrawn_in__isnull=True)
        .exclude(key="")
        .values_list("key", "pk", "ozg__ozg_id")
    }
    return _national_lines(stream, delimiter, len(header), position, organizations, services)


def _national_lines(
    stream: IO[str],
    delimiter: str,
    width: int,
    position: dict[str, int],
    organizations: dict[str, int],
    services: dict[str, tuple[int, str]],
) -> Iterator[BulkRow | RowError]:
    from verbund.core.spreadsheet.reading import FALSE_WORDS, TRUE_WORDS

    get_url, get_art, get_ozg = (position.get(c) for c in ("url", "art_flaechendeckung", "ozgid"))
    i_ars, i_key, i_status, i_active = (position[c] for c in NATIONAL_REQUIRED)
    for line, cells in enumerate(csv.reader(stream, delimiter=delimiter), 2):
        if len(cells) < width:
            if not any(c.strip() for c in cells):
                continue
            cells += [""] * (width - len(cells))
        ok = True
        ars = cells[i_ars].strip()
        organization = organizations.get(ars)
        if organization is None:
            yield RowError(line, "ars", _("No municipality with ARS %(ars)s.") % {"ars": ars[:20]})
            ok = False
        key = cells[i_key].strip()
        service = services.get(key)
        if service is None:
            yield RowError(line, "leika_key", _("Not a LeiKa key of the catalogue: %(key)s") % {"key": key[:20]})
            ok = False
        elif get_ozg is not None and cells[get_ozg].strip() and service[1] and cells[get_ozg].strip() != service[1]:
            yield RowError(
                line,
                "ozgid",
                _("The catalogue links this service to OZG id %(expected)s, not %(given)s.")
                % {"expected": service[1], "given": cells[get_ozg].strip()[:20]},
            )
            ok = False
        status = cells[i_status].strip().lower()
        if status not in ("ok", "nicht ok"):
            yield RowError(line, "online_status", _('Write "ok" or "nicht ok".'))
            ok = False
        active_text = cells[i_active].strip().lower()
        active = active_text in TRUE_WORDS
        if not active and active_text not in FALSE_WORDS and active_text:
            yield RowError(line, "aktiv", _("Write ja or nein (also true/false, 1/0), not \"%(value)s\".")
                           % {"value": active_text[:20]})  # fmt: skip
            ok = False
        if ok and organization is not None and service is not None:
            online = status == "ok" and active
            efa = get_art is not None and "efa" in cells[get_art].lower()
            url = cells[get_url].strip() if get_url is not None else ""
            yield BulkRow(organization, service[0], online, efa, url=url, line=line)
