package dev.pgcdc;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.pgcdc.connect.ConnectionSettings;
import dev.pgcdc.connect.PgConnector;
import dev.pgcdc.stream.ChangeModelPreflight;
import dev.pgcdc.stream.DecodingOptions;
import dev.pgcdc.stream.Replicator;
import dev.pgcdc.stream.ReplicatorState;
import dev.pgcdc.stream.StreamOptions;
import dev.pgcdc.stream.StreamPreflight;
import dev.pgcdc.stream.StreamStats;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the parts together: preflight on start, the replication thread ({@link Replicator}) and the thread that
 * hands changes to the route ({@link ExchangeDispatcher}).
 */
public class PgCdcConsumer extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(PgCdcConsumer.class);

    private final PgCdcConfiguration configuration;
    private ExecutorService executor;
    private ExchangeDispatcher dispatcher;
    private Replicator replicator;
    private Future<?> replicatorDone;

    PgCdcConsumer(PgCdcEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.configuration = endpoint.getConfiguration();
    }

    @Override
    public PgCdcEndpoint getEndpoint() {
        return (PgCdcEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        PgConnector connector = new PgConnector(new ConnectionSettings(configuration.getHost(), configuration.getPort(),
                configuration.getDatabase(), configuration.getUser(), configuration.getPassword(),
                configuration.getConnectTimeout()));
        DecodingOptions decoding = configuration.decodingOptions();
        try (Connection connection = connector.openJdbc("pgcdc " + configuration.getSlotName() + " setup")) {
            new StreamPreflight(connection, configuration.getSlotName(), configuration.resolvedPublication(),
                    ChangeModelPreflight.tablesToPublish(connection, configuration.tableList(), decoding.tables()))
                    .run();
            new ChangeModelPreflight(connection, connector, configuration.resolvedPublication(), decoding,
                    configuration.replicaIdentityFullList()).run();
        }
        StreamOptions options = new StreamOptions(configuration.getSlotName(),
                List.of(configuration.resolvedPublication()), configuration.getMaxInflight(),
                Duration.ofMillis(configuration.getStatusInterval()), Duration.ofMillis(configuration.getShutdownTimeout()))
                .withDecoding(decoding);
        dispatcher = new ExchangeDispatcher(this, configuration);
        replicator = new Replicator(connector, options, dispatcher, Duration.ofMillis(configuration.getReconnectDelay()),
                Duration.ofMillis(configuration.getReconnectMaxDelay()),
                (message, cause) -> getExceptionHandler().handleException(message, cause));
        executor = getEndpoint().getCamelContext().getExecutorServiceManager()
                .newFixedThreadPool(this, "pgcdc-" + configuration.getSlotName(), 2);
        executor.submit(dispatcher);
        replicatorDone = executor.submit(replicator);
    }

    @Override
    protected void doStop() throws Exception {
        if (replicator != null) {
            replicator.requestStop();
        }
        if (executor != null) {
            executor.shutdown();
            // The replicator drains in-flight exchanges (bounded by shutdownTimeout) before the dispatcher may stop.
            try {
                replicatorDone.get(configuration.getShutdownTimeout() + 10_000, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                LOG.warn("pgcdc:{}: the replication thread did not stop in time", configuration.getSlotName());
            }
            dispatcher.stop();
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                getEndpoint().getCamelContext().getExecutorServiceManager().shutdownNow(executor);
            }
            executor = null;
        }
        super.doStop();
    }

    /** A change exchange failed and the route did not handle it: tell Camel's exception handler. */
    void routeFailed(Exchange exchange, Throwable cause) {
        getExceptionHandler().handleException("pgcdc:" + configuration.getSlotName()
                + ": change exchange failed; it is not acknowledged and will be delivered again", exchange, cause);
    }

    /** What the replication thread is doing; for health checks. */
    public ReplicatorState state() {
        return replicator == null ? ReplicatorState.STARTING : replicator.state();
    }

    /** Counters and positions of the stream; null before start. */
    public StreamStats stats() {
        return replicator == null ? null : replicator.stats();
    }
}
