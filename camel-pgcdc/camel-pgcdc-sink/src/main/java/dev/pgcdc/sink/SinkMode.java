package dev.pgcdc.sink;

/** How a table's changes are applied. */
public enum SinkMode {
    /** Insert-or-update by key; a delete deletes. The target mirrors the source. */
    UPSERT("upsert"),
    /** Every change becomes a new row: the target is the table's change history. */
    APPEND("append"),
    /** As upsert, but a delete marks the row ({@code _pgcdc_deleted = true}) instead of removing it. */
    SOFT_DELETE("softDelete");

    private final String option;

    SinkMode(String option) {
        this.option = option;
    }

    /** A mode as {@code tableModes} writes it, in any case. */
    public static SinkMode parse(String text) {
        for (SinkMode mode : values()) {
            if (mode.option.equalsIgnoreCase(text.strip())) {
                return mode;
            }
        }
        throw new IllegalArgumentException("Invalid mode '" + text.strip() + "' in option tableModes: use one of upsert,"
                + " append, softDelete");
    }

    @Override
    public String toString() {
        return option;
    }
}
