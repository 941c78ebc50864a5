#!/bin/sh
# Reproduces the captured pgoutput streams used by the decoder unit tests.
# Needs PostgreSQL 14+ server binaries (captured with Debian's PostgreSQL 15). Run as root or as the
# postgres user; writes pgoutput-v1.txt, pgoutput-v1-binary.txt and types-to_jsonb.txt beside itself.
#   sh capture.sh [PGBIN] [PORT]
set -eu
PGBIN=${1:-/usr/lib/postgresql/15/bin}
PORT=${2:-5499}
HERE=$(cd "$(dirname "$0")" && pwd)
DIR=$(mktemp -d /tmp/pgcdc-capture.XXXXXX)
AS=""
[ "$(id -u)" = 0 ] && { chown postgres "$DIR"; AS="runuser -u postgres --"; }
$AS "$PGBIN/initdb" -D "$DIR/data" -A trust -U postgres >/dev/null
$AS "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w start \
  -o "-p $PORT -k $DIR -c listen_addresses= -c wal_level=logical"
trap '$AS "$PGBIN/pg_ctl" -D "$DIR/data" -m fast stop; rm -rf "$DIR"' EXIT
psql() { $AS "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$DIR" -p "$PORT" -U postgres -d postgres "$@"; }

psql -o /dev/null -f "$HERE/workload.sql"
# one line per message: LSN <tab> bytes as hex
peek() {
  psql -At -F '	' -c "SET TimeZone='UTC'" -c "SELECT lsn, encode(data, 'hex')
    FROM pg_logical_slot_peek_binary_changes('cap', NULL, NULL,
      'proto_version', '1', 'publication_names', '$1', 'messages', 'true', 'binary', '$2')"
}
peek pub false > "$HERE/pgoutput-v1.txt"
peek pub_binary true > "$HERE/pgoutput-v1-binary.txt"
# what PostgreSQL says each types_t row is as JSON: id <tab> to_jsonb(row)
psql -At -F '	' -c "SET TimeZone='UTC'" -c "SELECT id, to_jsonb(t) FROM types_t t ORDER BY id" > "$HERE/types-to_jsonb.txt"
