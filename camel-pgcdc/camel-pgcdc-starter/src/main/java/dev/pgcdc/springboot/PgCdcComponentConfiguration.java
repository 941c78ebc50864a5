package dev.pgcdc.springboot;

import dev.pgcdc.OutputFormat;
import dev.pgcdc.PgCdcConfiguration;
import dev.pgcdc.setup.SetupMode;
import dev.pgcdc.snapshot.SnapshotMode;
import org.apache.camel.spi.StateRepository;
import org.apache.camel.spring.boot.ComponentConfigurationPropertiesCommon;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The pgcdc component's options as Spring Boot properties, {@code camel.component.pgcdc.*}: the defaults of every
 * {@code pgcdc:} endpoint. One field per component option of the component's metadata (pgcdc.json), with its
 * description as javadoc, so that spring-boot-configuration-processor lists them for IDEs;
 * {@code PgCdcStarterTest} checks that the two stay in step.
 */
@ConfigurationProperties(prefix = "camel.component.pgcdc")
public class PgCdcComponentConfiguration extends ComponentConfigurationPropertiesCommon {

    /**
     * Whether to enable auto configuration of the pgcdc component. This is enabled by default.
     */
    private Boolean enabled;
    /**
     * Connect timeout in seconds.
     */
    private Integer connectTimeout = 10;
    /**
     * Ask pgoutput for binary values (PostgreSQL 14): less work for the server, same output. Fails at start,
     * naming the column, if a published column's type has no binary decoder (ranges, geometric, text search,
     * money, ...); use binary=false then.
     */
    private Boolean binary = false;
    /**
     * Allows for bridging the consumer to the Camel routing Error Handler, which mean any exceptions (if
     * possible) occurred while the Camel consumer is trying to pickup incoming messages, or the likes, will
     * now be processed as a message and handled by the routing Error Handler. Important: This is only
     * possible if the 3rd party component allows Camel to be alerted if an exception was thrown. Some
     * components handle this internally only, and therefore bridgeErrorHandler is not possible. In other
     * situations we may improve the Camel component to hook into the 3rd party component and make this
     * possible for future releases. By default the consumer will use the
     * org.apache.camel.spi.ExceptionHandler to deal with exceptions, that will be logged at WARN or ERROR
     * level and ignored.
     */
    private Boolean bridgeErrorHandler = false;
    /**
     * Default options for every pgcdc endpoint of this component.
     */
    private PgCdcConfiguration configuration;
    /**
     * The database to capture.
     */
    private String database;
    /**
     * The PostgreSQL server host.
     */
    private String host = "localhost";
    /**
     * The logical decoding output plugin. pgoutput is built into PostgreSQL and streams a publication.
     * wal2json (installed on the server, e.g. for slots older connectors created) needs no publication; the
     * change events are the same, except where the component documentation says wal2json cannot tell (e.g.
     * numeric NaN).
     */
    private String plugin = "pgoutput";
    /**
     * The PostgreSQL server port.
     */
    private Integer port = 5432;
    /**
     * The publication to stream (plugin pgoutput); defaults to the slot name.
     */
    private String publication;
    /**
     * AUTO: create the publication, slot and heartbeat table when the user may, and fail with the SQL still
     * missing otherwise. VALIDATE: change nothing and fail with the SQL if anything is missing. PLAN: log the
     * plan (who must run which SQL, and why) and do not stream.
     */
    private SetupMode setupMode = SetupMode.AUTO;
    /**
     * Tables to capture, comma-separated, written as in SQL: schema.table (no schema means public), unquoted
     * names fold to lower case, double quotes keep case, dots and commas (sales.Order); unquoted parts may be
     * glob patterns ( any characters, one), e.g. public.orders,public.order_. Changes of other tables are
     * dropped (and acknowledged). When the publication has to be created, it is created for the tables that
     * exist and match.
     */
    private String tables;
    /**
     * Drop the replication slot when the consumer stops. Stopping is not deleting: leave it off unless the
     * pipeline is removed for good.
     */
    private Boolean dropSlotOnStop = false;
    /**
     * Deliver logical decoding messages (pg_logical_emit_message, PostgreSQL 14) as exchanges with operation
     * m and a LogicalMessage body.
     */
    private Boolean emitMessages = false;
    /**
     * How often a heartbeat is written so the slot advances while the captured tables are idle; 0 turns
     * heartbeats off.
     */
    private Long heartbeatInterval = 600000L;
    /**
     * A table (schema.table) for heartbeat rows, created by setup and added to the publication. Without it
     * heartbeats are logical decoding messages, which need no table.
     */
    private String heartbeatTable;
    /**
     * The most change exchanges in flight (handed to the route but not completed); reading from the server
     * pauses while the limit is reached.
     */
    private Integer maxInflight = 1000;
    /**
     * The body: native (the ChangeEvent); debezium (as camel-debezium-postgres delivers it: the row after the
     * change as a Map, with the CamelDebezium headers, so routes written for it keep working);
     * debezium-envelope (a DebeziumEnvelope with Debezium's before/after/source/op/ts_ms shape, with the
     * CamelDebezium headers).
     */
    private OutputFormat outputFormat = OutputFormat.NATIVE;
    /**
     * The first delay before reconnecting after a lost connection, a busy slot or a failed exchange; it
     * doubles on each further attempt up to reconnectMaxDelay.
     */
    private Long reconnectDelay = 1000L;
    /**
     * The longest delay between reconnect attempts.
     */
    private Long reconnectMaxDelay = 60000L;
    /**
     * How long stopping waits for in-flight exchanges to complete so they can be acknowledged.
     */
    private Long shutdownTimeout = 30000L;
    /**
     * Column values as natural Java types (BigDecimal, OffsetDateTime, byte, List, Map, ...; the JSON form
     * equals PostgreSQL's to_jsonb) or as PostgreSQL's text output (every value a String). text cannot be
     * combined with binary.
     */
    private String valueFormat = "natural";
    /**
     * How long the replication connection may be down before the health check reports DOWN.
     */
    private Long healthGracePeriod = 60000L;
    /**
     * Warn when the slot is this many bytes behind while max_slot_wal_keep_size is unlimited (WAL piles up on
     * the server's disk).
     */
    private Long lagWarnBytes = 1073741824L;
    /**
     * How often the slot's lag, retained WAL and wal_status are read from the server.
     */
    private Long slotMonitorInterval = 30000L;
    /**
     * How often a status update is sent to the server even without progress. Keep it well below the server's
     * wal_sender_timeout.
     */
    private Long statusInterval = 10000L;
    /**
     * Whether autowiring is enabled. This is used for automatic autowiring options (the option must be marked
     * as autowired) by looking up in the registry to find if there is a single instance of matching type,
     * which then gets configured on the component. This can be used for automatic configuring JDBC data
     * sources, JMS connection factories, AWS Clients, etc.
     */
    private Boolean autowiredEnabled = true;
    /**
     * Tables to set REPLICA IDENTITY FULL on at start (comma-separated schema.table names), so that updates
     * and deletes carry the whole old row and unchanged TOASTed values. Needs table ownership.
     */
    private String replicaIdentityFull;
    /**
     * With plugin=wal2json, its format-version: 2 sends one message per change; 1 (for wal2json builds
     * without version 2) sends a document per transaction, in pieces, which is read change by change all the
     * same.
     */
    private Integer wal2jsonFormatVersion = 2;
    /**
     * Columns left out of every change (key, before, after, unchanged), comma-separated schema.table.column
     * names or glob patterns, e.g. public.users.password_hash. Excluding a key column is an error.
     */
    private String excludeColumns;
    /**
     * Tables whose changes are dropped (and acknowledged), comma-separated names or glob patterns as in
     * tables, e.g. public.audit_.
     */
    private String excludeTables;
    /**
     * The password of the user. Use a property placeholder such as {{env:PGPASSWORD}} rather than writing it
     * into the URI, or passwordFile.
     */
    private String password;
    /**
     * A file holding the password (e.g. a mounted secret); one final line break is ignored.
     */
    private String passwordFile;
    /**
     * Connect through an SSH tunnel via this SSH server (bastion host).
     */
    private String sshHost;
    /**
     * The SSH server's expected host key fingerprint (SHA256:..., as ssh-keygen -lf prints it), instead of a
     * known_hosts file.
     */
    private String sshHostKeyFingerprint;
    /**
     * The known_hosts file the SSH server's host key must be listed in; default /.ssh/known_hosts. An unknown
     * or changed host key is refused.
     */
    private String sshKnownHostsFile;
    /**
     * The SSH user's password, if it authenticates with one.
     */
    private String sshPassword;
    /**
     * The SSH server's port.
     */
    private Integer sshPort = 22;
    /**
     * The SSH private key itself (OpenSSH or PEM text), e.g. {{env:SSH_KEY}}; instead of sshPrivateKeyFile.
     */
    private String sshPrivateKey;
    /**
     * The SSH private key file (OpenSSH or PEM format).
     */
    private String sshPrivateKeyFile;
    /**
     * The passphrase of an encrypted SSH private key.
     */
    private String sshPrivateKeyPassphrase;
    /**
     * The SSH user.
     */
    private String sshUser;
    /**
     * The client certificate file (PEM), for certificate authentication.
     */
    private String sslCert;
    /**
     * The client key file: PEM (PKCS#1 or PKCS#8, encrypted or not), PKCS#8 DER, or PKCS#12 (.p12/.pfx,
     * certificate included).
     */
    private String sslKey;
    /**
     * TLS as libpq's sslmode: verify-full checks that the server's certificate is signed by sslRootCert and
     * names the host; require encrypts without checking the certificate.
     */
    private String sslMode = "prefer";
    /**
     * The password of an encrypted sslKey.
     */
    private String sslPassword;
    /**
     * The root (CA) certificate file, PEM, that signed the server's certificate; for verify-ca and
     * verify-full.
     */
    private String sslRootCert;
    /**
     * The user to connect as; it needs the REPLICATION attribute (or rds_replication membership).
     */
    private String user;
    /**
     * The signal table (schema.table), which must be in the publication: the snapshot's chunk watermarks pass
     * through it, and inserting a row (slot_name, kind 'snapshot', table_name) asks for a table to be
     * snapshotted again. Created and added to the publication when missing, if the user may.
     */
    private String signalTable = "public.pgcdc_signal";
    /**
     * Published tables that are only streamed, never snapshotted, comma-separated, as schema.table (or table
     * for schema public).
     */
    private String skipSnapshotTables;
    /**
     * Rows per snapshot chunk: each chunk is read in its own short transaction, and the snapshot holds at
     * most three chunks per table in memory (it reads ahead while the route takes the earlier ones).
     */
    private Integer snapshotChunkSize = 4096;
    /**
     * When to snapshot the published tables (deliver their existing rows as op r): initial snapshots each
     * table not snapshotted to the end yet, then streams; never only streams; always snapshots every table on
     * every start; initial_only snapshots and then stops the route. Streaming goes on during the snapshot.
     */
    private SnapshotMode snapshotMode = SnapshotMode.INITIAL;
    /**
     * How many tables are snapshotted at the same time, each on a connection of its own.
     */
    private Integer snapshotParallelism = 1;
    /**
     * The table (schema.table) that keeps snapshot progress per slot and table, so an interrupted snapshot
     * resumes. Created when missing, if the user may. Not used when snapshotStateRepository is set.
     */
    private String snapshotStateTable = "public.pgcdc_snapshot_state";
    /**
     * A Camel StateRepository to keep snapshot progress in instead of the snapshotStateTable.
     */
    private StateRepository<String, String> snapshotStateRepository;

