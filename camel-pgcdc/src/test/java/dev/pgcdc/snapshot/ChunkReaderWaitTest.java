package dev.pgcdc.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import dev.pgcdc.decode.value.ValueCodec;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.pg.TableName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A chunk waits for the transactions running at its low watermark: while one stays open the reader polls less and
 * less often (not every 2 ms), and it reads as soon as the transaction ended.
 */
class ChunkReaderWaitTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();

    @Test
    void aLongTransactionIsPolledWithBackoff() throws Exception {
        try (Connection blocker = PG.server().connect(); Connection reader = PG.server().connect()) {
            blocker.setAutoCommit(false);
            long xid;
            try (Statement statement = blocker.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT txid_current()")) {
                rs.next();
                xid = rs.getLong(1);
            }
            AtomicInteger polls = new AtomicInteger();
            Connection counted = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        if (method.getName().equals("prepareStatement")) {
                            polls.incrementAndGet();
                        }
                        try {
                            return method.invoke(reader, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            counted.setAutoCommit(false);
            counted.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            TableLayout table = new TableLayout(new TableName("public", "t"), List.of("id"), new ValueCodec[0],
                    List.of("id"), new int[] {0}, List.of("integer"), 0, null, false);
            CompletableFuture<Void> waited = CompletableFuture.runAsync(() -> {
                try {
                    ChunkReader.awaitEnded(counted, table, new long[] {xid});
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThatThrownBy(() -> waited.get(3, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
            // 2, 4, ... 512 ms pauses: about a dozen polls in three seconds; every 2 ms would be well over a thousand
            assertThat(polls.get()).isBetween(2, 30);
            long ended = System.nanoTime();
            blocker.commit();
            waited.get(5, TimeUnit.SECONDS);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - ended)).isLessThan(2_000);
        }
    }
}
