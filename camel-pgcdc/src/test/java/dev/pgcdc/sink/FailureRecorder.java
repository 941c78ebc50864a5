package dev.pgcdc.sink;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.event.ChangeEvent;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * Put right after a pgcdc consumer: records each exchange that ends failed (after the sink), with its error message
 * and the commit LSN of its change, as the consumer sees the failure.
 */
final class FailureRecorder implements Processor {

    final List<String> errors = new CopyOnWriteArrayList<>();
    final AtomicLong failedCommit = new AtomicLong();

    @Override
    public void process(Exchange exchange) {
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onFailure(Exchange failed) {
                failedCommit.set(failed.getIn().getBody(ChangeEvent.class).getCommitLsn().value());
                errors.add(failed.getException().getMessage());
            }
        });
    }

    /** The first failure's message, once there is one. */
    String awaitFirstError() {
        Await.until("the failure reported", Duration.ofSeconds(30), () -> !errors.isEmpty());
        return errors.get(0);
    }
}
