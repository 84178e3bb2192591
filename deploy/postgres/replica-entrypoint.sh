#!/bin/bash
# The streaming replica, on the official postgres image. On its first start (an empty
# data directory) it copies the primary with pg_basebackup, which also writes the
# standby settings (-R: standby.signal and primary_conninfo); every start after that, it
# starts as a read-only hot standby that follows the primary.
set -euo pipefail

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    mkdir -p "$PGDATA"
    chown postgres:postgres "$PGDATA"
    chmod 700 "$PGDATA"
    until gosu postgres pg_isready --host="$PRIMARY_HOST" --port=5432 --quiet; do
        echo "waiting for the primary at $PRIMARY_HOST"
        sleep 2
    done
    gosu postgres pg_basebackup \
        --dbname="host=$PRIMARY_HOST port=5432 user=$REPLICATION_USER password=$REPLICATION_PASSWORD application_name=$REPLICATION_SLOT" \
        --pgdata="$PGDATA" --wal-method=stream --slot="$REPLICATION_SLOT" \
        --write-recovery-conf --checkpoint=fast --no-password
fi

# hot_standby_feedback: a long storefront read on the replica is not cancelled because
# the primary vacuumed the rows it reads (at the price of some bloat on the primary).
exec docker-entrypoint.sh postgres -c hot_standby=on -c hot_standby_feedback=on
