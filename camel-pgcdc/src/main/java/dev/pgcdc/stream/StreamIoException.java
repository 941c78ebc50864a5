package dev.pgcdc.stream;

import java.sql.SQLException;

/** Carries an I/O failure of the stream out of a decoder callback, which cannot throw checked exceptions. */
final class StreamIoException extends RuntimeException {

    StreamIoException(SQLException cause) {
        super(cause);
    }

    @Override
    public synchronized SQLException getCause() {
        return (SQLException) super.getCause();
    }
}
