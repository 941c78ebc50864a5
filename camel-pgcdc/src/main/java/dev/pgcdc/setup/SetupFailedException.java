package dev.pgcdc.setup;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The server is not ready and the connector may not make it so: the message lists the blockers and the SQL an
 * administrator still has to run, ready to copy.
 */
public class SetupFailedException extends SetupException {

    private final transient SetupPlan plan;

    /** @param mode the mode setup ran in, which decides who the message says runs the connector's statements */
    public SetupFailedException(SetupPlan plan, SetupMode mode) {
        this(plan, mode, List.of());
    }

    /** @param applied what this start ran before it found the server still not ready, which the message lists */
    public SetupFailedException(SetupPlan plan, SetupMode mode, List<PlannedStatement> applied) {
        super(plan.describe(mode) + (applied.isEmpty() ? "" : "This start already ran (and kept):\n"
                + applied.stream().map(statement -> statement.sql() + ";\n").collect(Collectors.joining())));
        this.plan = plan;
    }

    public SetupPlan plan() {
        return plan;
    }
}
