package dev.pgcdc.stream;

import java.time.Instant;

/**
 * Where a delivered change stands in its transaction.
 *
 * @param position          its 0-based position among the changes of its transaction (filtered ones count too), the
 *                          same on every redelivery: with the commit LSN it identifies the change
 * @param schemaChanged     whether it is the first change of its table since the table's columns changed
 * @param sentAt            when the server's walsender sent the change's message, by the server's clock, or null
 *                          when that cannot be told: the commit timestamp to it is the lag in the server
 * @param receivedAt        when the replication thread read the change's message from the server: from the send
 *                          time to it the lag in the network and in the socket (the read loop was busy or late),
 *                          from it to the route the lag inside pgcdc
 */
public record Delivery(long position, boolean schemaChanged, Instant sentAt, Instant receivedAt) {
}
