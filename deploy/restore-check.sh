#!/usr/bin/env bash
# Proves the backups can be restored: backs up DATABASE_URL, restores the dump into a scratch
# database on the same server, compares every table's row count and the migration revision,
# and drops the scratch database. Run it once after setting up backups (and after upgrades):
#   DATABASE_URL=postgresql://… deploy/restore-check.sh
# The user needs the right to create databases (CREATEDB). Exit code 0 = the restore matches.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
: "${DATABASE_URL:?set DATABASE_URL (the same one Parlo uses)}"
url="${DATABASE_URL/postgresql+asyncpg:\/\//postgresql://}"
url="${url/postgres:\/\//postgresql://}"

work="$(mktemp -d)"
scratch="parlo_restore_check_$(date -u +%Y%m%d%H%M%S)_$$"
base="${url%/*}"                 # postgresql://user@host:port
query=""
case "$url" in *\?*) query="?${url#*\?}" ;; esac
scratch_url="$base/$scratch$query"
cleanup() {
    psql --no-psqlrc --quiet --dbname="$url" --command="DROP DATABASE IF EXISTS \"$scratch\" WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

dump="$(PARLO_BACKUP_DIR="$work" PARLO_BACKUP_KEEP_DAYS=1 "$here/backup.sh")"
psql --no-psqlrc --quiet --dbname="$url" --command="CREATE DATABASE \"$scratch\"" >/dev/null
DATABASE_URL="$scratch_url" "$here/restore.sh" "$dump" >/dev/null

count_rows() {
    psql --no-psqlrc --tuples-only --no-align --dbname="$1" --command="
        SELECT string_agg(format('%s=%s', table_name,
                   (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I',
                    table_schema, table_name), false, true, '')))[1]::text), ' ' ORDER BY table_name)
        FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
}
revision() {
    psql --no-psqlrc --tuples-only --no-align --dbname="$1" --command="SELECT version_num FROM alembic_version"
}
before="$(count_rows "$url") revision=$(revision "$url")"
after="$(count_rows "$scratch_url") revision=$(revision "$scratch_url")"
if [ "$before" != "$after" ]; then
    echo "restore-check: the restored copy differs" >&2
    diff <(tr ' ' '\n' <<<"$before") <(tr ' ' '\n' <<<"$after") >&2 || true
    exit 1
fi
echo "restore-check: ok — a restored copy of $(basename "$dump") has the same rows in every table and the same ${before##* }"
