package dev.pgcdc.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.sql.SQLException;

import org.apache.camel.PropertyBindingException;
import org.apache.camel.ResolveEndpointFailedException;
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
                + "Caused by: Unknown parameters=[{statusIntervall=" + StartFailure.MASK + "}]");
        assertThat(StartFailure.understood(failure)).isTrue();
    }

    @Test
    void whatMayBeABugIsNotUnderstood() {
        assertThat(StartFailure.understood(new RuntimeCamelException(new NullPointerException("x")))).isFalse();
    }

    @Test
    void aPropertyThatFailedToBindIsNamedWithoutItsValueInTheMessageAndTheStackTrace() {
        String secret = "Pr1v4te-Pa55";
        PropertyBindingException binding = new PropertyBindingException("component", "passphrase", secret,
                "camel.component.pgcdc", "passphrase", new IllegalArgumentException("Cannot convert " + secret,
                        new NumberFormatException("For input string: \"" + secret + "\"")));
        RuntimeCamelException failure = new RuntimeCamelException("Failed to configure " + secret, binding);
        failure.addSuppressed(new IllegalStateException("also " + secret));

        assertThat(StartFailure.understood(failure)).isTrue();
        assertThat(StartFailure.message(failure)).doesNotContain(secret)
                .contains("camel.component.pgcdc.passphrase", "For input string: \"" + StartFailure.MASK + "\"");
        StringWriter trace = new StringWriter();
        StartFailure.withoutSecrets(failure).printStackTrace(new PrintWriter(trace));
        assertThat(trace.toString()).doesNotContain(secret)
                .contains(PropertyBindingException.class.getName() + ": Error binding property camel.component.pgcdc"
                        + ".passphrase", NumberFormatException.class.getName(), IllegalStateException.class.getName())
                .contains("at " + getClass().getName());
    }

    @Test
    void theValueOfAnUnknownParameterIsMaskedWhereverAMessageSaysIt() {
        String uri = "pgcdc://pgcdc?sslPasword=s3cr3t&statusInterval=500";
        ResolveEndpointFailedException failure = new ResolveEndpointFailedException(uri, "Unknown parameters=[{"
                + "sslPasword=s3cr3t}]");
        assertThat(StartFailure.message(new IllegalStateException("Failed to create route from " + uri, failure)))
                .doesNotContain("s3cr3t").contains("sslPasword=xxxxxx&statusInterval=500", "[{sslPasword=xxxxxx}]");
    }

    @Test
    void theValueOfASensitiveKeyIsMaskedWhereverAMessageSaysIt() {
        ResolveEndpointFailedException failure = new ResolveEndpointFailedException("pgcdc://pgcdc",
                "Unknown parameters=[{sslKeyPassword=s3cr3t, statusIntervall=500, token=RAW(a b)}]");
        assertThat(StartFailure.message(failure)).doesNotContain("s3cr3t").doesNotContain("a b")
                .contains("sslKeyPassword=xxxxxx", "token=xxxxxx}");
    }
}
