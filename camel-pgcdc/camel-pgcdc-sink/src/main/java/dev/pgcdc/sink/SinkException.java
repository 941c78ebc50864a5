package dev.pgcdc.sink;

/** A change could not be applied to the target; the message names the change and the target table. */
public class SinkException extends RuntimeException {

    public SinkException(String message) {
        super(message);
    }

    public SinkException(String message, Throwable cause) {
        super(message, cause);
    }
}
