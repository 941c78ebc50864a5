package dev.pgcdc.runner;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.ToIntFunction;

import dev.pgcdc.PgCdcConsumer;
import dev.pgcdc.setup.Actor;
import dev.pgcdc.setup.SetupPlan;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * setupMode=plan is a dry run: once every pgcdc route has logged its plan, nothing is left to do, so the runner
 * ends, with exit status {@value #SET_UP} when nothing is missing and {@value #MISSING} when anything is: SQL to run
 * or a blocker that needs other action (e.g. wal_level, which takes a server restart).
 */
final class PlanOnly {

    static final int SET_UP = 0;
    static final int MISSING = 2;
    private static final Logger LOG = LoggerFactory.getLogger(PlanOnly.class);

    private PlanOnly() {
    }

    /** The exit status when every pgcdc consumer of the started context only planned; empty otherwise. */
    static OptionalInt exitStatus(CamelContext context) {
        List<PgCdcConsumer> consumers = context.getRoutes().stream().map(Route::getConsumer)
                .filter(PgCdcConsumer.class::isInstance).map(PgCdcConsumer.class::cast).toList();
        if (consumers.isEmpty() || !consumers.stream().allMatch(c -> c.plannedSetup().isPresent())) {
            return OptionalInt.empty();
        }
        List<SetupPlan> incomplete = consumers.stream().map(c -> c.plannedSetup().get())
                .filter(plan -> !plan.isSetUp()).toList();
        if (incomplete.isEmpty()) {
            LOG.info("setupMode=plan: nothing is missing; stopping (exit status {})", SET_UP);
            return OptionalInt.of(SET_UP);
        }
        LOG.warn("setupMode=plan: the setup of {} of {} slot(s) is incomplete: {}; stopping (exit status {})",
                incomplete.size(), consumers.size(), whatIsMissing(count(incomplete, plan -> plan.blockers().size()),
                        count(incomplete, plan -> plan.statementsFor(Actor.ADMINISTRATOR).size()),
                        count(incomplete, plan -> plan.statementsFor(Actor.CONNECTOR).size())), MISSING);
        return OptionalInt.of(MISSING);
    }

    /**
     * What is left, and who does it: blockers need something other than SQL (a setting and a restart, a free slot),
     * and setupMode=auto runs pgcdc's own statements only when nothing else is missing.
     */
    static String whatIsMissing(int blockers, int administratorStatements, int connectorStatements) {
        List<String> missing = new ArrayList<>();
        if (blockers > 0) {
            missing.add(blockers + " blocker(s) that need action other than SQL, each saying which in the plan above");
        }
        if (administratorStatements > 0) {
            missing.add("an administrator must run " + administratorStatements + " SQL statement(s) of the plan above");
        }
        if (connectorStatements > 0) {
            missing.add(missing.isEmpty()
                    ? "pgcdc runs what is left itself when started with setupMode=auto"
                    : "then pgcdc runs its " + connectorStatements + " statement(s) itself with setupMode=auto");
        }
        return String.join("; ", missing);
    }

    private static int count(List<SetupPlan> plans, ToIntFunction<SetupPlan> items) {
        return plans.stream().mapToInt(items).sum();
    }
}
