package dev.pgcdc.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.UnknownHostException;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.postgresql.util.ServerErrorMessage;

/**
 * What a failure tells in the cases the target servers of the other sink tests cannot be made to produce: a binary
 * COPY's context, a MariaDB SIGNAL, a connection that could not be made.
 */
class SinkExceptionTest {

    @Test
    void aBinaryCopysDataErrorNamesItsColumnFromTheContext() {
        // binary COPY's context names the column with no value after it
        PSQLException failure = new PSQLException(new ServerErrorMessage(
                "SERROR\0C22P03\0Mincorrect binary data format\0WCOPY pgcdc_stage_1, line 1, column amount\0"));
        assertThat(SinkException.describe(failure))
                .startsWith("invalid binary representation (SQLSTATE 22P03, column amount)")
                .contains("change the column's type");
    }

    @Test
    void whatAMariaDbSignalRaisesIsLeftOut() {
        SQLException failure = new SQLException("refused order of secret-customer-42", "45000", 1644);
        SinkException error = SinkException.of("insert into orders", failure);
        assertThat(error.getMessage()).doesNotContain("secret-customer-42").contains("raised by a SIGNAL");
        assertThat(error.getSQLState()).isEqualTo("45000");
    }

    @Test
    void aConnectionNotMadeSaysWhy() {
        PSQLException failure = new PSQLException("The connection attempt failed.",
                PSQLState.CONNECTION_UNABLE_TO_CONNECT, new UnknownHostException("target.invalid"));
        assertThat(SinkException.describe(failure))
                .contains("The connection attempt failed.")
                .contains("java.net.UnknownHostException: target.invalid")
                .contains("SQLSTATE 08001");
    }
}
