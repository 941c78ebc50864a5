package dev.pgcdc.setup;

/** Setup could not read the server's state or could not run a statement. */
public class SetupException extends RuntimeException {

    public SetupException(String message, Throwable cause) {
        super(message, cause);
    }

    public SetupException(String message) {
        super(message);
    }
}
