package dev.pgcdc.setup;

/**
 * The server is not ready and the connector may not make it so: the message lists the blockers and the SQL an
 * administrator still has to run, ready to copy.
 */
public class SetupFailedException extends SetupException {

    private final transient SetupPlan plan;

    /** @param mode the mode setup ran in, which decides who the message says runs the connector's statements */
    public SetupFailedException(SetupPlan plan, SetupMode mode) {
        super(plan.describe(mode));
        this.plan = plan;
    }

    public SetupPlan plan() {
        return plan;
    }
}
