package dev.pgcdc.setup;

import java.sql.Connection;
import java.util.List;

/** The whole setup step as the consumer runs it at start: inspect, plan, and in auto mode apply and check again. */
public final class Setup {

    private Setup() {
    }

    /**
     * @throws SetupFailedException when the mode is AUTO or VALIDATE and the server is not ready; its message holds
     *                              the blockers and the SQL an administrator must run
     */
    public static SetupOutcome run(Connection connection, SetupRequest request, SetupMode mode) {
        SetupPlan plan = plan(connection, request);
        List<PlannedStatement> applied = List.of();
        if (mode == SetupMode.AUTO && !plan.statementsFor(Actor.CONNECTOR).isEmpty()) {
            applied = applyRacingOthers(connection, request, plan);
            plan = plan(connection, request); // check what we did instead of assuming it
        }
        if (mode != SetupMode.PLAN && !plan.isReady()) {
            throw new SetupFailedException(plan);
        }
        return new SetupOutcome(plan, applied);
    }

    /**
     * Applies the plan. Instances starting together may create the same objects between one's inspection and its
     * statements: the loser rolls back and plans again from what the winner created.
     */
    private static List<PlannedStatement> applyRacingOthers(Connection connection, SetupRequest request,
                                                            SetupPlan plan) {
        for (int attempt = 1; ; attempt++) {
            try {
                return new SetupApplier(connection).apply(plan);
            } catch (SetupApplier.CreatedConcurrentlyException e) {
                if (attempt == 3) {
                    throw e;
                }
                plan = plan(connection, request);
            }
        }
    }

    /** Inspects and plans; changes nothing. */
    public static SetupPlan plan(Connection connection, SetupRequest request) {
        return SetupPlanner.plan(new SetupInspector(connection).inspect(request), request);
    }
}
