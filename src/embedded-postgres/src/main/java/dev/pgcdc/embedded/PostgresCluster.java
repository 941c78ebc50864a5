package dev.pgcdc.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private PostgreSQL cluster in a temporary directory, with logical replication enabled, listening on
 * a free port of 127.0.0.1. {@link #start()} runs initdb and starts it; {@link #stop()} stops it and
 * deletes the directory; a shutdown hook stops it if the JVM exits first.
 *
 * <pre>{@code
 * try (PostgresCluster pg = PostgresCluster.builder().binaries("16").setting("wal_sender_timeout", "5s").start()) {
 *     pg.execute("CREATE TABLE t (id int PRIMARY KEY)");
 * }
 * }</pre>
 */
public final class PostgresCluster implements PostgresServer {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresCluster.class);
    private static final String HOST = "127.0.0.1";
    private static final Duration INITDB_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration PG_CTL_TIMEOUT = Duration.ofSeconds(90);
    private static final String PG_CTL_WAIT_SECONDS = "60";
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(10);
    /** A free port can be taken by someone else between our probe and the postmaster's bind. */
    private static final int START_ATTEMPTS = 5;
    /** sun_path holds 108 bytes including the terminating NUL. */
    private static final int MAX_SOCKET_PATH = 107;

    private static final Map<String, String> DEFAULT_SETTINGS = defaultSettings();

    private final PostgresInstallation installation;
    private final String superuser;
    private final String password;
    private final HostAuth hostAuth;
    private final Map<String, String> settings;
    private final Map<String, byte[]> dataFiles;
    private final List<String> hbaRules;
    private final ServerUser user = ServerUser.forThisProcess();

    private Path workDir;
    private int port;
    private boolean running;
    /** Set while this cluster is a standby that has not been promoted. */
    private boolean standby;

    private PostgresCluster(Builder builder) {
        this.installation = builder.installation != null ? builder.installation : PostgresBinaries.resolve(builder.binaries);
        this.superuser = builder.superuser;
        this.password = builder.password;
        this.hostAuth = builder.hostAuth;
        this.settings = new LinkedHashMap<>(builder.settings);
        this.dataFiles = new LinkedHashMap<>(builder.dataFiles);
        this.hbaRules = List.copyOf(builder.hbaRules);
    }

    /** An unstarted cluster with the same binaries, superuser and settings as {@code other}. */
    private PostgresCluster(PostgresCluster other) {
        this.installation = other.installation;
        this.superuser = other.superuser;
        this.password = other.password;
        this.hostAuth = other.hostAuth;
        this.settings = new LinkedHashMap<>(other.settings);
        this.dataFiles = Map.of();
        this.hbaRules = other.hbaRules;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Initialises and starts the cluster; on failure nothing is left behind. */
    public synchronized PostgresCluster start() {
        if (workDir != null) {
            throw new IllegalStateException("cluster already started in " + workDir);
        }
        try {
            workDir = Files.createTempDirectory("pgcdc-cluster-"); // mode 0700
            user.own(workDir);
            ClusterReaper.register(this);
            initdb();
            ConfigFiles config = new ConfigFiles(dataDir(), user);
            config.includeOwnSettings();
            dataFiles.forEach(config::writePrivateFile);
            config.writeHba(hbaRules, hostAuth);
            startOnFreePort(config);
            LOG.info("PostgreSQL {} started on {}:{} in {}{}", installation.version(), HOST, port, dataDir(),
                    user.switchedUserName() == null ? "" : " as user " + user.switchedUserName());
            return this;
        } catch (IOException e) {
            PostgresException failure = new PostgresException("cannot prepare the cluster directory " + workDir, e);
            stop();
            throw failure;
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    @Override
    public synchronized void stop() {
        if (workDir == null) {
            return;
        }
        try {
            // not only when running: a start that timed out may have left a postmaster behind
            if (postmasterPid().isPresent()) {
                shutDown();
            }
        } catch (RuntimeException e) {
            LOG.warn("stopping PostgreSQL in {} failed", dataDir(), e);
        } finally {
            running = false;
            ClusterReaper.unregister(this);
            Directories.deleteRecursively(workDir);
            workDir = null;
        }
    }

    /**
     * Leaves this cluster's stop at JVM exit to its owner, which stops it in a shutdown hook of its own after what uses
     * the cluster stopped (the runner's demo database is a Camel service: Camel Main's hook stops it after the
     * routes): shutdown hooks run concurrently, so the one that otherwise stops every running cluster at once waits up
     * to {@code grace} for the owner's stop, then stops the cluster itself (the owner may have no hook, or be stuck).
     */
    public synchronized PostgresCluster stoppedByOwnerAtExit(Duration grace) {
        if (workDir == null) {
            throw new IllegalStateException("cluster not started");
        }
        ClusterReaper.leaveToOwner(this, grace);
        return this;
    }

    @Override
    public synchronized void restart(Map<String, String> changedSettings) {
        if (!running) {
            throw new IllegalStateException("cluster is not running");
        }
        settings.putAll(changedSettings);
        shutDown();
        // same port: clients and their configuration expect the server where it was
        CommandRunner.Result result = startPostmaster(new ConfigFiles(dataDir(), user));
        if (!result.succeeded()) {
            throw startFailure(result);
        }
    }

    @Override
    public String host() {
        return HOST;
    }

    @Override
    public synchronized int port() {
        return port;
    }

    @Override
    public String superuser() {
        return superuser;
    }

    @Override
    public String superuserPassword() {
        return password;
    }

    @Override
    public Path binDir() {
        return installation.binDir();
    }

    @Override
    public Path tool(String name) {
        return installation.tool(name);
    }

    public PostgresInstallation installation() {
        return installation;
    }

    /** The data directory; it does not exist before {@link #start()} nor after {@link #stop()}. */
    public synchronized Path dataDir() {
        if (workDir == null) {
            throw new IllegalStateException("cluster not started");
        }
        return workDir.resolve("data");
    }

    public synchronized Path logFile() {
        return dataDir().resolveSibling("postgres.log");
    }

    /**
     * Starts a physical standby of this running cluster, streaming through a new physical slot {@code slotName},
     * made with the low-level backup API since the binaries have no pg_basebackup. The standby is a hot standby with
     * {@code hot_standby_feedback} and, from PostgreSQL 17, {@code sync_replication_slots} on, so failover slots
     * created here are synced to it; {@code primary_conninfo} names a database, which slot sync needs. Stop it like
     * any cluster.
     */
    public synchronized PostgresCluster startStandby(String slotName) {
        if (!running) {
            throw new IllegalStateException("cluster is not running");
        }
        PostgresCluster copy = new PostgresCluster(this);
        copy.settings.put("hot_standby", "on");
        copy.settings.put("hot_standby_feedback", "on");
        copy.settings.put("primary_slot_name", slotName);
        copy.settings.put("primary_conninfo", "host=" + HOST + " port=" + port + " user=" + superuser + " password="
                + password + " dbname=postgres application_name=" + slotName);
        if (major() >= 17) {
            copy.settings.put("sync_replication_slots", "on");
        }
        execute("SELECT pg_create_physical_replication_slot(" + SqlQuoting.literal(slotName) + ", true)");
        copy.startFromBackupOf(this);
        LOG.info("PostgreSQL {} standby of port {} started on {}:{}", installation.version(), port, HOST, copy.port);
        return copy;
    }

    /** Promotes this standby to a primary and waits until it accepts writes. */
    public synchronized void promote() {
        if (!standby) {
            throw new IllegalStateException("not a standby");
        }
        CommandRunner.runOrFail(user.command(List.of(installation.binDir().resolve("pg_ctl").toString(),
                "-D", dataDir().toString(), "-w", "-t", PG_CTL_WAIT_SECONDS, "promote")), workDir, PG_CTL_TIMEOUT);
        standby = false;
    }

    /**
     * Stops the server the way a crash would ({@code pg_ctl stop -m immediate}: no checkpoint, clients cut off);
     * the data stays until {@link #stop()}.
     */
    public synchronized void kill() {
        if (!running) {
            throw new IllegalStateException("cluster is not running");
        }
        Optional<ProcessHandle> postmaster = postmasterPid().flatMap(ProcessHandle::of);
        pgCtlStop("immediate");
        running = false;
        postmaster.ifPresent(this::awaitExit);
    }

    /** The postmaster's process id, from postmaster.pid; empty when no server runs. */
    public synchronized Optional<Long> postmasterPid() {
        if (workDir == null || !Files.exists(dataDir().resolve("postmaster.pid"))) {
            return Optional.empty();
        }
        try {
            return Files.readAllLines(dataDir().resolve("postmaster.pid")).stream().findFirst()
                    .filter(line -> line.matches("\\d+")).map(Long::parseLong);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The operating-system user the server runs as. */
    public String osUser() {
        return Optional.ofNullable(user.switchedUserName()).orElse(System.getProperty("user.name"));
    }

    /**
     * Copies the primary's data directory between pg_backup_start and pg_backup_stop, writes the backup label and
     * standby.signal, and starts the copy as a standby.
     */
    private void startFromBackupOf(PostgresCluster primary) {
        try {
            workDir = Files.createTempDirectory("pgcdc-cluster-");
            user.own(workDir);
            ClusterReaper.register(this);
            String labelFile;
            boolean before15 = primary.major() < 15;
            try (Connection session = primary.connect(); Statement statement = session.createStatement()) {
                // non-exclusive, fast checkpoint; the backup belongs to this session, so it stays open until the stop
                statement.execute(before15 ? "SELECT pg_start_backup('pgcdc standby', true, false)"
                        : "SELECT pg_backup_start('pgcdc standby', true)");
                BackupCopy.copy(primary.dataDir(), dataDir(), user);
                try (ResultSet stop = statement.executeQuery(before15 ? "SELECT labelfile FROM pg_stop_backup(false)"
                        : "SELECT labelfile FROM pg_backup_stop()")) {
                    stop.next();
                    labelFile = stop.getString(1);
                }
            }
            ConfigFiles config = new ConfigFiles(dataDir(), user);
            config.writeFile("backup_label", labelFile);
            config.writeFile("standby.signal", "");
            standby = true;
            startOnFreePort(config);
        } catch (IOException | SQLException e) {
            PostgresException failure = new PostgresException("cannot make a standby in " + workDir + ": " + e, e);
            stop();
            throw failure;
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    private void initdb() throws IOException {
        Path passwordFile = workDir.resolve("superuser-password");
        Files.writeString(passwordFile, password + "\n");
        user.own(passwordFile);
        try {
            CommandRunner.runOrFail(user.command(List.of(installation.binDir().resolve("initdb").toString(),
                    "-D", dataDir().toString(), "-U", superuser, "--pwfile=" + passwordFile,
                    "-E", "UTF8", "--no-locale", "--no-sync", "-A", "trust")), workDir, INITDB_TIMEOUT);
        } finally {
            Files.deleteIfExists(passwordFile);
        }
    }

    private void startOnFreePort(ConfigFiles config) {
        CommandRunner.Result result = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            port = freePort();
            long logSizeBefore = logSize();
            result = startPostmaster(config);
            if (result.succeeded()) {
                return;
            }
            if (!logSince(logSizeBefore).contains("Address already in use")) {
                break;
            }
            LOG.info("port {} was taken before PostgreSQL could bind it, trying another", port);
        }
        throw startFailure(result);
    }

    private CommandRunner.Result startPostmaster(ConfigFiles config) {
        config.writeSettings(effectiveSettings());
        CommandRunner.Result result = CommandRunner.run(user.command(List.of(installation.binDir().resolve("pg_ctl").toString(),
                "-D", dataDir().toString(), "-l", logFile().toString(), "-w", "-t", PG_CTL_WAIT_SECONDS, "start")),
                workDir, PG_CTL_TIMEOUT);
        running = result.succeeded();
        return result;
    }

    private Map<String, String> effectiveSettings() {
        Map<String, String> effective = new LinkedHashMap<>(DEFAULT_SETTINGS);
        effective.putAll(settings);
        effective.put("port", Integer.toString(port));
        if (workDir.toString().length() + "/.s.PGSQL.65535".length() <= MAX_SOCKET_PATH) {
            effective.put("unix_socket_directories", workDir.toString());
        } else {
            LOG.warn("{} is too long for a Unix socket path; the server listens on TCP only", workDir);
            effective.put("unix_socket_directories", "");
        }
        return effective;
    }

    private PostgresException startFailure(CommandRunner.Result result) {
        return new PostgresException("PostgreSQL " + installation.version() + " did not start on port " + port
                + ": " + result.output().strip() + "\nserver log " + logFile() + ":\n" + CommandRunner.tail(logSince(0)));
    }

    /** Fast shutdown (disconnects clients), then immediate, then killing the postmaster we started. */
    private void shutDown() {
        Optional<ProcessHandle> postmaster = postmasterPid().flatMap(ProcessHandle::of);
        CommandRunner.Result fast = pgCtlStop("fast");
        if (!fast.succeeded()) {
            LOG.warn("fast shutdown of {} failed, trying immediate: {}", dataDir(), fast.output().strip());
            pgCtlStop("immediate");
        }
        running = false;
        postmaster.ifPresent(this::awaitExit);
    }

    /** pg_ctl stop returns once postmaster.pid is gone, a moment before the process itself exits. */
    private void awaitExit(ProcessHandle postmaster) {
        try {
            postmaster.onExit().get(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("killing postmaster {} of {}", postmaster.pid(), dataDir());
            postmaster.destroyForcibly();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private CommandRunner.Result pgCtlStop(String mode) {
        return CommandRunner.run(user.command(List.of(installation.binDir().resolve("pg_ctl").toString(),
                "-D", dataDir().toString(), "-m", mode, "-w", "-t", PG_CTL_WAIT_SECONDS, "stop")), workDir, PG_CTL_TIMEOUT);
    }

    private long logSize() {
        try {
            return Files.exists(logFile()) ? Files.size(logFile()) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private String logSince(long offset) {
        try {
            if (!Files.exists(logFile())) {
                return "(no log)";
            }
            String log = Files.readString(logFile());
            return log.substring((int) Math.min(offset, log.length()));
        } catch (IOException e) {
            return "(cannot read the log: " + e + ")";
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new PostgresException("cannot find a free port on " + HOST, e);
        }
    }

    private static Map<String, String> defaultSettings() {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("listen_addresses", HOST);
        defaults.put("wal_level", "logical");
        defaults.put("max_replication_slots", "20");
        defaults.put("max_wal_senders", "20");
        defaults.put("max_connections", "100");
        defaults.put("shared_buffers", "32MB");
        // durability is worthless for a throw-away cluster; these make tests and initdb much faster
        defaults.put("fsync", "off");
        defaults.put("synchronous_commit", "off");
        defaults.put("full_page_writes", "off");
        // the default before PostgreSQL 14 is md5; scram-sha-256 host auth needs scram verifiers
        defaults.put("password_encryption", "scram-sha-256");
        return Collections.unmodifiableMap(defaults);
    }

    /** Options of a cluster; {@link #build()} may be called more than once, e.g. for several majors. */
    public static final class Builder {
        private String binaries = System.getProperty(PostgresBinaries.SELECTION_PROPERTY);
        private PostgresInstallation installation;
        private String superuser = "postgres";
        private String password = "postgres";
        private HostAuth hostAuth = HostAuth.TRUST;
        private final Map<String, String> settings = new LinkedHashMap<>();
        private final Map<String, byte[]> dataFiles = new LinkedHashMap<>();
        private final List<String> hbaRules = new ArrayList<>();

        private Builder() {
        }

        /** A major version ("15") or the path of a local installation; default: -Dpgcdc.test.pg, else the newest. */
        public Builder binaries(String selection) {
            this.binaries = selection;
            this.installation = null;
            return this;
        }

        public Builder installation(PostgresInstallation installation) {
            this.installation = installation;
            return this;
        }

        /** The bootstrap superuser, created by initdb; default postgres/postgres. */
        public Builder superuser(String name, String password) {
            this.superuser = name;
            this.password = password;
            return this;
        }

        public Builder hostAuth(HostAuth hostAuth) {
            this.hostAuth = hostAuth;
            return this;
        }

        /** A postgresql.conf setting added to or overriding the defaults, e.g. ("wal_sender_timeout", "5s"). */
        public Builder setting(String name, String value) {
            settings.put(name, value);
            return this;
        }

        /**
         * A file put into the data directory, readable by the server's user only, e.g. a TLS key for
         * {@code setting("ssl_key_file", "server.key")} (relative paths are relative to the data directory).
         */
        public Builder dataFile(String name, byte[] content) {
            dataFiles.put(name, content.clone());
            return this;
        }

        /** A pg_hba.conf line matched before the default rules, e.g. {@code hostssl all alice 127.0.0.1/32 cert}. */
        public Builder hbaRule(String line) {
            hbaRules.add(line);
            return this;
        }

        public PostgresCluster build() {
            return new PostgresCluster(this);
        }

        public PostgresCluster start() {
            return build().start();
        }
    }
}
