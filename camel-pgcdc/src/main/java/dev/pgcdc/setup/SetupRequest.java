package dev.pgcdc.setup;

import dev.pgcdc.pg.TableName;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the connector needs on the server: a logical slot using {@code plugin}, for pgoutput a publication holding
 * {@code tables} (empty: every table), and the {@link ConnectorTable}s it uses itself (heartbeat, snapshot).
 */
public final class SetupRequest {

    public static final String PGOUTPUT = "pgoutput";

    /** What PostgreSQL accepts as a slot name (ReplicationSlotValidateName); checked early for a clear message. */
    private static final Pattern SLOT_NAME = Pattern.compile("[a-z0-9_]{1,63}");

    private final String slotName;
    private final String plugin;
    private final String publicationName;
    private final List<TableName> tables;
    private final List<ConnectorTable> connectorTables;
    private final List<TableName> replicaIdentityFull;
    private final List<String> unmatchedTablePatterns;
    private final String nothingSelected;
    private final boolean slotFailover;
    private final boolean slotElsewhere;
    private final boolean publicationGiven;

    private SetupRequest(Builder builder) {
        this.slotName = Objects.requireNonNull(builder.slotName, "slotName");
        this.plugin = Objects.requireNonNull(builder.plugin, "plugin");
        this.publicationName = builder.publicationName;
        // names that fold to the same table (orders, ORDERS) must not list it twice in the publication or the plan
        this.tables = List.copyOf(new LinkedHashSet<>(builder.tables));
        this.connectorTables = List.copyOf(builder.connectorTables);
        this.replicaIdentityFull = List.copyOf(builder.replicaIdentityFull);
        this.unmatchedTablePatterns = List.copyOf(builder.unmatchedTablePatterns);
        this.nothingSelected = builder.nothingSelected;
        this.slotFailover = builder.slotFailover;
        this.slotElsewhere = builder.slotElsewhere;
        this.publicationGiven = builder.publicationGiven;
        if (connectorTableNames().stream().distinct().count() < connectorTables.size()) {
            throw new IllegalArgumentException("the connector's own tables need distinct names, not "
                    + connectorTableNames());
        }
        if (!SLOT_NAME.matcher(slotName).matches()) {
            throw new IllegalArgumentException("slotName '" + slotName + "' is not a valid replication slot name:"
                    + " use 1 to 63 lower case letters, digits and underscores");
        }
        if (usesPublication() && publicationName == null) {
            throw new IllegalArgumentException("the pgoutput plugin needs a publicationName");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public String slotName() {
        return slotName;
    }

    public String plugin() {
        return plugin;
    }

    /** The publication name; null for plugins that do not use publications (wal2json). */
    public String publicationName() {
        return usesPublication() ? publicationName : null;
    }

    /** The tables to capture; empty means every table (of the publication when it exists). */
    public List<TableName> tables() {
        return tables;
    }

    /** The tables the connector uses itself; never captured, but set up by the plan. */
    public List<ConnectorTable> connectorTables() {
        return connectorTables;
    }

    /** The tables to set to REPLICA IDENTITY FULL (option replicaIdentityFull). */
    public List<TableName> replicaIdentityFull() {
        return replicaIdentityFull;
    }

    /** The tables option's wildcard patterns that matched no table when the tables were selected. */
    public List<String> unmatchedTablePatterns() {
        return unmatchedTablePatterns;
    }

    /**
     * Why the tables option selects no table although it names some (null when it selects any, or every table):
     * then no table list is no request for every table.
     */
    public String nothingSelected() {
        return nothingSelected;
    }

    /** Whether the slot is to be a failover slot, synced to standbys (option slotFailover, PostgreSQL 17+). */
    public boolean slotFailover() {
        return slotFailover;
    }

    /** Whether the slot lives on another server (a standby decoded from): {@link Setup#prepare} creates it there. */
    public boolean slotElsewhere() {
        return slotElsewhere;
    }

    /**
     * Whether the publication was named by the user (option publication) rather than after the slot: it may serve
     * other subscriptions, so pgcdc creates it when missing (marked as its own) and changes it only when it carries
     * that mark.
     */
    public boolean publicationGiven() {
        return publicationGiven;
    }

    List<TableName> connectorTableNames() {
        return connectorTables.stream().map(ConnectorTable::name).toList();
    }

    /** The connector table named so, or null. */
    ConnectorTable connectorTable(TableName name) {
        return connectorTables.stream().filter(table -> table.name().equals(name)).findFirst().orElse(null);
    }

    /** Only pgoutput reads its table list from a publication; wal2json filters with plugin options instead. */
    public boolean usesPublication() {
        return usesPublication(plugin);
    }

    public static boolean usesPublication(String plugin) {
        return PGOUTPUT.equals(plugin);
    }

    public static final class Builder {
        private String slotName;
        private String plugin = PGOUTPUT;
        private String publicationName;
        private List<TableName> tables = List.of();
        private List<ConnectorTable> connectorTables = List.of();
        private List<TableName> replicaIdentityFull = List.of();
        private List<String> unmatchedTablePatterns = List.of();
        private String nothingSelected;
        private boolean slotFailover;
        private boolean slotElsewhere;
        private boolean publicationGiven;

        private Builder() {
        }

        public Builder publicationGiven(boolean publicationGiven) {
            this.publicationGiven = publicationGiven;
            return this;
        }

        public Builder slotElsewhere(boolean slotElsewhere) {
            this.slotElsewhere = slotElsewhere;
            return this;
        }

        public Builder slotFailover(boolean slotFailover) {
            this.slotFailover = slotFailover;
            return this;
        }

        public Builder slotName(String slotName) {
            this.slotName = slotName;
            return this;
        }

        public Builder plugin(String plugin) {
            this.plugin = plugin;
            return this;
        }

        public Builder publicationName(String publicationName) {
            this.publicationName = publicationName;
            return this;
        }

        public Builder tables(List<TableName> tables) {
            this.tables = Objects.requireNonNull(tables, "tables");
            return this;
        }

        public Builder connectorTables(List<ConnectorTable> connectorTables) {
            this.connectorTables = Objects.requireNonNull(connectorTables, "connectorTables");
            return this;
        }

        public Builder replicaIdentityFull(List<TableName> replicaIdentityFull) {
            this.replicaIdentityFull = Objects.requireNonNull(replicaIdentityFull, "replicaIdentityFull");
            return this;
        }

        public Builder unmatchedTablePatterns(List<String> unmatchedTablePatterns) {
            this.unmatchedTablePatterns = Objects.requireNonNull(unmatchedTablePatterns, "unmatchedTablePatterns");
            return this;
        }

        public Builder nothingSelected(String nothingSelected) {
            this.nothingSelected = nothingSelected;
            return this;
        }

        public SetupRequest build() {
            return new SetupRequest(this);
        }
    }
}
