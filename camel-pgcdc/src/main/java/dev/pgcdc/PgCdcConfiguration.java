package dev.pgcdc;

import dev.pgcdc.connect.ConnectionSettings;
import dev.pgcdc.connect.SslMode;
import dev.pgcdc.outbox.OutboxFields;
import dev.pgcdc.setup.SetupMode;
import dev.pgcdc.snapshot.SnapshotMode;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.StateRepository;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;
import org.apache.camel.spi.UriPath;

/**
 * Endpoint options of {@code pgcdc:} as the URI sets them; shared by the component as defaults for its endpoints.
 * {@link PgCdcOptions} checks them when the endpoint is created.
 */
@UriParams
public class PgCdcConfiguration implements Cloneable {

    @UriPath(description = "The logical replication slot to consume. PostgreSQL allows lower-case letters, digits and"
                           + " underscores.")
    @Metadata(required = true)
    private String slotName;

    @UriParam(label = "common", defaultValue = "localhost", description = "The PostgreSQL server host, or a primary"
            + " and its standbys as a list h1:5432,h2:5432 (entries without a port use port): connections then always"
            + " go to whichever is the primary, so after a failover pgcdc reconnects to the promoted standby.")
    private String host = "localhost";
    @UriParam(label = "advanced", description = "To decode from a hot standby (PostgreSQL 16 or later; host names the"
            + " standby): the primary's host, or a list h1:5432,h2:5432 of the primary and its standbys (entries"
            + " without a port use port). The slot is created and read on the standby; everything that writes (setup,"
            + " heartbeats, the snapshot's signal and state tables and watermarks) goes to the primary.")
    private String primaryHost;
    @UriParam(label = "common", defaultValue = "5432", description = "The PostgreSQL server port.")
    private int port = 5432;
    @UriParam(label = "common", description = "The database to capture.")
    @Metadata(required = true)
    private String database;
    @UriParam(label = "security", secret = true, description = "The user to connect as; it needs the REPLICATION"
                                                               + " attribute (or rds_replication membership).")
    private String user;
    @UriParam(label = "security", secret = true, description = "The password of the user. Use a property placeholder"
            + " such as {{env:PGPASSWORD}} rather than writing it into the URI, or passwordFile.")
    private String password;
    @UriParam(label = "security", description = "A file holding the password (e.g. a mounted secret); one final line"
                                               + " break is ignored.")
    private String passwordFile;
    @UriParam(label = "security", defaultValue = "prefer", enums = "disable,allow,prefer,require,verify-ca,verify-full",
              description = "TLS as libpq's sslmode: verify-full checks that the server's certificate is signed by"
                            + " sslRootCert and names the host; require encrypts without checking the certificate.")
    private SslMode sslMode = SslMode.PREFER;
    @UriParam(label = "security", description = "The root (CA) certificate file, PEM, that signed the server's"
                                               + " certificate; for verify-ca and verify-full.")
    private String sslRootCert;
    @UriParam(label = "security", description = "The client certificate file (PEM), for certificate authentication.")
    private String sslCert;
    @UriParam(label = "security", description = "The client key file: PEM (PKCS#1 or PKCS#8, encrypted or not), PKCS#8"
                                               + " DER, or PKCS#12 (.p12/.pfx, certificate included).")
    private String sslKey;
    @UriParam(label = "security", secret = true, description = "The password of an encrypted sslKey.")
    private String sslPassword;
    @UriParam(label = "security", description = "Connect through an SSH tunnel via this SSH server (bastion host).")
    private String sshHost;
    @UriParam(label = "security", defaultValue = "22", description = "The SSH server's port.")
    private int sshPort = 22;
    @UriParam(label = "security", secret = true, description = "The SSH user.")
    private String sshUser;
    @UriParam(label = "security", secret = true, description = "The SSH user's password, if it authenticates with one.")
    private String sshPassword;
    @UriParam(label = "security", description = "The SSH private key file (OpenSSH or PEM format).")
    private String sshPrivateKeyFile;
    @UriParam(label = "security", secret = true, description = "The SSH private key itself (OpenSSH or PEM text), e.g."
                                                              + " {{env:SSH_KEY}}; instead of sshPrivateKeyFile.")
    private String sshPrivateKey;
    @UriParam(label = "security", secret = true, description = "The passphrase of an encrypted SSH private key.")
    private String sshPrivateKeyPassphrase;
    @UriParam(label = "security", description = "The known_hosts file the SSH server's host key must be listed in;"
            + " default $HOME/.ssh/known_hosts. An unknown or changed host key is refused.")
    private String sshKnownHostsFile;
    @UriParam(label = "security", description = "The SSH server's expected host key fingerprint (SHA256:..., as"
            + " ssh-keygen -lf prints it), instead of a known_hosts file.")
    private String sshHostKeyFingerprint;
    @UriParam(label = "advanced", defaultValue = "false", description = "Create the slot as a failover slot"
            + " (PostgreSQL 17 or later; an existing slot is altered to one), which the server syncs to standbys that"
            + " have sync_replication_slots on, so a promoted standby has it. Setup warns about what the primary and"
            + " its standbys still lack for it. List the primary and its standbys in host to follow the primary.")
    private boolean slotFailover;
    @UriParam(label = "common", defaultValue = "pgoutput", enums = "pgoutput,wal2json",
              description = "The logical decoding output plugin. pgoutput is built into PostgreSQL and streams a"
                            + " publication. wal2json (installed on the server, e.g. for slots older connectors"
                            + " created) needs no publication; the change events are the same, except where the"
                            + " component documentation says wal2json cannot tell (e.g. numeric NaN).")
    private Plugin plugin = Plugin.PGOUTPUT;
    @UriParam(label = "advanced", defaultValue = "2", enums = "2,1",
              description = "With plugin=wal2json, its format-version: 2 sends one message per change; 1 (for wal2json"
                            + " builds without version 2) sends a document per transaction, in pieces, which is read"
                            + " change by change all the same.")
    private int wal2jsonFormatVersion = 2;
    @UriParam(label = "common", description = "The publication to stream (plugin pgoutput); defaults to the slot"
                                             + " name.")
    private String publication;
    @UriParam(label = "common", description = "Tables to capture, comma-separated, written as in SQL: schema.table"
            + " (no schema means public), unquoted names fold to lower case, a name in double quotes keeps its case,"
            + " dots and commas; unquoted parts may be glob patterns, where an asterisk stands for any characters and"
            + " a question mark for one, e.g. public.order_ followed by an asterisk for every table of public whose"
            + " name starts with order_. Changes of other tables are dropped (and acknowledged). When the"
            + " publication has to be created, it is created for the tables that exist and match.")
    private String tables;
    @UriParam(label = "common", defaultValue = "AUTO", description = "AUTO: create the publication, slot and heartbeat"
            + " table when the user may, and fail with the SQL still missing otherwise. VALIDATE: change nothing"
            + " (create no slot either) and fail with the SQL if anything is missing. PLAN: log the plan (who must run"
            + " which SQL, and why) and do not stream.")
    private SetupMode setupMode = SetupMode.AUTO;
    @UriParam(label = "filter", description = "Tables whose changes are dropped (and acknowledged), comma-separated"
                                             + " names or glob patterns as in tables, e.g. public.audit_ followed by an"
                                             + " asterisk.")
    private String excludeTables;
    @UriParam(label = "filter", description = "Columns left out of every change (key, before, after, unchanged),"
                                             + " comma-separated schema.table.column names or glob patterns, e.g."
                                             + " public.users.password_hash. Excluding a key column is an error.")
    private String excludeColumns;
    @UriParam(label = "consumer", defaultValue = "natural", enums = "natural,text",
              description = "Column values as natural Java types (BigDecimal, OffsetDateTime, byte arrays, List, Map,"
                            + " ...; the JSON form equals PostgreSQL's to_jsonb) or as PostgreSQL's text output (every"
                            + " value a String). text cannot be combined with binary.")
    private ValueFormat valueFormat = ValueFormat.NATURAL;
    @UriParam(label = "consumer", defaultValue = "false",
              description = "Ask pgoutput for binary values (PostgreSQL 14 or later): less work for the server, same"
                            + " output. Fails at start, naming the column, if a published column's type has no binary"
                            + " decoder (ranges, geometric, text search, money, ...); use binary=false then.")
    private boolean binary;
    @UriParam(label = "consumer", defaultValue = "false",
              description = "Deliver logical decoding messages (pg_logical_emit_message, PostgreSQL 14 or later) as"
                            + " exchanges with operation m and a LogicalMessage body.")
    private boolean emitMessages;
    @UriParam(label = "consumer,outbox", description = "Transactional outbox tables, comma-separated names or glob"
            + " patterns as in tables: an insert into one becomes an outbox event (body: the payload column; headers:"
            + " event id, aggregate type, aggregate id, event type) instead of a row change; deletes, updates,"
            + " truncates and snapshot reads of these tables are ignored (and acknowledged).")
    private String outboxTables;
    @UriParam(label = "consumer,outbox", description = "Logical decoding messages with this prefix (written with"
            + " pg_logical_emit_message(true, prefix, content), PostgreSQL 14 or later) become outbox events too: the"
            + " content is a JSON object with the outbox column names as fields; without an id field the event id is"
            + " the change id.")
    private String outboxMessagePrefix;
    @UriParam(label = "consumer,outbox", defaultValue = "id", description = "The outbox column (and message field)"
            + " holding the event id.")
    private String outboxIdColumn = OutboxFields.DEBEZIUM.id();
    @UriParam(label = "consumer,outbox", defaultValue = "aggregatetype", description = "The outbox column (and"
            + " message field) holding the aggregate type.")
    private String outboxAggregateTypeColumn = OutboxFields.DEBEZIUM.aggregateType();
    @UriParam(label = "consumer,outbox", defaultValue = "aggregateid", description = "The outbox column (and message"
            + " field) holding the aggregate id.")
    private String outboxAggregateIdColumn = OutboxFields.DEBEZIUM.aggregateId();
    @UriParam(label = "consumer,outbox", defaultValue = "type", description = "The outbox column (and message field)"
            + " holding the event type.")
    private String outboxTypeColumn = OutboxFields.DEBEZIUM.type();
    @UriParam(label = "consumer,outbox", defaultValue = "payload", description = "The outbox column (and message"
            + " field) holding the payload: json/jsonb and text arrive as a String, bytea as a byte array.")
    private String outboxPayloadColumn = OutboxFields.DEBEZIUM.payload();
    @UriParam(label = "consumer", defaultValue = "native", enums = "native,debezium,camel-debezium",
              description = "The body: native (the ChangeEvent); debezium (a DebeziumEnvelope with Debezium's"
                            + " before/after/source/op/ts_ms shape); camel-debezium (as camel-debezium-postgres"
                            + " delivers it: the row after the change as a Map, so routes written for it keep"
                            + " working). Both Debezium formats add the CamelDebezium headers camel-debezium sets.")
    private OutputFormat outputFormat = OutputFormat.NATIVE;
    @UriParam(label = "advanced", description = "Tables to set REPLICA IDENTITY FULL on at start (comma-separated"
                                               + " schema.table names), so that updates and deletes carry the whole"
                                               + " old row and unchanged TOASTed values. Needs table ownership.")
    private String replicaIdentityFull;

