package dev.pgcdc.setup;

/** Who looks after the publication, slot and the connector's own tables. */
public enum SetupModel {
    /** The connecting role may create and maintain them all; the connector keeps them up to date. */
    CONNECTOR_MANAGED("pgcdc may create and maintain the publication, slot and its own tables itself"),
    /**
     * Some of them are (or must be) created by an administrator; the connector uses them as they are and changes only
     * what the connecting role may change, never a publication named with the publication option that it did not
     * create.
     */
    CUSTOMER_MANAGED("an administrator looks after part of the publication, slot and pgcdc's own tables; pgcdc"
            + " changes only what its role may change, and of publications only its own (named after the slot or"
            + " created by pgcdc)");

    private final String description;

    SetupModel(String description) {
        this.description = description;
    }

    /** In words for a log line. */
    public String description() {
        return description;
    }
}
