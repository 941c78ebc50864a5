package dev.pgcdc.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** setupMode=plan prints the plan and ends the runner, its exit status saying whether anything is missing. */
class PlanOnlyTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();

    private static final Path ROUTE = RunningRoutes.integration("log-json.yaml");

    @Test
    void endsWithTwoWhileSetupIsMissingAndZeroOnceItIsDone() {
        PostgresServer pg = PG.server();
        pg.execute("CREATE TABLE plan_t (id int PRIMARY KEY)");
        String[] connection = {"pgcdc.host=" + pg.host(), "pgcdc.port=" + pg.port(), "pgcdc.user=" + pg.superuser(),
                "pgcdc.password=" + pg.superuserPassword(), "pgcdc.slot=plan_only", "pgcdc.tables=public.plan_t",
                "camel.component.pgcdc.snapshotMode=never"};

        try (RunningRoutes plan = RunningRoutes.start(ROUTE, with(connection, "camel.component.pgcdc.setupMode=PLAN"))) {
            assertThat(plan.exitCode()).isEqualTo(PlanOnly.MISSING);
        }
        assertThat(pg.replicationSlots()).noneMatch(slot -> slot.slotName().equals("plan_only"));

        RunningRoutes.capture(pg, "plan_only", "public.plan_t", ROUTE).close();
        try (RunningRoutes plan = RunningRoutes.start(ROUTE, with(connection, "camel.component.pgcdc.setupMode=PLAN"))) {
            assertThat(plan.exitCode()).isEqualTo(PlanOnly.SET_UP);
        }
    }

    @Test
    void saysWhatIsMissingAndWhoDoesIt() {
        assertThat(PlanOnly.whatIsMissing(1, 0, 0))
                .isEqualTo("1 blocker(s) that need action other than SQL, each saying which in the plan above")
                .doesNotContain("run the SQL");
        assertThat(PlanOnly.whatIsMissing(0, 2, 0)).isEqualTo("an administrator must run 2 SQL statement(s) of the plan above");
        assertThat(PlanOnly.whatIsMissing(0, 0, 3)).isEqualTo("pgcdc runs what is left itself when started with setupMode=auto");
        assertThat(PlanOnly.whatIsMissing(1, 2, 3)).isEqualTo("1 blocker(s) that need action other than SQL, each saying"
                + " which in the plan above; an administrator must run 2 SQL statement(s) of the plan above; then pgcdc"
                + " runs its 3 statement(s) itself with setupMode=auto");
    }

    private static String[] with(String[] arguments, String more) {
        String[] all = java.util.Arrays.copyOf(arguments, arguments.length + 1);
        all[arguments.length] = more;
        return all;
    }
}