    @UriParam(label = "consumer", defaultValue = "4000", description = "The most change exchanges in flight (handed"
            + " to the route but not completed); reading from the server pauses while the limit is reached. The"
            + " default lets a producer that completes exchanges in batches (pgcdc-sink's 500, a Kafka producer) keep"
            + " several batches on the way while the stream reads on.")
    private int maxInflight = 4000;
    @UriParam(label = "consumer", defaultValue = "1", description = "How many threads hand changes to the route. With"
            + " more than one, changes are spread over them by a hash of table and key: the changes of one row keep"
            + " their commit order, rows of other keys overtake each other. Truncates, logical decoding messages, the"
            + " first change after a table's columns changed, changes without a known key and updates that change a"
            + " row's key wait until everything before them completed, and everything after waits for them."
            + " Acknowledgement is unchanged (whole transactions, once all their changes completed); maxInflight"
            + " bounds the changes in flight over all threads.")
    private int concurrentConsumers = 1;
    @UriParam(label = "consumer,advanced", defaultValue = "1000", javaType = "java.time.Duration",
              description = "How long the route may take with one change on the replication thread. While the route"
                            + " is quicker, the replication thread runs it itself, which spares a hand-over between"
                            + " threads per change (CPU that a database server on the same machine needs); meanwhile a"
                            + " keep-alive thread sends the status updates. Once the route takes longer (a blocking"
                            + " call, a redelivery delay), changes are handed to the route on a thread of its own for"
                            + " the consumer's life, so that the replication thread reads on. 0 hands every change"
                            + " over. With concurrentConsumers above 1 changes are always handed over.")
    private long handOffAfter = 1000;
    @UriParam(label = "consumer,advanced", defaultValue = "10000", javaType = "java.time.Duration",
              description = "How often a status update is sent to the server even without progress. Keep it well"
                            + " below the server's wal_sender_timeout.")
    private long statusInterval = 10000;
    @UriParam(label = "consumer", defaultValue = "1000", javaType = "java.time.Duration",
              description = "The first delay before reconnecting after a lost or dead connection or a failed"
                            + " exchange; it doubles on each further attempt up to reconnectMaxDelay, and starts again"
                            + " at this delay after a healthy session: one that streamed for at least ten times this"
                            + " delay without an unhandled exchange failure. A slot held by another process (a"
                            + " standby instance waiting to take over) is polled at this steady delay.")
    private long reconnectDelay = 1000;
    @UriParam(label = "consumer", defaultValue = "60000", javaType = "java.time.Duration",
              description = "The longest delay between reconnect attempts.")
    private long reconnectMaxDelay = 60000;
    @UriParam(label = "consumer", defaultValue = "30000", javaType = "java.time.Duration",
              description = "How long stopping waits for in-flight exchanges to complete so they can be acknowledged.")
    private long shutdownTimeout = 30000;
    @UriParam(label = "common", defaultValue = "10000", javaType = "java.time.Duration",
              description = "How long connecting (TCP, TLS and login) may take, e.g. 10s. pgjdbc counts whole seconds,"
                            + " so it is rounded up and a value under 1s is refused; 0 waits without limit.")
    private long connectTimeout = 10000;
    @UriParam(label = "common", defaultValue = "60000", javaType = "java.time.Duration",
              description = "How long a connection may stay silent before it counts as dead, like PostgreSQL's"
                            + " wal_receiver_timeout. The replication stream asks the server for a reply with every"
                            + " status update, so a live server is heard from at least every statusInterval whatever"
                            + " its wal_sender_timeout; with nothing received for longer than this, the connection is"
                            + " closed, health reports DOWN after healthGracePeriod, and the consumer reconnects. It"
                            + " is also the statement_timeout of the slot monitor, heartbeat and catalog queries and the"
                            + " socket read timeout of those connections and of the replication connection's login."
                            + " Must be at least twice statusInterval.")
    private long readTimeout = ConnectionSettings.DEFAULT_READ_TIMEOUT.toMillis();

