package dev.pgcdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import dev.pgcdc.connect.SslMode;
import dev.pgcdc.setup.SetupMode;
import dev.pgcdc.snapshot.SnapshotMode;
import dev.pgcdc.it.StartedCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Option values are converted and checked once, when the endpoint is created: a bad one fails there with a message
 * naming the option, the value and what is accepted. No server is needed for that.
 */
class EndpointOptionsTest {

    private static final String BASE = "pgcdc:orders_slot?database=shop";

    @RegisterExtension
    final StartedCamelContext camel = new StartedCamelContext();

    @Test
    void badEnumValuesNameTheOptionTheValueAndTheAcceptedValues() {
        assertFails("&sslMode=verify-everything", "Invalid value 'verify-everything' for option sslMode: use one of"
                + " disable, allow, prefer, require, verify-ca, verify-full");
        assertFails("&plugin=decoderbufs", "Invalid value 'decoderbufs' for option plugin: use one of pgoutput,"
                + " wal2json");
        assertFails("&valueFormat=json", "Invalid value 'json' for option valueFormat: use one of natural, text");
        assertFails("&outputFormat=avro", "Invalid value 'avro' for option outputFormat: use one of native, debezium");
        assertFails("&snapshotMode=sometimes", "Invalid value 'sometimes' for option snapshotMode: use one of initial,"
                + " never, always, initial_only");
        assertFails("&setupMode=maybe", "Invalid value 'maybe' for option setupMode: use one of AUTO, VALIDATE, PLAN");
    }

    @Test
    void todaysSpellingsStillWork() {
        PgCdcEndpoint endpoint = endpoint("&sslMode=VERIFY-CA&plugin=WAL2JSON&valueFormat=Text&snapshotMode=initial_only"
                + "&setupMode=plan&outputFormat=debezium");
        PgCdcConfiguration configuration = endpoint.getConfiguration();
        assertThat(configuration.getSslMode()).isEqualTo(SslMode.VERIFY_CA);
        assertThat(configuration.getPlugin()).isEqualTo(Plugin.WAL2JSON);
        assertThat(configuration.getValueFormat()).isEqualTo(ValueFormat.TEXT);
        assertThat(configuration.getSnapshotMode()).isEqualTo(SnapshotMode.INITIAL_ONLY);
        assertThat(configuration.getSetupMode()).isEqualTo(SetupMode.PLAN);
        assertThat(configuration.getOutputFormat()).isEqualTo(OutputFormat.DEBEZIUM);
        assertThat(endpoint.options().plugin().name()).isEqualTo("wal2json");
        assertThat(endpoint.options().decoding().rawText()).isTrue();
        assertThat(endpoint.options().connection().ssl().mode()).isEqualTo(SslMode.VERIFY_CA);
    }

    /** Chunks of 16384 rows by default: each chunk costs the server watermark and progress statements and a COPY. */
    @Test
    void snapshotChunksHold16384RowsByDefault() {
        assertThat(endpoint("").options().snapshot().chunkSize()).isEqualTo(16384);
    }

    @Test
    void durationsTakeUnitsAndPlainNumbersAreMilliseconds() {
        PgCdcOptions options = endpoint("&statusInterval=5s&reconnectDelay=500ms&reconnectMaxDelay=2m"
                + "&heartbeatInterval=1h30m&slotMonitorInterval=45000&shutdownTimeout=0&healthGracePeriod=PT90S"
                + "&connectTimeout=3s&readTimeout=1m").options();
        assertThat(options.stream().statusInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(options.reconnectDelay()).isEqualTo(Duration.ofMillis(500));
        assertThat(options.snapshot().retryDelay()).isEqualTo(Duration.ofMillis(500));
        assertThat(options.reconnectMaxDelay()).isEqualTo(Duration.ofMinutes(2));
        assertThat(options.heartbeatInterval()).isEqualTo(Duration.ofMinutes(90));
        assertThat(options.slotMonitorInterval()).isEqualTo(Duration.ofSeconds(45));
        assertThat(options.stream().drainTimeout()).isZero();
        assertThat(options.healthGracePeriod()).isEqualTo(Duration.ofSeconds(90));
        assertThat(options.connection().readTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(endpoint("").getConfiguration().getConnectTimeout()).isEqualTo(10_000);
        assertThat(endpoint("&heartbeatInterval=0s").options().heartbeatInterval()).isZero();
    }

    @Test
    void badDurationsFailAtEndpointCreation() {
        assertFails("&statusInterval=often", "Invalid value 'often' for option statusInterval: write a duration such"
                + " as 500ms, 5s, 1m or 1h30m (a plain number is milliseconds)");
        // Camel alone reads text it does not recognise as zero, which here would turn heartbeats off
        assertFails("&heartbeatInterval=often", "Invalid value 'often' for option heartbeatInterval: write a duration");
        assertFails("&shutdownTimeout=1.5s", "Invalid value '1.5s' for option shutdownTimeout: write a duration");
        assertFails("&statusInterval=0", "Invalid value 0ms for option statusInterval: it must be at least 1ms");
        assertFails("&reconnectDelay=5s&reconnectMaxDelay=1s",
                "Invalid value 1000ms for option reconnectMaxDelay: it must be at least 5000ms");
        assertFails("&readTimeout=forever", "Invalid value 'forever' for option readTimeout: write a duration");
        assertFails("&statusInterval=10s&readTimeout=15s", "readTimeout (15000 ms) must be at least twice"
                + " statusInterval (10000 ms)");
        // connectTimeout was a number of seconds: such a value is now too short to be meant, and refused
        assertFails("&connectTimeout=10", "Invalid value 10ms for option connectTimeout: it must be 0 (no timeout) or"
                + " at least 1s. A plain number is milliseconds: write e.g. connectTimeout=10s");
    }

    @Test
    void otherBadValuesAndCombinationsFailAtEndpointCreationToo() {
        assertFails("&valueFormat=text&binary=true", "valueFormat=text needs the server's text output: remove"
                + " binary=true");
        assertFails("&plugin=wal2json&wal2jsonFormatVersion=3", "wal2jsonFormatVersion must be 2 or 1, was 3");
        assertFails("&maxInflight=0", "maxInflight must be at least 1, was 0");
        assertFails("&concurrentConsumers=0", "concurrentConsumers must be at least 1, was 0");
        assertFails("&snapshotChunkSize=0", "snapshotChunkSize must be at least 1, was 0");
        assertFails("&slotFailover=true&primaryHost=primary.example:5432", "slotFailover cannot be combined with"
                + " primaryHost");
    }

    private PgCdcEndpoint endpoint(String options) {
        return camel.context().getEndpoint(BASE + options, PgCdcEndpoint.class);
    }

    private void assertFails(String options, String message) {
        assertThatThrownBy(() -> endpoint(options)).hasMessageContaining(message);
    }
}
