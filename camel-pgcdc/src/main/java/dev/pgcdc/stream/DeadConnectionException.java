package dev.pgcdc.stream;

import java.sql.SQLException;

/**
 * The replication connection is dead: its socket ended or failed, or it carried nothing for longer than the read
 * timeout (then pgcdc gave it up, the server may not have).
 */
final class DeadConnectionException extends SQLException {

    /** SQLSTATE connection_failure. */
    private static final String CONNECTION_FAILURE = "08006";

    DeadConnectionException(String message) {
        super(message, CONNECTION_FAILURE);
    }
}
