package dev.pgcdc.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.sql.SQLException;

import org.apache.camel.RuntimeCamelException;
import org.junit.jupiter.api.Test;

class StartFailureTest {

    @Test
    void aConnectionRefusedIsSaidOnceThroughCamelsWrapper() {
        SQLException refused = new SQLException("Cannot connect to u@127.0.0.1:1/db: Connection to 127.0.0.1:1 refused"
                + " (ConnectException: Connection refused)", "08001",
                new SQLException("Connection to 127.0.0.1:1 refused.", "08001", new ConnectException("Connection refused")));
        RuntimeCamelException failure = new RuntimeCamelException(refused);
        assertThat(StartFailure.message(failure)).isEqualTo(refused.getMessage());
        assertThat(StartFailure.understood(failure)).isTrue();
    }

    @Test
    void aCauseTheMessageDoesNotSayIsAdded() {
        IllegalStateException failure = new IllegalStateException("Failed to create route r1",
                new IllegalArgumentException("Unknown parameters=[{statusIntervall=500}]"));
        assertThat(StartFailure.message(failure)).isEqualTo("Failed to create route r1" + System.lineSeparator()
                + "Caused by: Unknown parameters=[{statusIntervall=500}]");
        assertThat(StartFailure.understood(failure)).isTrue();
    }

    @Test
    void whatMayBeABugIsNotUnderstood() {
        assertThat(StartFailure.understood(new RuntimeCamelException(new NullPointerException("x")))).isFalse();
    }
}
