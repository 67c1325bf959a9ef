#!/usr/bin/env bash
# Proves that a backup can be restored: on a throw-away PostgreSQL 15 (scripts/with-postgres.sh) it migrates,
# loads the demo federation and runs a billing run and a job, dumps the database with pg_dump (custom format,
# as docs/operations.md recommends), restores the dump into a second, empty database with pg_restore, and
# compares the row count of every table, then checks that the restored database needs no migration and answers
# /healthz. Exits non-zero on any difference.   Usage: scripts/backup-restore-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${DATABASE_URL:-}" ] || [ -z "${VERBUND_BACKUP_CHECK_INNER:-}" ]; then
  exec env VERBUND_BACKUP_CHECK_INNER=1 scripts/with-postgres.sh "$0" "$@"
fi
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE=verbund.config.settings.demo
WORK="$(mktemp -d /tmp/verbund-backup.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
export VERBUND_VAR_DIR="$WORK"
SOURCE_URL="$DATABASE_URL"
RESTORED_URL="${DATABASE_URL%/*}/verbund_restored"

echo "1. migrate and load data into the source database"
$PY manage.py migrate -v0
$PY manage.py load-demo >/dev/null
$PY manage.py billing-run --kind instalment --year "$(date +%Y)" --period 1 --issue >/dev/null || true
$PY manage.py jobs-selftest --steps 2 --delay 0 >/dev/null   # a queued job and its task row

echo "2. pg_dump (custom format)"
"$PGBIN/pg_dump" --format=custom --file="$WORK/verbund.dump" "$SOURCE_URL"
ls -l "$WORK/verbund.dump" | awk '{print "   " $5 " bytes"}'

echo "3. pg_restore into an empty database"
$PY -c 'import sys, psycopg; psycopg.connect(sys.argv[1], autocommit=True).execute("CREATE DATABASE verbund_restored")' "$SOURCE_URL"
"$PGBIN/pg_restore" --no-owner --exit-on-error --dbname="$RESTORED_URL" "$WORK/verbund.dump"

echo "4. compare the row count of every table"
$PY - "$SOURCE_URL" "$RESTORED_URL" <<'PYEOF'
import sys

import psycopg

def counts(url):
    with psycopg.connect(url) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}

source, restored = counts(sys.argv[1]), counts(sys.argv[2])
differences = {t: (source.get(t), restored.get(t)) for t in set(source) | set(restored) if source.get(t) != restored.get(t)}
print(f"   {len(source)} tables, {sum(source.values())} rows in the source; {sum(restored.values())} restored")
for table in ("registry_organization", "billing_invoice", "core_auditevent", "jobs_job", "django_tasks_database_dbtaskresult"):
    print(f"   {table:<32} {source.get(table)} → {restored.get(table)}")
if differences or not source:
    print("DIFFERENT:", differences)
    sys.exit(1)
PYEOF

echo "5. the restored database needs no migration and is healthy"
DATABASE_URL="$RESTORED_URL" $PY manage.py migrate --check -v0
DATABASE_URL="$RESTORED_URL" $PY - <<'PYEOF'
import django
django.setup()
from django.test import Client
response = Client(HTTP_HOST="localhost").get("/healthz", secure=False)
print("   /healthz", response.status_code, response.json())
assert response.status_code == 200, response.content
PYEOF
echo "backup and restore check passed"
