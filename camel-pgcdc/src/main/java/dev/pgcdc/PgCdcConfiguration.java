package dev.pgcdc;

import java.util.ArrayList;
import java.util.List;

import dev.pgcdc.filter.ColumnExclusions;
import dev.pgcdc.filter.TableFilter;
import dev.pgcdc.stream.DecodingOptions;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;
import org.apache.camel.spi.UriPath;

/** Endpoint options of {@code pgcdc:}; shared by the component as defaults for its endpoints. */
@UriParams
public class PgCdcConfiguration implements Cloneable {

    @UriPath(description = "The logical replication slot to consume. PostgreSQL allows lower-case letters, digits and"
                           + " underscores.")
    @Metadata(required = true)
    private String slotName;

    @UriParam(label = "common", defaultValue = "localhost", description = "The PostgreSQL server host.")
    private String host = "localhost";
    @UriParam(label = "common", defaultValue = "5432", description = "The PostgreSQL server port.")
    private int port = 5432;
    @UriParam(label = "common", description = "The database to capture.")
    @Metadata(required = true)
    private String database;
    @UriParam(label = "security", secret = true, description = "The user to connect as; it needs the REPLICATION"
                                                               + " attribute (or rds_replication membership).")
    private String user;
    @UriParam(label = "security", secret = true, description = "The password of the user.")
    private String password;
    @UriParam(label = "common", description = "The publication to stream; defaults to the slot name.")
    private String publication;
    @UriParam(label = "common", description = "Tables to capture, comma-separated, as schema.table (or table for"
                                             + " schema public), each a name or a glob pattern (* any characters, ?"
                                             + " one), e.g. public.orders,public.order_*. Changes of other tables"
                                             + " are dropped (and acknowledged). When the publication has to be"
                                             + " created, it is created for the tables that exist and match.")
    private String tables;
    @UriParam(label = "filter", description = "Tables whose changes are dropped (and acknowledged), comma-separated"
                                             + " names or glob patterns as in tables, e.g. public.audit_*.")
    private String excludeTables;
    @UriParam(label = "filter", description = "Columns left out of every change (key, before, after, unchanged),"
                                             + " comma-separated schema.table.column names or glob patterns, e.g."
                                             + " public.users.password_hash. Excluding a key column is an error.")
    private String excludeColumns;
    @UriParam(label = "consumer", defaultValue = "natural", enums = "natural,text",
              description = "Column values as natural Java types (BigDecimal, OffsetDateTime, byte[], List, Map, ...;"
                            + " the JSON form equals PostgreSQL's to_jsonb) or as PostgreSQL's text output (every"
                            + " value a String). text cannot be combined with binary.")
    private String valueFormat = "natural";
    @UriParam(label = "consumer", defaultValue = "false",
              description = "Ask pgoutput for binary values (PostgreSQL 14+): less work for the server, same output."
                            + " Fails at start, naming the column, if a published column's type has no binary"
                            + " decoder (ranges, geometric, text search, money, ...); use binary=false then.")
    private boolean binary;
    @UriParam(label = "consumer", defaultValue = "false",
              description = "Deliver logical decoding messages (pg_logical_emit_message, PostgreSQL 14+) as exchanges"
                            + " with operation m and a LogicalMessage body.")
    private boolean emitMessages;
    @UriParam(label = "consumer", defaultValue = "native", enums = "native,debezium",
              description = "The body: native (the ChangeEvent) or debezium (a DebeziumEnvelope with Debezium's"
                            + " before/after/source/op/ts_ms shape, for routes written for camel-debezium-postgres).")
    private OutputFormat outputFormat = OutputFormat.NATIVE;
    @UriParam(label = "advanced", description = "Tables to set REPLICA IDENTITY FULL on at start (comma-separated"
                                               + " schema.table names), so that updates and deletes carry the whole"
                                               + " old row and unchanged TOASTed values. Needs table ownership.")
    private String replicaIdentityFull;

    @UriParam(label = "consumer", defaultValue = "1000", description = "The most change exchanges in flight (handed"
            + " to the route but not completed); reading from the server pauses while the limit is reached.")
    private int maxInflight = 1000;
    @UriParam(label = "consumer,advanced", defaultValue = "10000", javaType = "java.time.Duration",
              description = "How often a status update is sent to the server even without progress. Keep it well"
                            + " below the server's wal_sender_timeout.")
    private long statusInterval = 10000;
    @UriParam(label = "consumer", defaultValue = "1000", javaType = "java.time.Duration",
              description = "The first delay before reconnecting after a lost connection, a busy slot or a failed"
                            + " exchange; it doubles on each further attempt up to reconnectMaxDelay.")
    private long reconnectDelay = 1000;
    @UriParam(label = "consumer", defaultValue = "60000", javaType = "java.time.Duration",
              description = "The longest delay between reconnect attempts.")
    private long reconnectMaxDelay = 60000;
    @UriParam(label = "consumer", defaultValue = "30000", javaType = "java.time.Duration",
              description = "How long stopping waits for in-flight exchanges to complete so they can be acknowledged.")
    private long shutdownTimeout = 30000;
    @UriParam(label = "common", defaultValue = "10", description = "Connect timeout in seconds.")
    private int connectTimeout = 10;

