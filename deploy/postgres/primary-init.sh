#!/bin/bash
# Runs once, when the primary's data directory is first created (the official image runs
# /docker-entrypoint-initdb.d/*): a login role for streaming replication, a physical
# replication slot so the primary keeps the WAL a stopped replica still needs, and the
# pg_hba line that lets the replica connect with that role.
set -euo pipefail

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v role="$REPLICATION_USER" -v password="$REPLICATION_PASSWORD" -v slot="$REPLICATION_SLOT" <<'SQL'
CREATE ROLE :"role" WITH REPLICATION LOGIN PASSWORD :'password';
SELECT pg_create_physical_replication_slot(:'slot');
SQL

echo "host replication $REPLICATION_USER all scram-sha-256" >> "$PGDATA/pg_hba.conf"
