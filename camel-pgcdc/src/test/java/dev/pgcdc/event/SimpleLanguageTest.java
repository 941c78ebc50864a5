package dev.pgcdc.event;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Routes read the change with Camel's simple language: ${body.table}, ${body.after[status]}. */
class SimpleLanguageTest {

    @Test
    void simpleExpressionsReadTheChange() throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            context.start();
            Exchange exchange = new DefaultExchange(context);
            exchange.getMessage().setBody(new ChangeEvent(Operation.UPDATE, "public", "orders",
                    new RowMap(ColumnNames.of("id"), new Object[] {7}), null,
                    new RowMap(ColumnNames.of("id", "status"), new Object[] {7, "paid"}), List.of(),
                    Lsn.of(1), Lsn.of(2), 1, Instant.EPOCH, false));
            assertThat(eval(context, exchange, "${body.table}")).isEqualTo("orders");
            assertThat(eval(context, exchange, "${body.op.code}")).isEqualTo("u");
            assertThat(eval(context, exchange, "${body.after[status]}")).isEqualTo("paid");
            assertThat(eval(context, exchange, "${body.key[id]}")).isEqualTo("7");
        }
    }

    private static String eval(CamelContext context, Exchange exchange, String expression) {
        return context.resolveLanguage("simple").createExpression(expression).evaluate(exchange, String.class);
    }
}
