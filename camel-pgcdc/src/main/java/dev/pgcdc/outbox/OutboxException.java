package dev.pgcdc.outbox;

/** An outbox row or message that cannot become an outbox event; the message says what is wrong and the fix. */
public final class OutboxException extends RuntimeException {

    public OutboxException(String message) {
        super(message);
    }
}
