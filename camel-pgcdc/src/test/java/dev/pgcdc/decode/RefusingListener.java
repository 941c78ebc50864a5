package dev.pgcdc.decode;

import java.time.Instant;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Lsn;

/** A listener that throws its exception at every change, as the session does when its connection is gone. */
public final class RefusingListener implements DecodeListener {

    private final RuntimeException refusal;

    public RefusingListener(RuntimeException refusal) {
        this.refusal = refusal;
    }

    @Override
    public void begin(long xid, Lsn commitLsn, Instant commitTimestamp) {
    }

    @Override
    public void change(ChangeEvent event) {
        throw refusal;
    }

    @Override
    public void commit(Lsn commitLsn, Lsn endLsn, Instant commitTimestamp) {
    }
}
