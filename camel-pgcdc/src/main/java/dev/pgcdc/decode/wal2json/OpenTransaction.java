package dev.pgcdc.decode.wal2json;

import java.time.Instant;

import dev.pgcdc.event.Lsn;

/** What every change of a transaction carries about it, known from the transaction's start. */
record OpenTransaction(long xid, Lsn commitLsn, Instant commitTimestamp) {
}