    /** The decoding and filter options, checked. */
    public DecodingOptions decodingOptions() {
        boolean rawText = "text".equalsIgnoreCase(valueFormat);
        if (!rawText && !"natural".equalsIgnoreCase(valueFormat)) {
            throw new IllegalArgumentException("valueFormat must be natural or text, was " + valueFormat);
        }
        if (rawText && binary) {
            throw new IllegalArgumentException("valueFormat=text needs the server's text output: remove binary=true");
        }
        return new DecodingOptions(binary, rawText, emitMessages, TableFilter.of(tables, excludeTables),
                ColumnExclusions.of(excludeColumns));
    }

    public PgCdcConfiguration copy() {
        try {
            return (PgCdcConfiguration) clone();
        } catch (CloneNotSupportedException e) {
            throw new RuntimeCamelException(e);
        }
    }

    /** The publication to stream: the configured one, or the slot name. */
    public String resolvedPublication() {
        return publication != null && !publication.isBlank() ? publication : slotName;
    }

    /** The configured tables (exact names, not patterns) as [schema, table] pairs; unqualified names are in public. */
    public List<String[]> tableList() {
        return qualifiedNames(tables);
    }

    /** The tables to set REPLICA IDENTITY FULL on, as [schema, table] pairs. */
    public List<String[]> replicaIdentityFullList() {
        return qualifiedNames(replicaIdentityFull);
    }

    private static List<String[]> qualifiedNames(String list) {
        List<String[]> result = new ArrayList<>();
        if (list == null || list.isBlank()) {
            return result;
        }
        for (String entry : list.split(",")) {
            String name = entry.trim();
            if (name.isEmpty() || name.indexOf('*') >= 0 || name.indexOf('?') >= 0) {
                continue;
            }
            int dot = name.indexOf('.');
            result.add(dot < 0 ? new String[] {"public", name}
                    : new String[] {name.substring(0, dot), name.substring(dot + 1)});
        }
        return result;
    }

    public String getSlotName() {
        return slotName;
    }

    public void setSlotName(String slotName) {
        this.slotName = slotName;
    }

    public String getHost() {
        return host;
    }

    public void setHost(String host) {
        this.host = host;
    }

    public int getPort() {
        return port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    public String getDatabase() {
        return database;
    }

    public void setDatabase(String database) {
        this.database = database;
    }

    public String getUser() {
        return user;
    }

    public void setUser(String user) {
        this.user = user;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public String getPublication() {
        return publication;
    }

    public void setPublication(String publication) {
        this.publication = publication;
    }

    public String getTables() {
        return tables;
    }

    public void setTables(String tables) {
        this.tables = tables;
    }

    public String getExcludeTables() {
        return excludeTables;
    }

    public void setExcludeTables(String excludeTables) {
        this.excludeTables = excludeTables;
    }

    public String getExcludeColumns() {
        return excludeColumns;
    }

    public void setExcludeColumns(String excludeColumns) {
        this.excludeColumns = excludeColumns;
    }

    public String getValueFormat() {
        return valueFormat;
    }

    public void setValueFormat(String valueFormat) {
        this.valueFormat = valueFormat;
    }

    public boolean isBinary() {
        return binary;
    }

    public void setBinary(boolean binary) {
        this.binary = binary;
    }

    public boolean isEmitMessages() {
        return emitMessages;
    }

    public void setEmitMessages(boolean emitMessages) {
        this.emitMessages = emitMessages;
    }

    public OutputFormat getOutputFormat() {
        return outputFormat;
    }

    public void setOutputFormat(OutputFormat outputFormat) {
        this.outputFormat = outputFormat;
    }

    public String getReplicaIdentityFull() {
        return replicaIdentityFull;
    }

    public void setReplicaIdentityFull(String replicaIdentityFull) {
        this.replicaIdentityFull = replicaIdentityFull;
    }

    public int getMaxInflight() {
        return maxInflight;
    }

    public void setMaxInflight(int maxInflight) {
        this.maxInflight = maxInflight;
    }

    public long getStatusInterval() {
        return statusInterval;
    }

    public void setStatusInterval(long statusInterval) {
        this.statusInterval = statusInterval;
    }

    public long getReconnectDelay() {
        return reconnectDelay;
    }

    public void setReconnectDelay(long reconnectDelay) {
        this.reconnectDelay = reconnectDelay;
    }

    public long getReconnectMaxDelay() {
        return reconnectMaxDelay;
    }

    public void setReconnectMaxDelay(long reconnectMaxDelay) {
        this.reconnectMaxDelay = reconnectMaxDelay;
    }

    public long getShutdownTimeout() {
        return shutdownTimeout;
    }

    public void setShutdownTimeout(long shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    public int getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(int connectTimeout) {
        this.connectTimeout = connectTimeout;
    }
}
