package dev.pgcdc.it;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.pgcdc.event.ChangeEvent;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Consumes one large transaction from an existing slot and exits: 0 once every change arrived, in order, 1 if not
 * within the time limit. Run by {@link Wal2JsonTest} in a child JVM with a small fixed heap, which is the point: the
 * transaction's changes would not fit in it together.
 *
 * <p>Arguments: endpoint URI, number of changes, time limit in seconds.
 */
public final class LargeTransactionConsumer {

    private LargeTransactionConsumer() {
    }

    public static void main(String[] args) throws Exception {
        String uri = args[0];
        long expected = Long.parseLong(args[1]);
        AtomicLong received = new AtomicLong();
        AtomicLong outOfOrder = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        CamelContext context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).process(e -> {
                    long count = received.incrementAndGet();
                    Object id = e.getIn().getBody(ChangeEvent.class).getAfter().get("id");
                    if (!Integer.valueOf((int) count).equals(id)) {
                        outOfOrder.incrementAndGet();
                    }
                    if (count == expected) {
                        done.countDown();
                    }
                });
            }
        });
        context.start();
        boolean complete = done.await(Long.parseLong(args[2]), TimeUnit.SECONDS);
        long heapUsed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.println("received " + received.get() + " out of order " + outOfOrder.get() + " heap used "
                + heapUsed / (1024 * 1024) + " MiB of max " + Runtime.getRuntime().maxMemory() / (1024 * 1024)
                + " MiB");
        context.stop();
        System.exit(complete && outOfOrder.get() == 0 ? 0 : 1);
    }
}
