package dev.pgcdc.sink;

import java.util.concurrent.ExecutorService;

import dev.pgcdc.event.ChangeEvent;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.spi.ExecutorServiceManager;
import org.apache.camel.support.DefaultAsyncProducer;

/**
 * Hands each change to the {@link SinkWriter}, which completes the exchange once the change is committed in the
 * target. Asynchronous, so the route's thread (the pgcdc consumer's dispatcher) is free to deliver the rest of the
 * transaction while earlier changes wait for their commit.
 */
public class PgCdcSinkProducer extends DefaultAsyncProducer {

    private final TargetDatabase database;
    private final SinkRules rules;
    private SinkWriter writer;
    private ExecutorService executor;
    private ExecutorService completer;

    PgCdcSinkProducer(PgCdcSinkEndpoint endpoint, TargetDatabase database, SinkRules rules) {
        super(endpoint);
        this.database = database;
        this.rules = rules;
    }

    @Override
    public PgCdcSinkEndpoint getEndpoint() {
        return (PgCdcSinkEndpoint) super.getEndpoint();
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        ChangeEvent change = exchange.getIn().getBody(ChangeEvent.class);
        if (change == null) {
            exchange.setException(new SinkException("pgcdc-sink expects a dev.pgcdc.event.ChangeEvent body (what the"
                    + " pgcdc consumer sends) but got " + exchange.getIn().getBody()));
            callback.done(true);
            return true;
        }
        writer.submit(exchange, change, callback);
        return false;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        PgCdcSinkConfiguration configuration = getEndpoint().getConfiguration();
        ExecutorServiceManager executors = getEndpoint().getCamelContext().getExecutorServiceManager();
        completer = executors.newSingleThreadExecutor(this, "pgcdc-sink-" + configuration.getName() + "-completer");
        writer = new SinkWriter(configuration, database, rules, completer);
        executor = executors.newSingleThreadExecutor(this, "pgcdc-sink-" + configuration.getName());
        executor.execute(writer);
    }

    @Override
    protected void doStop() throws Exception {
        writer.stop();
        // the writer applies what is queued and ends; shutdown waits for that as Camel's shutdown strategy allows
        ExecutorServiceManager executors = getEndpoint().getCamelContext().getExecutorServiceManager();
        executors.shutdownGraceful(executor);
        executors.shutdownGraceful(completer); // after the writer: it completes what the writer handed over
        super.doStop();
    }
}
