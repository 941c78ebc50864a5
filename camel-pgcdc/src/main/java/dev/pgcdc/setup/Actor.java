package dev.pgcdc.setup;

/** Who has to run a planned statement. */
public enum Actor {
    /** The connector runs it itself (setupMode=auto) with the connecting role's privileges. */
    CONNECTOR,
    /** The connecting role may not: an administrator (or the owner of the object) must run it. */
    ADMINISTRATOR
}
