#!/usr/bin/env bash
# One backup of Parlo's PostgreSQL database: pg_dump in custom format (compressed, restorable
# table by table), then backups older than PARLO_BACKUP_KEEP_DAYS are removed.
#   DATABASE_URL=postgresql://… deploy/backup.sh            → $PARLO_BACKUP_DIR/parlo-YYYYmmdd-HHMMSS.dump
# Prints the file it wrote. Run nightly by deploy/systemd/parlo-backup.timer (docs/deploy.md).
set -euo pipefail

: "${DATABASE_URL:?set DATABASE_URL (the same one Parlo uses)}"
BACKUP_DIR="${PARLO_BACKUP_DIR:-/var/backups/parlo}"
KEEP_DAYS="${PARLO_BACKUP_KEEP_DAYS:-14}"

# Parlo accepts SQLAlchemy's "postgresql+asyncpg://"; libpq wants "postgresql://".
url="${DATABASE_URL/postgresql+asyncpg:\/\//postgresql://}"
url="${url/postgres:\/\//postgresql://}"
case "$url" in
    postgresql://*) ;;
    *) echo "backup.sh: DATABASE_URL is not PostgreSQL; back up the SQLite file by copying it while Parlo is stopped" >&2
       exit 1 ;;
esac

mkdir -p "$BACKUP_DIR"
target="$BACKUP_DIR/parlo-$(date -u +%Y%m%d-%H%M%S).dump"
partial="$target.partial"
trap 'rm -f "$partial"' EXIT
pg_dump --format=custom --no-owner --no-privileges --file="$partial" "$url"
mv "$partial" "$target"
find "$BACKUP_DIR" -maxdepth 1 -name 'parlo-*.dump' -mtime +"$KEEP_DAYS" -delete
echo "$target"
