#!/usr/bin/env bash
# Restore a backup made by backup.sh into an EMPTY database (create it first: createdb parlo).
#   DATABASE_URL=postgresql://…/parlo deploy/restore.sh /var/backups/parlo/parlo-20260115-033000.dump
# Stop parlo-web and parlo-worker first; afterwards run `parlo migrate` (a no-op when the
# backup comes from the same version) and `parlo doctor`.
set -euo pipefail

dump="${1:?usage: restore.sh BACKUP.dump}"
: "${DATABASE_URL:?set DATABASE_URL to the (empty) database to restore into}"
url="${DATABASE_URL/postgresql+asyncpg:\/\//postgresql://}"
url="${url/postgres:\/\//postgresql://}"

tables=$(psql --no-psqlrc --tuples-only --no-align --dbname="$url" \
    --command="SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
if [ "$tables" != "0" ]; then
    echo "restore.sh: the target database already has $tables tables; restore into an empty one (createdb …)" >&2
    exit 1
fi
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$url" "$dump"
echo "restored $dump"
