package dev.pgcdc.setup;

/** How the connector treats a server that is not (fully) set up. */
public enum SetupMode {
    /** Run what the connecting role may; fail with the remaining SQL if anything is left. */
    AUTO,
    /** Change nothing; fail with the SQL if anything is missing. */
    VALIDATE,
    /** Change nothing and do not fail: return the plan so the caller can print it. */
    PLAN
}
