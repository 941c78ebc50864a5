package dev.pgcdc.setup;

/** Whether the connecting role can create a slot with the output plugin, as the inspector found out. */
public enum PluginAvailability {
    /** Built in (pgoutput), already used by the slot, or a probe slot could be created with it. */
    LOADABLE,
    /** The server has no library of that name. */
    NOT_INSTALLED,
    /** The server's {@code output_plugin_libraries} (where it has that setting) does not list it. */
    NOT_ALLOWED,
    /** The probe could not run (no REPLICATION attribute, no free slot, wal_level): other blockers name why. */
    UNKNOWN
}
