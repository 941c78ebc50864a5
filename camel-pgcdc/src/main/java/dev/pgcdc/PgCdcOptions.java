package dev.pgcdc;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import dev.pgcdc.connect.ConnectionSettings;
import dev.pgcdc.connect.Secrets;
import dev.pgcdc.connect.SshSettings;
import dev.pgcdc.connect.SslSettings;
import dev.pgcdc.filter.ColumnExclusions;
import dev.pgcdc.filter.NamePattern;
import dev.pgcdc.filter.TableFilter;
import dev.pgcdc.outbox.Outbox;
import dev.pgcdc.outbox.OutboxFields;
import dev.pgcdc.setup.SetupMode;
import dev.pgcdc.pg.TableName;
import dev.pgcdc.snapshot.SnapshotOptions;
import dev.pgcdc.stream.DecodingOptions;
import dev.pgcdc.stream.OutputPlugin;
import dev.pgcdc.stream.PgOutputPlugin;
import dev.pgcdc.stream.StreamOptions;
import dev.pgcdc.stream.Wal2JsonPlugin;

import static dev.pgcdc.option.OptionValues.duration;

/**
 * The options of a {@code pgcdc:} endpoint, checked and derived once when the endpoint is created, so a bad value
 * or combination fails there, naming the option, and never on connect.
 *
 * @param publication          the publication to stream: the configured one, or the slot name
 * @param replicaIdentityFull  the tables to set REPLICA IDENTITY FULL on
 * @param heartbeatInterval    zero when heartbeats are off
 * @param heartbeatTable       the heartbeat table, or null when heartbeats are logical decoding messages
 * @param primary              where everything that writes goes when decoding from a standby; else
 *                             {@code connection}
 * @param outbox               the transactional outbox, or null without outbox tables and message prefix
 * @param concurrentConsumers  how many threads hand changes to the route (1: in commit order on one thread)
 * @param handOffAfter         how long the route may keep the replication thread with one change before changes are
 *                             handed over to a thread of their own (zero: always)
 */