    public Integer getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Integer connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Boolean getBinary() {
        return binary;
    }

    public void setBinary(Boolean binary) {
        this.binary = binary;
    }

    public Boolean getBridgeErrorHandler() {
        return bridgeErrorHandler;
    }

    public void setBridgeErrorHandler(Boolean bridgeErrorHandler) {
        this.bridgeErrorHandler = bridgeErrorHandler;
    }

    public PgCdcConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(PgCdcConfiguration configuration) {
        this.configuration = configuration;
    }

    public String getDatabase() {
        return database;
    }

    public void setDatabase(String database) {
        this.database = database;
    }

    public String getHost() {
        return host;
    }

    public void setHost(String host) {
        this.host = host;
    }

    public String getPlugin() {
        return plugin;
    }

    public void setPlugin(String plugin) {
        this.plugin = plugin;
    }

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }

    public String getPublication() {
        return publication;
    }

    public void setPublication(String publication) {
        this.publication = publication;
    }

    public SetupMode getSetupMode() {
        return setupMode;
    }

    public void setSetupMode(SetupMode setupMode) {
        this.setupMode = setupMode;
    }

    public String getTables() {
        return tables;
    }

    public void setTables(String tables) {
        this.tables = tables;
    }

    public Boolean getDropSlotOnStop() {
        return dropSlotOnStop;
    }

    public void setDropSlotOnStop(Boolean dropSlotOnStop) {
        this.dropSlotOnStop = dropSlotOnStop;
    }

    public Boolean getEmitMessages() {
        return emitMessages;
    }

    public void setEmitMessages(Boolean emitMessages) {
        this.emitMessages = emitMessages;
    }

    public Long getHeartbeatInterval() {
        return heartbeatInterval;
    }

    public void setHeartbeatInterval(Long heartbeatInterval) {
        this.heartbeatInterval = heartbeatInterval;
    }

    public String getHeartbeatTable() {
        return heartbeatTable;
    }

    public void setHeartbeatTable(String heartbeatTable) {
        this.heartbeatTable = heartbeatTable;
    }

    public Integer getMaxInflight() {
        return maxInflight;
    }

    public void setMaxInflight(Integer maxInflight) {
        this.maxInflight = maxInflight;
    }

    public OutputFormat getOutputFormat() {
        return outputFormat;
    }

    public void setOutputFormat(OutputFormat outputFormat) {
        this.outputFormat = outputFormat;
    }

    public Long getReconnectDelay() {
        return reconnectDelay;
    }

    public void setReconnectDelay(Long reconnectDelay) {
        this.reconnectDelay = reconnectDelay;
    }

    public Long getReconnectMaxDelay() {
        return reconnectMaxDelay;
    }

    public void setReconnectMaxDelay(Long reconnectMaxDelay) {
        this.reconnectMaxDelay = reconnectMaxDelay;
    }

    public Long getShutdownTimeout() {
        return shutdownTimeout;
    }

    public void setShutdownTimeout(Long shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    public String getValueFormat() {
        return valueFormat;
    }

    public void setValueFormat(String valueFormat) {
        this.valueFormat = valueFormat;
    }

    public Long getHealthGracePeriod() {
        return healthGracePeriod;
    }

    public void setHealthGracePeriod(Long healthGracePeriod) {
        this.healthGracePeriod = healthGracePeriod;
    }

    public Long getLagWarnBytes() {
        return lagWarnBytes;
    }

    public void setLagWarnBytes(Long lagWarnBytes) {
        this.lagWarnBytes = lagWarnBytes;
    }

    public Long getSlotMonitorInterval() {
        return slotMonitorInterval;
    }

    public void setSlotMonitorInterval(Long slotMonitorInterval) {
        this.slotMonitorInterval = slotMonitorInterval;
    }

    public Long getStatusInterval() {
        return statusInterval;
    }

    public void setStatusInterval(Long statusInterval) {
        this.statusInterval = statusInterval;
    }

    public Boolean getAutowiredEnabled() {
        return autowiredEnabled;
    }

    public void setAutowiredEnabled(Boolean autowiredEnabled) {
        this.autowiredEnabled = autowiredEnabled;
    }

    public String getReplicaIdentityFull() {
        return replicaIdentityFull;
    }

    public void setReplicaIdentityFull(String replicaIdentityFull) {
        this.replicaIdentityFull = replicaIdentityFull;
    }

    public Integer getWal2jsonFormatVersion() {
        return wal2jsonFormatVersion;
    }

    public void setWal2jsonFormatVersion(Integer wal2jsonFormatVersion) {
        this.wal2jsonFormatVersion = wal2jsonFormatVersion;
    }

    public String getExcludeColumns() {
        return excludeColumns;
    }

    public void setExcludeColumns(String excludeColumns) {
        this.excludeColumns = excludeColumns;
    }

    public String getExcludeTables() {
        return excludeTables;
    }

    public void setExcludeTables(String excludeTables) {
        this.excludeTables = excludeTables;
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

    public String getSshHost() {
        return sshHost;
    }

    public void setSshHost(String sshHost) {
        this.sshHost = sshHost;
    }

    public String getSshHostKeyFingerprint() {
        return sshHostKeyFingerprint;
    }

    public void setSshHostKeyFingerprint(String sshHostKeyFingerprint) {
        this.sshHostKeyFingerprint = sshHostKeyFingerprint;
    }

    public String getSshKnownHostsFile() {
        return sshKnownHostsFile;
    }

    public void setSshKnownHostsFile(String sshKnownHostsFile) {
        this.sshKnownHostsFile = sshKnownHostsFile;
    }

    public String getSshPassword() {
        return sshPassword;
    }

    public void setSshPassword(String sshPassword) {
        this.sshPassword = sshPassword;
    }

    public Integer getSshPort() {
        return sshPort;
    }

    public void setSshPort(Integer sshPort) {
        this.sshPort = sshPort;
    }

    public String getSshPrivateKey() {
        return sshPrivateKey;
    }

    public void setSshPrivateKey(String sshPrivateKey) {
        this.sshPrivateKey = sshPrivateKey;
    }

    public String getSshPrivateKeyFile() {
        return sshPrivateKeyFile;
    }

    public void setSshPrivateKeyFile(String sshPrivateKeyFile) {
        this.sshPrivateKeyFile = sshPrivateKeyFile;
    }

    public String getSshPrivateKeyPassphrase() {
        return sshPrivateKeyPassphrase;
    }

    public void setSshPrivateKeyPassphrase(String sshPrivateKeyPassphrase) {
        this.sshPrivateKeyPassphrase = sshPrivateKeyPassphrase;
    }

    public String getSshUser() {
        return sshUser;
    }

    public void setSshUser(String sshUser) {
        this.sshUser = sshUser;
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

    public String getSslMode() {
        return sslMode;
    }

    public void setSslMode(String sslMode) {
        this.sslMode = sslMode;
    }

    public String getSslPassword() {
        return sslPassword;
    }

    public void setSslPassword(String sslPassword) {
        this.sslPassword = sslPassword;
    }

    public String getSslRootCert() {
        return sslRootCert;
    }

    public void setSslRootCert(String sslRootCert) {
        this.sslRootCert = sslRootCert;
    }

    public String getUser() {
        return user;
    }

    public void setUser(String user) {
        this.user = user;
    }

    public String getSignalTable() {
        return signalTable;
    }

    public void setSignalTable(String signalTable) {
        this.signalTable = signalTable;
    }

    public String getSkipSnapshotTables() {
        return skipSnapshotTables;
    }

    public void setSkipSnapshotTables(String skipSnapshotTables) {
        this.skipSnapshotTables = skipSnapshotTables;
    }

    public Integer getSnapshotChunkSize() {
        return snapshotChunkSize;
    }

    public void setSnapshotChunkSize(Integer snapshotChunkSize) {
        this.snapshotChunkSize = snapshotChunkSize;
    }

    public SnapshotMode getSnapshotMode() {
        return snapshotMode;
    }

    public void setSnapshotMode(SnapshotMode snapshotMode) {
        this.snapshotMode = snapshotMode;
    }

    public Integer getSnapshotParallelism() {
        return snapshotParallelism;
    }

    public void setSnapshotParallelism(Integer snapshotParallelism) {
        this.snapshotParallelism = snapshotParallelism;
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
