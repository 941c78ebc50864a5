package dev.pgcdc.sink;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.pgcdc.event.ChangeEvent;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.spi.ExecutorServiceManager;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.support.DefaultAsyncProducer;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each change to the {@link SinkWriter}, which completes the exchange once the change is committed in the
 * target. Asynchronous, so the route's thread (the pgcdc consumer's dispatcher) is free to deliver the rest of the
 * transaction while earlier changes wait for their commit.
 */
public class PgCdcSinkProducer extends DefaultAsyncProducer {

    private static final Logger LOG = LoggerFactory.getLogger(PgCdcSinkProducer.class);
    /** How long stopping waits, after Camel's graceful shutdown, for the writer and then for the completions. */
    private static final Duration WRITER_END = Duration.ofSeconds(30);
    /** How long completing what is left waits for the completion running in the route. */
    private static final Duration RUNNING_COMPLETION = Duration.ofSeconds(5);

    private final TargetDatabase database;
    private final SinkRules rules;
    private SinkWriter writer;
    private ExecutorService executor;
    private Future<?> writerDone;
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
            Object body = exchange.getIn().getBody(); // its type, not its content: it may be a row's values
            exchange.setException(new SinkException("pgcdc-sink expects a dev.pgcdc.event.ChangeEvent body (what the"
                    + " pgcdc consumer sends) but got " + (body == null ? "none" : "a " + body.getClass().getName())));
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
        // Abort: a completion handed over once the completer is shut down must be refused, so that the writer runs
        // it itself (SinkWriter#complete); Camel's default, CallerRuns, drops it silently then
        ThreadPoolProfile completion = new ThreadPoolProfile("pgcdc-sink-completer");
        completion.setPoolSize(1);
        completion.setMaxPoolSize(1);
        // unbounded: Camel gives a pool of no (or a negative) queue size a SynchronousQueue, which refuses a completion
        // while one runs, and the writer then runs it itself, beside and before the running one
        completion.setMaxQueueSize(Integer.MAX_VALUE);
        completion.setKeepAliveTime(0L);
        completion.setTimeUnit(TimeUnit.MILLISECONDS);
        completion.setAllowCoreThreadTimeOut(false);
        completion.setRejectedPolicy(ThreadPoolRejectedPolicy.Abort);
        completer = executors.newThreadPool(this, "pgcdc-sink-" + configuration.getName() + "-completer", completion);
        writer = new SinkWriter(configuration, database, rules, completer);
        executor = executors.newSingleThreadExecutor(this, "pgcdc-sink-" + configuration.getName());
        writerDone = executor.submit(writer);
    }

    @Override
    protected void doStop() throws Exception {
        writer.stop();
        // the writer applies what is queued and ends; Camel's graceful shutdown waits for that, then interrupts it
        getEndpoint().getCamelContext().getExecutorServiceManager().shutdownGraceful(executor);
        String name = getEndpoint().getConfiguration().getName();
        boolean interrupted = false;
        try {
            writerDone.get(WRITER_END.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | InterruptedException e) {
            // blocked on the target (a lock, a hung server): interrupting does not end a JDBC call, aborting does; an
            // interrupt (Camel's forced shutdown) leaves no time to wait for the writer to finish on its own
            interrupted = e instanceof InterruptedException;
            LOG.warn("pgcdc-sink:{}: the writer did not end {}; aborting its target connection", name,
                    interrupted ? "before the stop was interrupted" : "in " + WRITER_END.toSeconds() + " s");
            writer.abort();
            try {
                writerDone.get(WRITER_END.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException | InterruptedException again) {
                // still stuck (e.g. connecting to a server that does not answer), or no longer waited for: what is
                // queued behind it fails now; the writer fails what it holds once it returns
                interrupted |= again instanceof InterruptedException;
                LOG.warn("pgcdc-sink:{}: the writer did not end after its connection was aborted ({})", name,
                        again instanceof InterruptedException ? "the stop was interrupted again" : again.getMessage());
                writer.failQueued();
            }
        } catch (ExecutionException e) {
            LOG.warn("pgcdc-sink:{}: the writer failed ({})", name, e.getMessage());
        }
        // Every completion handed over must run: the consumer waits for each exchange. A plain shutdown runs the
        // queue in order; what it could not run in time, or when the stop is interrupted, runs here rather than
        // being dropped (in order too, unless the running one outlasts the wait, see runQueuedCompletions).
        completer.shutdown();
        try {
            if (!completer.awaitTermination(WRITER_END.toMillis(), TimeUnit.MILLISECONDS)) {
                runQueuedCompletions(name);
            }
        } catch (InterruptedException e) {
            interrupted = true;
            runQueuedCompletions(name);
        }
        super.doStop();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs the completions still queued on the (shut down) completer here, in order, after the one it is running,
     * which continues the route. That one is waited for {@link #RUNNING_COMPLETION}: one stuck in the route beyond
     * that no longer holds back the ones behind it, which then run beside it, out of order. A pool wrapped by another
     * ThreadPoolFactory hands its queue over only through shutdownNow(), which also interrupts the running one.
     */
    private void runQueuedCompletions(String name) {
        List<Runnable> queued = new ArrayList<>();
        if (completer instanceof ThreadPoolExecutor pool) {
            pool.getQueue().drainTo(queued);
        } else { // a pool wrapped by another ThreadPoolFactory (instrumented) shows no queue: only this takes it,
            // interrupting the running completion
            queued.addAll(completer.shutdownNow());
        }
        boolean interrupted = false;
        try {
            if (!completer.awaitTermination(RUNNING_COMPLETION.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("pgcdc-sink:{}: a completion still runs in the route after {} s; completing the {} queued"
                        + " behind it now", name, RUNNING_COMPLETION.toSeconds(), queued.size());
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        queued.forEach(Runnable::run);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
