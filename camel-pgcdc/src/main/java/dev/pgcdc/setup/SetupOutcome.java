package dev.pgcdc.setup;

import java.util.List;

/**
 * What {@link Setup#run} found and did.
 *
 * @param plan    the plan as it stands after {@code applied} ran: ready, unless the mode was PLAN
 * @param applied the statements the connector ran, in order; empty unless the mode was AUTO
 */
public record SetupOutcome(SetupPlan plan, List<PlannedStatement> applied) {

    public SetupOutcome {
        applied = List.copyOf(applied);
    }
}
