package dev.pgcdc.embedded;

/** A PostgreSQL cluster could not be located, unpacked, initialised, started or stopped. */
public class PostgresException extends RuntimeException {

    public PostgresException(String message) {
        super(message);
    }

    public PostgresException(String message, Throwable cause) {
        super(message, cause);
    }
}
