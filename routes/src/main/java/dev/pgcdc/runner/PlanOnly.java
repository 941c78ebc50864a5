package dev.pgcdc.runner;

import java.util.List;
import java.util.OptionalInt;

import dev.pgcdc.PgCdcConsumer;
import dev.pgcdc.setup.Actor;
import dev.pgcdc.setup.SetupPlan;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * setupMode=plan is a dry run: once every pgcdc route has logged its plan, nothing is left to do, so the runner
 * ends, with exit status {@value #SET_UP} when nothing is missing and {@value #MISSING} when SQL is.
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
                incomplete.size(), consumers.size(), incomplete.stream().allMatch(PlanOnly::autoDoesItAll)
                        ? "pgcdc runs what is left itself when started with setupMode=auto"
                        : "an administrator must run the SQL of the plan above", MISSING);
        return OptionalInt.of(MISSING);
    }

    /** Nothing blocks and every statement is one pgcdc runs itself in setupMode=auto. */
    private static boolean autoDoesItAll(SetupPlan plan) {
        return plan.blockers().isEmpty() && plan.statementsFor(Actor.CONNECTOR).size() == plan.statements().size();
    }
}
