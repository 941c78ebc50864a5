package dev.pgcdc.setup;

/** Who looks after the publication, slot and the connector's own tables. */
public enum SetupModel {
    /** The connecting role may create and maintain them all; the connector keeps them up to date. */
    CONNECTOR_MANAGED,
    /**
     * Some of them are (or must be) created by an administrator; the connector uses them as they are and only
     * changes what the connecting role owns.
     */
    CUSTOMER_MANAGED
}