    @UriParam(label = "consumer,advanced", defaultValue = "30000", javaType = "java.time.Duration",
              description = "How often the slot's lag, retained WAL and wal_status are read from the server.")
    private long slotMonitorInterval = 30000;
    @UriParam(label = "consumer,advanced", defaultValue = "1073741824", description = "Warn when the slot is this many"
            + " bytes behind while max_slot_wal_keep_size is unlimited (WAL piles up on the server's disk).")
    private long lagWarnBytes = 1L << 30;
    @UriParam(label = "consumer,advanced", defaultValue = "0", description = "Catch-up: when the slot is at least this"
            + " many bytes of WAL behind as a session starts, its backlog is drained through the SQL interface"
            + " (pg_logical_slot_get_binary_changes on a temporary copy of the slot, which the server decodes several"
            + " times faster than a walsender sends), then streaming takes over near the head. The same changes, ids"
            + " and acknowledgement rules as streaming; the slot is advanced (pg_replication_slot_advance) only to"
            + " completed transactions, and a crash resumes from there. PostgreSQL 12 or later and plugin pgoutput;"
            + " otherwise the slot is streamed. While catching up no walsender holds the slot, so another instance"
            + " polling for it (a standby without clustered routes) could take it and deliver the same changes too: use"
            + " it with one instance per slot or with master:/clustered routes. 0 (the default): never; e.g. 268435456"
            + " (256 MB).")
    private long catchUpThreshold;
    @UriParam(label = "consumer,advanced", defaultValue = "1048576", description = "Catch-up: the changes the first"
            + " pg_logical_slot_get_binary_changes call asks for; each further call asks for twice as many, up to 8"
            + " times this. Every call decodes again from the copy's restart point, which moves only at the"
            + " running-transactions records the server logs every 15 s, so a backlog written in a burst is cheapest"
            + " in few large calls; the server materialises a call's output (in temporary files beyond work_mem)"
            + " before its first row, so larger calls wait longer for it.")
    private int catchUpBatchSize = 1 << 20;
    @UriParam(label = "consumer,advanced", defaultValue = "60000", javaType = "java.time.Duration",
              description = "How long the replication connection may be down before the health check reports DOWN.")
    private long healthGracePeriod = 60000;
    @UriParam(label = "consumer", defaultValue = "600000", javaType = "java.time.Duration", description = "How often a"
            + " heartbeat is written so the slot advances while the captured tables are idle; 0 turns heartbeats off.")
    private long heartbeatInterval = 600000;
    @UriParam(label = "consumer", description = "A table (schema.table) for heartbeat rows, created by setup and added"
            + " to the publication. Without it heartbeats are logical decoding messages, which need no table.")
    private String heartbeatTable;
    @UriParam(label = "consumer", defaultValue = "false", description = "Drop the replication slot when the consumer"
            + " stops. Stopping is not deleting: leave it off unless the pipeline is removed for good.")
    private boolean dropSlotOnStop;
    @UriParam(label = "consumer,snapshot", defaultValue = "initial", enums = "initial,never,always,initial_only",
              description = "When to snapshot the published tables (deliver their existing rows as op r):"
                            + " initial snapshots each table not snapshotted to the end yet, then streams; never"
                            + " only streams; always snapshots every table on every start; initial_only snapshots"
                            + " and then stops the route. Streaming goes on during the snapshot.")
    private SnapshotMode snapshotMode = SnapshotMode.INITIAL;
    @UriParam(label = "consumer,snapshot", description = "Published tables that are only streamed, never"
            + " snapshotted, comma-separated, as schema.table (or table for schema public).")
    private String skipSnapshotTables;
    @UriParam(label = "consumer,snapshot", defaultValue = "16384", description = "Rows per snapshot chunk: each chunk"
            + " is read in its own short transaction, and the snapshot holds at most three chunks in memory, or one"
            + " per reader when snapshotParallelism is higher (it reads ahead while the route takes the earlier ones;"
            + " the readers share that): about 50 MB for rows of 1 KB in memory; lower it for wide rows or many"
            + " readers. A chunk's rows reach the route at once when its window"
            + " closes, so streamed changes committed meanwhile wait behind up to this many rows.")
    private int snapshotChunkSize = 16384;
    @UriParam(label = "consumer,snapshot", defaultValue = "1", description = "How many snapshot readers run at the"
            + " same time in total, each on a connection of its own. A table is split into up to this many ranges of"
            + " its key (boundaries at quantiles of a sample of the key, so UUIDs or gaps still give even ranges; heap"
            + " block ranges for a table without a key), none smaller than a chunk, read concurrently and resumed"
            + " each after its own saved key; the ranges of all tables share these readers, table after table.")
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