public record PgCdcOptions(ConnectionSettings connection, StreamOptions stream, SnapshotOptions snapshot,
                           String publication, SetupMode setupMode, List<TableName> replicaIdentityFull,
                           Duration reconnectDelay, Duration reconnectMaxDelay, Duration slotMonitorInterval,
                           long lagWarnBytes, Duration healthGracePeriod, Duration heartbeatInterval,
                           TableName heartbeatTable, Outbox outbox, int concurrentConsumers,
                           Duration handOffAfter, ConnectionSettings primary) {

    /** PostgreSQL's own rule for replication slot names. */
    private static final Pattern SLOT_NAME = Pattern.compile("[a-z0-9_]{1,63}");
    private static final Duration ONE_MS = Duration.ofMillis(1);

    public PgCdcOptions {
        replicaIdentityFull = List.copyOf(replicaIdentityFull);
    }

    /** Checks the configuration's values and combinations and derives the options of each part. */
    public static PgCdcOptions of(PgCdcConfiguration configuration) {
        String slot = configuration.getSlotName();
        if (slot == null || !SLOT_NAME.matcher(slot).matches()) {
            throw new IllegalArgumentException("Invalid replication slot name '" + slot + "' in pgcdc:" + slot
                    + ": PostgreSQL allows 1 to 63 lower-case letters, digits and underscores, e.g. pgcdc:orders_slot");
        }
        if (configuration.getDatabase() == null || configuration.getDatabase().isBlank()) {
            throw new IllegalArgumentException("pgcdc:" + slot + " needs the database option, e.g. pgcdc:" + slot
                    + "?host=db.example.com&database=shop");
        }
        if (configuration.getCatchUpThreshold() < 0) {
            throw new IllegalArgumentException("catchUpThreshold must be 0 (never catch up) or a number of bytes of lag,"
                    + " e.g. 268435456 (256 MB), was " + configuration.getCatchUpThreshold());
        }
        if (configuration.getCatchUpBatchSize() < 1) {
            throw new IllegalArgumentException("catchUpBatchSize must be at least 1, was "
                    + configuration.getCatchUpBatchSize());
        }
        if (configuration.getMaxInflight() < 1) {
            throw new IllegalArgumentException("maxInflight must be at least 1, was " + configuration.getMaxInflight());
        }
        if (configuration.getConcurrentConsumers() < 1) {
            throw new IllegalArgumentException("concurrentConsumers must be at least 1, was "
                    + configuration.getConcurrentConsumers() + ": 1 delivers in commit order on one thread, more"
                    + " spread changes over that many threads by table and key");
        }
        if (configuration.isSlotFailover() && !blank(configuration.getPrimaryHost())) {
            throw new IllegalArgumentException("slotFailover cannot be combined with primaryHost: with primaryHost the"
                    + " slot lives on the standby named by host, and failover slots are created on a primary (PostgreSQL"
                    + " 17 syncs them to its standbys). Either read the slot on the primary with slotFailover=true and"
                    + " host listing primary and standby (h1:5432,h2:5432), or decode on the standby without"
                    + " slotFailover");
        }
        String publication = configuration.getPublication() != null && !configuration.getPublication().isBlank()
                ? configuration.getPublication() : slot;
        DecodingOptions decoding = decodingOptions(configuration);
        Duration reconnectDelay = duration("reconnectDelay", configuration.getReconnectDelay(), ONE_MS);
        Duration reconnectMaxDelay = duration("reconnectMaxDelay", configuration.getReconnectMaxDelay(), reconnectDelay);
        Duration statusInterval = duration("statusInterval", configuration.getStatusInterval(), ONE_MS);
        StreamOptions stream = new StreamOptions(slot, outputPlugin(configuration, publication), configuration.getMaxInflight(),
                statusInterval, duration("shutdownTimeout", configuration.getShutdownTimeout(), Duration.ZERO), decoding,
                configuration.getCatchUpThreshold(), configuration.getCatchUpBatchSize());
        SnapshotOptions snapshot = new SnapshotOptions(slot, publication, configuration.getSnapshotMode(),
                TableName.parseSet(configuration.getSkipSnapshotTables()), configuration.getSnapshotChunkSize(),
                configuration.getSnapshotParallelism(), TableName.parse(configuration.getSignalTable()),
                TableName.parse(configuration.getSnapshotStateTable()), reconnectDelay, decoding.tables(),
                decoding.columns(), decoding.rawText());
        ConnectionSettings connection = connectionSettings(configuration, statusInterval);
        return new PgCdcOptions(connection, stream, snapshot, publication,
                configuration.getSetupMode(), tableList(configuration.getReplicaIdentityFull()), reconnectDelay,
                reconnectMaxDelay, duration("slotMonitorInterval", configuration.getSlotMonitorInterval(), ONE_MS),
                configuration.getLagWarnBytes(),
                duration("healthGracePeriod", configuration.getHealthGracePeriod(), Duration.ZERO),
                duration("heartbeatInterval", configuration.getHeartbeatInterval(), Duration.ZERO),
                heartbeatTable(configuration), outbox(configuration, decoding),
                configuration.getConcurrentConsumers(),
                duration("handOffAfter", configuration.getHandOffAfter(), Duration.ZERO),
                blank(configuration.getPrimaryHost()) ? connection : connection.withHost(configuration.getPrimaryHost()));
    }

    /** Whether the slot is read on a standby while everything that writes goes to the primary (option primaryHost). */
    public boolean decodesFromStandby() {
        return primary != connection;
    }

    /**
     * Whether the publication option names another publication than the slot's own (named after the slot): one that
     * may serve other subscriptions, which pgcdc changes only when it created it.
     */
    public boolean publicationGiven() {
        return !publication.equals(stream.slotName());
    }

    public DecodingOptions decoding() {
        return stream.decoding();
    }

    public OutputPlugin plugin() {
        return stream.plugin();
    }

    private static DecodingOptions decodingOptions(PgCdcConfiguration configuration) {
        boolean rawText = configuration.getValueFormat() == ValueFormat.TEXT;
        if (rawText && configuration.isBinary()) {
            throw new IllegalArgumentException("valueFormat=text needs the server's text output: remove binary=true");
        }
        // Our own tables' rows (heartbeats, snapshot signals and state) never reach the route, even when a
        // FOR ALL TABLES publication covers them; they still count for acknowledgement. (The snapshot sees signal
        // rows before this filter.)
        TableFilter tableFilter = TableFilter.of(configuration.getTables(), configuration.getExcludeTables())
                .excluding(TableName.parse(configuration.getSignalTable()))
                .excluding(TableName.parse(configuration.getSnapshotStateTable()));
        TableName heartbeat = heartbeatTable(configuration);
        // outbox messages are asked for like any message; the outbox ignores the others unless emitMessages is set
        return new DecodingOptions(configuration.isBinary(), rawText,
                configuration.isEmitMessages() || !blank(configuration.getOutboxMessagePrefix()),
                heartbeat == null ? tableFilter : tableFilter.excluding(heartbeat),
                ColumnExclusions.of(configuration.getExcludeColumns()));
    }

    /** Fails on an outbox table that the table options leave out: its rows would never arrive. */
    private static Outbox outbox(PgCdcConfiguration configuration, DecodingOptions decoding) {
        String prefix = configuration.getOutboxMessagePrefix();
        if (blank(configuration.getOutboxTables()) && blank(prefix)) {
            return null;
        }
        List<NamePattern> tables = NamePattern.parseList(configuration.getOutboxTables(), 2);
        for (NamePattern pattern : tables) {
            if (pattern.isExact() && !decoding.tables().includes(pattern.table().schema(), pattern.table().name())) {
                throw new IllegalArgumentException("outboxTables names " + pattern.table().quoted() + ", which the"
                        + " options tables and excludeTables leave out, so none of its events would arrive: add "
                        + pattern.table().quoted() + " to tables");
            }
        }
        return new Outbox(tables, blank(prefix) ? null : prefix, new OutboxFields(configuration.getOutboxIdColumn(),
                configuration.getOutboxAggregateTypeColumn(), configuration.getOutboxAggregateIdColumn(),
                configuration.getOutboxTypeColumn(), configuration.getOutboxPayloadColumn()),
                configuration.isEmitMessages());
    }

    private static OutputPlugin outputPlugin(PgCdcConfiguration configuration, String publication) {
        return switch (configuration.getPlugin()) {
            case PGOUTPUT -> new PgOutputPlugin(List.of(publication));
            case WAL2JSON -> {
                if (configuration.isBinary()) {
                    throw new IllegalArgumentException("binary=true is a pgoutput option; wal2json sends text:"
                            + " remove binary=true");
                }
                yield new Wal2JsonPlugin(configuration.getWal2jsonFormatVersion());
            }
        };
    }

    /** Where and how to connect, from the connection and security options; fails on inconsistent ones. */
    private static ConnectionSettings connectionSettings(PgCdcConfiguration configuration, Duration statusInterval) {
        Duration readTimeout = duration("readTimeout", configuration.getReadTimeout(), ONE_MS);
        // a reply follows each status update within a round trip; twice the interval leaves room for a slow one
        if (readTimeout.compareTo(statusInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("readTimeout (" + readTimeout.toMillis() + " ms) must be at least twice"
                    + " statusInterval (" + statusInterval.toMillis() + " ms): the server's replies to the status"
                    + " updates are what shows the connection is alive. Raise readTimeout or lower statusInterval.");
        }
        return new ConnectionSettings(configuration.getHost(), configuration.getPort(), configuration.getDatabase(),
                configuration.getUser(),
                Secrets.valueOrFile("password", configuration.getPassword(), configuration.getPasswordFile()),
                ConnectionSettings.connectTimeoutSeconds(configuration.getConnectTimeout()))
                .withReadTimeout(readTimeout)
                .withSsl(new SslSettings(configuration.getSslMode(), path(configuration.getSslRootCert()),
                        path(configuration.getSslCert()), path(configuration.getSslKey()),
                        configuration.getSslPassword()))
                .withSsh(blank(configuration.getSshHost()) ? null : SshSettings.builder(configuration.getSshHost())
                        .port(configuration.getSshPort()).user(configuration.getSshUser())
                        .password(configuration.getSshPassword()).privateKeyFile(path(configuration.getSshPrivateKeyFile()))
                        .privateKey(configuration.getSshPrivateKey())
                        .privateKeyPassphrase(configuration.getSshPrivateKeyPassphrase())
                        .knownHostsFile(path(configuration.getSshKnownHostsFile()))
                        .hostKeyFingerprint(configuration.getSshHostKeyFingerprint()).build());
    }

    private static TableName heartbeatTable(PgCdcConfiguration configuration) {
        return blank(configuration.getHeartbeatTable()) ? null : TableName.parse(configuration.getHeartbeatTable());
    }

    private static List<TableName> tableList(String names) {
        return blank(names) ? List.of() : TableName.parseList(names);
    }

    private static Path path(String file) {
        return blank(file) ? null : Path.of(file);
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }
}
