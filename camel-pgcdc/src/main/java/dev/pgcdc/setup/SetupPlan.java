package dev.pgcdc.setup;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.pgcdc.pg.SlotState;
import dev.pgcdc.pg.TableName;

/**
 * What is still needed before changes can flow: statements (each with who must run it and why), blockers that no
 * statement of ours fixes, and warnings. Statements already satisfied on the server are not in it, so a fully
 * set-up server gives a plan with nothing in it.
 */
public final class SetupPlan {

    private final SetupRequest request;
    private final ServerFacts facts;
    private final SetupModel model;
    private final List<PlannedStatement> statements;
    private final List<String> blockers;
    private final List<String> warnings;
    private final Set<TableName> publishedWithoutIdentity;

    SetupPlan(SetupRequest request, ServerFacts facts, SetupModel model, List<PlannedStatement> statements,
            List<String> blockers, List<String> warnings, Set<TableName> publishedWithoutIdentity) {
        this.request = request;
        this.facts = facts;
        this.model = model;
        this.statements = List.copyOf(statements);
        this.blockers = List.copyOf(blockers);
        this.warnings = List.copyOf(warnings);
        this.publishedWithoutIdentity = Set.copyOf(publishedWithoutIdentity);
    }

    public SetupRequest request() {
        return request;
    }

    /** The facts the plan was made from; the server version, for one, decides the pgoutput protocol version. */
    public ServerFacts facts() {
        return facts;
    }

    public SetupModel model() {
        return model;
    }

    /** In the order they must run. */
    public List<PlannedStatement> statements() {
        return statements;
    }

    public List<PlannedStatement> statementsFor(Actor actor) {
        return statements.stream().filter(statement -> statement.actor() == actor).toList();
    }

    /** Problems no SQL of ours fixes, each naming its fix. */
    public List<String> blockers() {
        return blockers;
    }

    /** Worth knowing, but the connector can start. */
    public List<String> warnings() {
        return warnings;
    }

    /** The tables already published without replica identity that {@link #warnings()} warns about. */
    public Set<TableName> publishedWithoutIdentity() {
        return publishedWithoutIdentity;
    }

    public Optional<SlotState> existingSlot() {
        return Optional.ofNullable(facts.slot());
    }

    /**
     * The slot does not exist yet and the connecting role may create it: with setupMode=auto, {@link Setup#prepare}
     * creates it at the end of setup, before streaming starts.
     */
    public boolean connectorCreatesSlot() {
        return statementsFor(Actor.CONNECTOR).stream()
                .anyMatch(statement -> statement.kind() == PlannedStatement.Kind.SLOT_CREATION);
    }

    /**
     * Nothing blocks and nothing is left but what pgcdc does as it starts with setupMode=auto: creating the slot
     * (see {@link #connectorCreatesSlot()}).
     */
    public boolean isReady() {
        return blockers.isEmpty() && statements.size() == (connectorCreatesSlot() ? 1 : 0);
    }

    /**
     * Nothing blocks and nothing is left to an administrator: once the connector ran its statements, the plan is
     * {@link #isReady() ready}, as an administrator's statement never builds on one of the connector's.
     */
    public boolean readyOnceConnectorRan() {
        return blockers.isEmpty() && statementsFor(Actor.ADMINISTRATOR).isEmpty();
    }

    /** Nothing is left at all: what setupMode=validate requires. */
    public boolean isSetUp() {
        return blockers.isEmpty() && statements.isEmpty();
    }

    /** This plan with one more statement, found outside the planner's facts (e.g. on a standby). */
    SetupPlan with(PlannedStatement statement) {
        List<PlannedStatement> more = new ArrayList<>(statements);
        more.add(statement);
        return new SetupPlan(request, facts, model, more, blockers, warnings, publishedWithoutIdentity);
    }

    /** This plan with one more blocker, found outside the planner's facts (e.g. by the options' check). */
    SetupPlan withBlocker(String blocker) {
        List<String> more = new ArrayList<>(blockers);
        more.add(blocker);
        return new SetupPlan(request, facts, model, statements, more, warnings, publishedWithoutIdentity);
    }

    /**
     * Ready-to-run SQL for an administrator: the statements only an administrator may run, each after a comment
     * saying why, preceded by the blockers as comments. Empty when an administrator has nothing to do.
     */
    public String toSqlScript() {
        return PlanText.sqlScript(this);
    }

    /** The whole plan for a log: model, slot, blockers, warnings and every statement, as setupMode=plan shows it. */
    public String describe() {
        return describe(SetupMode.PLAN);
    }

    /** As {@link #describe()}, telling who runs the connector's statements in that mode. */
    public String describe(SetupMode mode) {
        return PlanText.describe(this, mode);
    }

    @Override
    public String toString() {
        return describe();
    }
}