    public String getPasswordFile() {
        return passwordFile;
    }

    public void setPasswordFile(String passwordFile) {
        this.passwordFile = passwordFile;
    }

    public SslMode getSslMode() {
        return sslMode;
    }

    public void setSslMode(SslMode sslMode) {
        this.sslMode = sslMode;
    }

    public String getSslRootCert() {
        return sslRootCert;
    }

    public void setSslRootCert(String sslRootCert) {
        this.sslRootCert = sslRootCert;
    }

    public String getSslCert() {
        return sslCert;
    }

    public void setSslCert(String sslCert) {
        this.sslCert = sslCert;
    }

    public String getSslKey() {
        return sslKey;
    }

    public void setSslKey(String sslKey) {
        this.sslKey = sslKey;
    }

    public String getSslPassword() {
        return sslPassword;
    }

    public void setSslPassword(String sslPassword) {
        this.sslPassword = sslPassword;
    }

    public String getSshHost() {
        return sshHost;
    }

    public void setSshHost(String sshHost) {
        this.sshHost = sshHost;
    }

    public int getSshPort() {
        return sshPort;
    }

    public void setSshPort(int sshPort) {
        this.sshPort = sshPort;
    }

    public String getSshUser() {
        return sshUser;
    }

    public void setSshUser(String sshUser) {
        this.sshUser = sshUser;
    }

