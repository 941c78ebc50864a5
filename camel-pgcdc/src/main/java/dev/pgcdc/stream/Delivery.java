package dev.pgcdc.stream;

/**
 * Where a delivered change stands in its transaction.
 *
 * @param position          its 0-based position among the changes of its transaction (filtered ones count too), the
 *                          same on every redelivery: with the commit LSN it identifies the change
 * @param schemaChanged     whether it is the first change of its table since the table's columns changed
 */
public record Delivery(long position, boolean schemaChanged) {
}
