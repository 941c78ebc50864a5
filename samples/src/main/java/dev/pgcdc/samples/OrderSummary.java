package dev.pgcdc.samples;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Operation;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Turns an order's change into the summary downstream systems want: order id, status, amount, what happened and
 * when. A negative amount is rejected, to show the dead-letter channel at work.
 */
public class OrderSummary implements Processor {

    @Override
    public void process(Exchange exchange) {
        ChangeEvent change = exchange.getIn().getBody(ChangeEvent.class);
        Map<String, Object> order = change.getAfter();
        BigDecimal amount = (BigDecimal) order.get("amount");
        if (amount != null && amount.signum() < 0) {
            throw new IllegalArgumentException("order " + order.get("id") + " has a negative amount " + amount);
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("order", order.get("id"));
        summary.put("event", change.getOp() == Operation.INSERT ? "placed" : "changed");
        summary.put("status", order.get("status"));
        summary.put("amount", amount);
        summary.put("committedAt", change.getCommitTimestamp().toString());
        summary.put("id", change.getId());
        exchange.getIn().setBody(summary);
    }
}