    public String getSshPassword() {
        return sshPassword;
    }

    public void setSshPassword(String sshPassword) {
        this.sshPassword = sshPassword;
    }

    public String getSshPrivateKeyFile() {
        return sshPrivateKeyFile;
    }

    public void setSshPrivateKeyFile(String sshPrivateKeyFile) {
        this.sshPrivateKeyFile = sshPrivateKeyFile;
    }

    public String getSshPrivateKey() {
        return sshPrivateKey;
    }

    public void setSshPrivateKey(String sshPrivateKey) {
        this.sshPrivateKey = sshPrivateKey;
    }

    public String getSshPrivateKeyPassphrase() {
        return sshPrivateKeyPassphrase;
    }

    public void setSshPrivateKeyPassphrase(String sshPrivateKeyPassphrase) {
        this.sshPrivateKeyPassphrase = sshPrivateKeyPassphrase;
    }

    public String getSshKnownHostsFile() {
        return sshKnownHostsFile;
    }

    public void setSshKnownHostsFile(String sshKnownHostsFile) {
        this.sshKnownHostsFile = sshKnownHostsFile;
    }

    public String getSshHostKeyFingerprint() {
        return sshHostKeyFingerprint;
    }

    public void setSshHostKeyFingerprint(String sshHostKeyFingerprint) {
        this.sshHostKeyFingerprint = sshHostKeyFingerprint;
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

    public ValueFormat getValueFormat() {
        return valueFormat;
    }

    public void setValueFormat(ValueFormat valueFormat) {
        this.valueFormat = valueFormat;
    }

    public boolean isBinary() {
        return binary;
    }

    public void setBinary(boolean binary) {
        this.binary = binary;
    }

    public Plugin getPlugin() {
        return plugin;
    }

    public void setPlugin(Plugin plugin) {
        this.plugin = plugin;
    }

    public int getWal2jsonFormatVersion() {
        return wal2jsonFormatVersion;
    }

    public void setWal2jsonFormatVersion(int wal2jsonFormatVersion) {
        this.wal2jsonFormatVersion = wal2jsonFormatVersion;
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

    public String getPrimaryHost() {
        return primaryHost;
    }

    public void setPrimaryHost(String primaryHost) {
        this.primaryHost = primaryHost;
    }

    public boolean isSlotFailover() {
        return slotFailover;
    }

    public void setSlotFailover(boolean slotFailover) {
        this.slotFailover = slotFailover;
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

    public int getConcurrentConsumers() {
        return concurrentConsumers;
    }

    public void setConcurrentConsumers(int concurrentConsumers) {
        this.concurrentConsumers = concurrentConsumers;
    }

    public long getHandOffAfter() {
        return handOffAfter;
    }

    public void setHandOffAfter(long handOffAfter) {
        this.handOffAfter = handOffAfter;
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

    public long getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(long connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public long getReadTimeout() {
        return readTimeout;
    }

    public void setReadTimeout(long readTimeout) {
        this.readTimeout = readTimeout;
    }

    public long getSlotMonitorInterval() {
        return slotMonitorInterval;
    }

    public void setSlotMonitorInterval(long slotMonitorInterval) {
        this.slotMonitorInterval = slotMonitorInterval;
    }

    public long getLagWarnBytes() {
        return lagWarnBytes;
    }

    public void setLagWarnBytes(long lagWarnBytes) {
        this.lagWarnBytes = lagWarnBytes;
    }

    public long getCatchUpThreshold() {
        return catchUpThreshold;
    }

    public void setCatchUpThreshold(long catchUpThreshold) {
        this.catchUpThreshold = catchUpThreshold;
    }

    public int getCatchUpBatchSize() {
        return catchUpBatchSize;
    }

    public void setCatchUpBatchSize(int catchUpBatchSize) {
        this.catchUpBatchSize = catchUpBatchSize;
    }

    public long getHealthGracePeriod() {
        return healthGracePeriod;
    }

    public void setHealthGracePeriod(long healthGracePeriod) {
        this.healthGracePeriod = healthGracePeriod;
    }

    public boolean isDropSlotOnStop() {
        return dropSlotOnStop;
    }

    public void setDropSlotOnStop(boolean dropSlotOnStop) {
        this.dropSlotOnStop = dropSlotOnStop;
    }

    public SetupMode getSetupMode() {
        return setupMode;
    }

    public void setSetupMode(SetupMode setupMode) {
        this.setupMode = setupMode;
    }

    public long getHeartbeatInterval() {
        return heartbeatInterval;
    }

    public void setHeartbeatInterval(long heartbeatInterval) {
        this.heartbeatInterval = heartbeatInterval;
    }

    public String getHeartbeatTable() {
        return heartbeatTable;
    }

    public void setHeartbeatTable(String heartbeatTable) {
        this.heartbeatTable = heartbeatTable;
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

    public String getOutboxTables() {
        return outboxTables;
    }

    public void setOutboxTables(String outboxTables) {
        this.outboxTables = outboxTables;
    }

    public String getOutboxMessagePrefix() {
        return outboxMessagePrefix;
    }

    public void setOutboxMessagePrefix(String outboxMessagePrefix) {
        this.outboxMessagePrefix = outboxMessagePrefix;
    }

    public String getOutboxIdColumn() {
        return outboxIdColumn;
    }

    public void setOutboxIdColumn(String outboxIdColumn) {
        this.outboxIdColumn = outboxIdColumn;
    }

    public String getOutboxAggregateTypeColumn() {
        return outboxAggregateTypeColumn;
    }

    public void setOutboxAggregateTypeColumn(String outboxAggregateTypeColumn) {
        this.outboxAggregateTypeColumn = outboxAggregateTypeColumn;
    }

    public String getOutboxAggregateIdColumn() {
        return outboxAggregateIdColumn;
    }

    public void setOutboxAggregateIdColumn(String outboxAggregateIdColumn) {
        this.outboxAggregateIdColumn = outboxAggregateIdColumn;
    }

    public String getOutboxTypeColumn() {
        return outboxTypeColumn;
    }

    public void setOutboxTypeColumn(String outboxTypeColumn) {
        this.outboxTypeColumn = outboxTypeColumn;
    }

    public String getOutboxPayloadColumn() {
        return outboxPayloadColumn;
    }

    public void setOutboxPayloadColumn(String outboxPayloadColumn) {
        this.outboxPayloadColumn = outboxPayloadColumn;
    }
}
