package dev.pgcdc.setup;

import java.util.List;

/**
 * Renders a plan as text. Names in comments come from the catalog and may hold anything, line breaks included, so
 * every line of a comment gets its own {@code --}: no name can end a comment and smuggle SQL into the script.
 */
final class PlanText {

    private PlanText() {
    }

    static String sqlScript(SetupPlan plan) {
        List<PlannedStatement> administratorStatements = plan.statementsFor(Actor.ADMINISTRATOR);
        if (administratorStatements.isEmpty() && plan.blockers().isEmpty()) {
            return "";
        }
        StringBuilder script = new StringBuilder();
        comment(script, "pgcdc setup: database " + plan.facts().database() + ", role " + plan.facts().user().name()
                + ", slot " + plan.request().slotName() + ".");
        comment(script, "Run as a superuser (or as the owner of the objects named), connected to database "
                + plan.facts().database() + ".");
        for (String blocker : plan.blockers()) {
            comment(script, "BLOCKER, fix it outside this script: " + blocker);
        }
        for (PlannedStatement statement : administratorStatements) {
            script.append('\n');
            appendStatement(script, statement, plan.facts().database());
        }
        return script.toString();
    }

    static String describe(SetupPlan plan, SetupMode mode) {
        ServerFacts facts = plan.facts();
        StringBuilder text = new StringBuilder();
        text.append("pgcdc setup plan for slot ").append(plan.request().slotName()).append(" in database ")
                .append(facts.database()).append(" as role ").append(facts.user().name()).append(" (PostgreSQL ")
                .append(facts.majorVersion()).append("): ").append(plan.model().description()).append('\n');
        text.append("Slot: ").append(slotState(plan)).append('\n');
        list(text, "Blockers (no SQL of ours fixes these):", plan.blockers());
        list(text, "Warnings:", plan.warnings());
        List<PlannedStatement> connectorStatements = plan.statementsFor(Actor.CONNECTOR);
        if (!connectorStatements.isEmpty()) {
            text.append(switch (mode) {
                case AUTO -> plan.readyOnceConnectorRan() ? "pgcdc runs these itself:\n"
                        : "pgcdc runs these itself once nothing else is missing (it ran none of them, as the start"
                                + " failed):\n";
                case VALIDATE -> "Missing (setupMode=validate changes nothing); pgcdc runs these itself with"
                        + " setupMode=auto, or an administrator runs them:\n";
                case PLAN -> "pgcdc runs these itself (setupMode=auto):\n";
            });
            connectorStatements.forEach(statement -> appendStatement(text, statement, facts.database()));
        }
        if (!plan.statementsFor(Actor.ADMINISTRATOR).isEmpty()) {
            text.append("An administrator must run:\n").append(sqlScript(plan));
        }
        if (plan.isSetUp()) {
            text.append("Nothing to do: the server is set up.\n");
        }
        return text.toString();
    }

    private static String slotState(SetupPlan plan) {
        return plan.existingSlot().map(slot -> "exists (plugin " + slot.plugin() + ", "
                + (slot.active() ? "active, pid " + slot.activePid() : "inactive")
                + (slot.walStatus() != null ? ", wal_status " + slot.walStatus() : "") + ")")
                .orElse(plan.request().slotElsewhere() ? "on the standby decoded from"
                        : plan.connectorCreatesSlot() ? "missing; the role may create it"
                        : "missing; the role may not create it");
    }

    private static void list(StringBuilder text, String title, List<String> items) {
        if (!items.isEmpty()) {
            text.append(title).append('\n');
            items.forEach(item -> text.append("  - ").append(oneLine(item)).append('\n'));
        }
    }

    private static void appendStatement(StringBuilder text, PlannedStatement statement, String database) {
        comment(text, statement.why());
        if (!statement.replicationCommand()) {
            text.append(statement.sql()).append(";\n");
            return;
        }
        // psql runs a replication command only on a replication connection: reconnect for it, reusing host, port,
        // user and password of the session, then reconnect as before
        text.append("\\connect -reuse-previous=on ")
                .append(psqlArgument("dbname=" + conninfoValue(database) + " replication=database")).append('\n')
                .append(statement.sql()).append(";\n")
                .append("\\connect -reuse-previous=on ")
                .append(psqlArgument("dbname=" + conninfoValue(database) + " replication=false")).append('\n');
    }

    /** A value of a libpq connection string, quoted when it must be. */
    static String conninfoValue(String value) {
        return value.matches("[A-Za-z0-9_.-]+") ? value
                : "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** An argument of a psql meta-command, in single quotes, where psql reads C-like escapes and '' as a quote. */
    private static String psqlArgument(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''").replace("\n", "\\n").replace("\r", "\\r")
                + "'";
    }

    private static void comment(StringBuilder text, String comment) {
        for (String line : comment.split("\\R", -1)) {
            text.append("-- ").append(line).append('\n');
        }
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\R", " ");
    }
}
