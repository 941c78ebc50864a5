package dev.pgcdc;

import dev.pgcdc.stream.Delivery;
import org.apache.camel.Message;

/**
 * Reads a change exchange's {@link PgCdcConstants#POSITION} and {@link PgCdcConstants#LAST_IN_TRANSACTION} headers
 * for a producer that needs them for every change (the sink). Asking the message for one header makes it build all
 * of them (a case-insensitive map, LSNs formatted as text), which costs more than the rest of the hand-over; while
 * the route has not touched the headers, their values come straight from the change's delivery instead.
 */
public final class ChangePlace {

    private ChangePlace() {
    }

    /** The change's position in its transaction, or null when the message has none. */
    public static Long position(Message message) {
        Delivery delivery = untouchedDelivery(message);
        return delivery != null ? Long.valueOf(delivery.position())
                : message.getHeader(PgCdcConstants.POSITION, Long.class);
    }

    /** Whether the change is marked as the last of its transaction. */
    public static boolean lastInTransaction(Message message) {
        Delivery delivery = untouchedDelivery(message);
        return delivery != null ? delivery.lastInTransaction()
                : Boolean.TRUE.equals(message.getHeader(PgCdcConstants.LAST_IN_TRANSACTION, Boolean.class));
    }

    private static Delivery untouchedDelivery(Message message) {
        return message instanceof ChangeMessage change ? change.untouchedDelivery() : null;
    }
}
