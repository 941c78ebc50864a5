package dev.pgcdc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.pgcdc.snapshot.SnapshotMode;
import dev.pgcdc.snapshot.SnapshotOptions;
import dev.pgcdc.snapshot.TableId;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.StateRepository;
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
                                             + " schema public). Used when the publication has to be created.")
    private String tables;

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

    @UriParam(label = "consumer,snapshot", defaultValue = "initial", enums = "initial,never,always,initial_only",
              description = "When to snapshot the published tables (deliver their existing rows as op r):"
                            + " initial snapshots each table not snapshotted to the end yet, then streams; never"
                            + " only streams; always snapshots every table on every start; initial_only snapshots"
                            + " and then stops the route. Streaming goes on during the snapshot.")
    private SnapshotMode snapshotMode = SnapshotMode.INITIAL;
    @UriParam(label = "consumer,snapshot", description = "Published tables that are only streamed, never"
            + " snapshotted, comma-separated, as schema.table (or table for schema public).")
    private String skipSnapshotTables;
    @UriParam(label = "consumer,snapshot", defaultValue = "4096", description = "Rows per snapshot chunk: each chunk"
            + " is read in its own short transaction, and the snapshot holds at most one chunk per table in memory.")
    private int snapshotChunkSize = 4096;
    @UriParam(label = "consumer,snapshot", defaultValue = "1", description = "How many tables are snapshotted at the"
            + " same time, each on a connection of its own.")
    private int snapshotParallelism = 1;
    @UriParam(label = "consumer,snapshot", defaultValue = "public.pgcdc_signal", description = "The signal table"
            + " (schema.table), which must be in the publication: the snapshot's chunk watermarks pass through it,"
            + " and inserting a row (slot_name, kind 'snapshot', table_name) asks for a table to be snapshotted"
            + " again. Created and added to the publication when missing, if the user may.")
    private String signalTable = "public.pgcdc_signal";
    @UriParam(label = "consumer,snapshot", defaultValue = "public.pgcdc_snapshot_state", description = "The table"
            + " (schema.table) that keeps snapshot progress per slot and table, so an interrupted snapshot resumes."
            + " Created when missing, if the user may. Not used when snapshotStateRepository is set.")
    private String snapshotStateTable = "public.pgcdc_snapshot_state";
    @UriParam(label = "consumer,snapshot,advanced", description = "A Camel StateRepository to keep snapshot progress"
            + " in instead of the snapshotStateTable.")
    private StateRepository<String, String> snapshotStateRepository;

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

    public SnapshotOptions snapshotOptions() {
        return new SnapshotOptions(slotName, resolvedPublication(), snapshotMode, TableId.parseList(skipSnapshotTables),
                snapshotChunkSize, snapshotParallelism, TableId.parse(signalTable), TableId.parse(snapshotStateTable),
                Duration.ofMillis(reconnectDelay));
    }

    /** The configured tables as [schema, table] pairs; unqualified names are in schema public. */
    public List<String[]> tableList() {
        List<String[]> result = new ArrayList<>();
        if (tables == null || tables.isBlank()) {
            return result;
        }
        for (String entry : tables.split(",")) {
            String name = entry.trim();
            if (name.isEmpty()) {
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

    public SnapshotMode getSnapshotMode() {
        return snapshotMode;
    }

    public void setSnapshotMode(SnapshotMode snapshotMode) {
        this.snapshotMode = snapshotMode;
    }

    public String getSkipSnapshotTables() {
        return skipSnapshotTables;
    }

    public void setSkipSnapshotTables(String skipSnapshotTables) {
        this.skipSnapshotTables = skipSnapshotTables;
    }

    public int getSnapshotChunkSize() {
        return snapshotChunkSize;
    }

    public void setSnapshotChunkSize(int snapshotChunkSize) {
        this.snapshotChunkSize = snapshotChunkSize;
    }

    public int getSnapshotParallelism() {
        return snapshotParallelism;
    }

    public void setSnapshotParallelism(int snapshotParallelism) {
        this.snapshotParallelism = snapshotParallelism;
    }

    public String getSignalTable() {
        return signalTable;
    }

    public void setSignalTable(String signalTable) {
        this.signalTable = signalTable;
    }

    public String getSnapshotStateTable() {
        return snapshotStateTable;
    }

    public void setSnapshotStateTable(String snapshotStateTable) {
        this.snapshotStateTable = snapshotStateTable;
    }

    public StateRepository<String, String> getSnapshotStateRepository() {
        return snapshotStateRepository;
    }

    public void setSnapshotStateRepository(StateRepository<String, String> snapshotStateRepository) {
        this.snapshotStateRepository = snapshotStateRepository;
    }
}
