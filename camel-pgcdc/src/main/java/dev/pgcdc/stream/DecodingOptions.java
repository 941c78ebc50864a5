package dev.pgcdc.stream;

import dev.pgcdc.filter.ColumnFilter;
import dev.pgcdc.filter.TableFilter;

/**
 * How changes are decoded and selected: pgoutput's binary mode, raw text values, logical decoding messages, and
 * the table and column filters.
 *
 * @param binary       pgoutput option {@code binary} (PostgreSQL 14+)
 * @param rawText      every value as its PostgreSQL text form instead of a natural Java type (text mode only)
 * @param emitMessages pgoutput option {@code messages} (PostgreSQL 14+): deliver logical decoding messages
 */
public record DecodingOptions(boolean binary, boolean rawText, boolean emitMessages, TableFilter tables,
                              ColumnFilter columns) {

    public static final DecodingOptions DEFAULT = new DecodingOptions(false, false, false, TableFilter.ALL,
            ColumnFilter.ALL);
}
