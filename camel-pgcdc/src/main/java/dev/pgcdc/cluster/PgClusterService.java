package dev.pgcdc.cluster;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.pgcdc.connect.ConnectionSettings;
import dev.pgcdc.connect.PgConnector;
import dev.pgcdc.connect.Secrets;
import dev.pgcdc.connect.SslMode;
import dev.pgcdc.connect.SslSettings;
import dev.pgcdc.task.Periodic;
import org.apache.camel.spi.Metadata;
import org.apache.camel.support.cluster.AbstractCamelClusterService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Camel cluster service that elects leaders with PostgreSQL session advisory locks, so {@code master:} routes and
 * the clustered route policy need nothing beyond the database pgcdc already reads. One connection per instance holds
 * the locks of all its namespaces; one thread checks it every {@link #setCheckInterval checkInterval}, tries the free
 * namespaces and spreads leadership evenly over the instances. Each view tells its listeners on a thread of its own,
 * so however long they take to start or stop a route, the checks go on and keep the lock session alive.
 * <p>
 * A lock is released only once its view's listeners have been told of the loss (they have stopped their routes).
 * Leadership ends with the lock session: when a check fails, or none has succeeded for half the session timeout, the
 * instance tells its listeners first and drops the session only once they have been told. The server ends a lock
 * session that sent nothing for the session timeout ({@code idle_session_timeout}, PostgreSQL 14+), and at once when
 * the process dies and its socket closes, so another instance can take over only after this one had time to stop.
 * A replication slot's own rule (one reader at a time, error 55006) remains the last line of defence.
 */
@Metadata(label = "bean", description = "Leader election with PostgreSQL advisory locks",
          annotations = { "interfaceName=org.apache.camel.cluster.CamelClusterService" })
public class PgClusterService extends AbstractCamelClusterService<PgClusterView> {

    private static final Logger LOG = LoggerFactory.getLogger(PgClusterService.class);
    /** What the lock session calls itself: other instances read the member id from it. */
    private static final String APPLICATION_PREFIX = "pgcdc-cluster ";
    /** Checks a namespace is led before it may be handed over. */
    private static final int TENURE_CHECKS = 10;
    /** Checks a free namespace is left to less busy instances. */
    private static final int YIELD_CHECKS = 3;
    private static final String LOCKS = "SELECT l.pid, a.application_name, l.classid::int8, l.objid::int8"
            + " FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid"
            + " WHERE l.locktype = 'advisory' AND l.objsubid = 2 AND l.granted"
            + " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            + " AND l.classid IN (" + Integer.toUnsignedLong(LockKey.LEADER_CLASS) + ", "
            + Integer.toUnsignedLong(LockKey.CANDIDATE_CLASS) + ")";

    @Metadata(description = "The PostgreSQL server's host name", defaultValue = "localhost")
    private String host = "localhost";
    @Metadata(description = "The PostgreSQL server's port", defaultValue = "5432")
    private int port = 5432;
    @Metadata(description = "The database whose advisory locks elect the leaders; every instance must name the same one",
              required = true)
    private String database;
    @Metadata(description = "The user to connect as; it needs no privilege beyond connecting")
    private String user;
    @Metadata(description = "The password", secret = true)
    private String password;
    @Metadata(description = "A file holding the password (e.g. a mounted secret), instead of password")
    private String passwordFile;
    @Metadata(description = "TLS as libpq's sslmode: disable, allow, prefer, require, verify-ca, verify-full",
              defaultValue = "prefer")
    private SslMode sslMode = SslMode.PREFER;
    @Metadata(description = "The root certificate (PEM file) that signs the server's certificate, for verify-ca and"
                            + " verify-full")
    private String sslRootCert;
    @Metadata(description = "How long connecting (TCP, TLS and login) may take, e.g. 10s. pgjdbc counts whole seconds,"
                            + " so it is rounded up and a value under 1s is refused; 0 waits without limit.",
              defaultValue = "10000", javaType = "java.time.Duration")
    private long connectTimeout = 10_000;
    @Metadata(description = "How long between checks of the lock session, e.g. 1s; each check also tries the free"
                            + " namespaces",
              defaultValue = "1000", javaType = "java.time.Duration")
    private long checkInterval = 1000;
    @Metadata(description = "How long the server waits before it ends a lock session it has not heard from, e.g."
                            + " 30s, releasing its leadership; the instance itself gives up after half of it. At least"
                            + " three check intervals.",
              defaultValue = "30000", javaType = "java.time.Duration")
    private long sessionTimeout = 30_000;
    @Metadata(description = "Hand namespaces over to instances that lead fewer, so leadership spreads evenly",
              defaultValue = "true")
    private boolean balance = true;

    private final Map<String, PgClusterView> views = new ConcurrentHashMap<>();
    private ScheduledExecutorService executor;
    private PgConnector connector;

    // The check thread's own state.
    private Connection session;
    private volatile int sessionPid;
    private long lastSuccess;
    private boolean unreachableReported;
    private final Set<String> candidacies = new HashSet<>();
    /** Namespaces led, with the System.nanoTime() they were taken at. */
    private final Map<String, Long> leaderships = new HashMap<>();
    /** Namespaces given up whose lock is held until the view's listeners have been told. */
    private final Map<String, CompletableFuture<Void>> releasing = new HashMap<>();
    /** After a session in doubt: until the listeners have been told, nothing is released and no new session opens. */
    private CompletableFuture<Void> retiring;
    private final Map<String, Long> handedOver = new HashMap<>();
    private final Map<String, Long> freeSince = new HashMap<>();

    @Override
    protected PgClusterView createView(String namespace) {
        PgClusterView view = new PgClusterView(this, namespace);
        views.put(namespace, view);
        return view;
    }

    @Override
    protected void doStart() throws Exception {
        if (database == null || database.isBlank()) {
            throw new IllegalArgumentException("PgClusterService needs a database (the one whose advisory locks elect"
                    + " the leaders; every instance must name the same one)");
        }
        if (checkInterval <= 0 || sessionTimeout < 3 * checkInterval) {
            throw new IllegalArgumentException("PgClusterService needs 0 < checkInterval and sessionTimeout >= 3 *"
                    + " checkInterval, got checkInterval=" + checkInterval + " and sessionTimeout=" + sessionTimeout);
        }
        if (getId() == null) {
            setId(getCamelContext().getUuidGenerator().generateUuid());
        }
        connector = new PgConnector(new ConnectionSettings(host, port, database, user,
                Secrets.valueOrFile("password", password, passwordFile),
                ConnectionSettings.connectTimeoutSeconds(connectTimeout))
                .withSsl(new SslSettings(sslMode, sslRootCert == null ? null : Path.of(sslRootCert), null, null, null))
                .withReadTimeout(Duration.ofMillis(sessionTimeout / 3)));
        super.doStart();
        executor = getCamelContext().getExecutorServiceManager().newSingleThreadScheduledExecutor(this,
                "PgClusterService");
        // what escapes a check's own handling (a failure of giving up) must not end the checks for good
        executor.scheduleWithFixedDelay(Periodic.guard(LOG, "Leadership check", this::check), 0, checkInterval,
                TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() throws Exception {
        // the views tell their listeners while the checks still keep the lock session alive
        super.doStop();
        if (executor != null) {
            // a running check ends within its bounded reads
            getCamelContext().getExecutorServiceManager().shutdownGraceful(executor, sessionTimeout);
            executor = null;
        }
        giveUp(null);
        closeSession();
        if (connector != null) {
            connector.close();
            connector = null;
        }
    }

    /** The backend pid of the lock session, 0 while there is none. */
    int sessionPid() {
        return sessionPid;
    }

    private void check() {
        try {
            if (retiring != null) {
                if (!retiring.isDone()) {
                    keepAlive();
                    return;
                }
                closeSession();
            }
            if (session != null && System.nanoTime() - lastSuccess > TimeUnit.MILLISECONDS.toNanos(sessionTimeout / 2)) {
                throw new SQLException("no check succeeded for " + sessionTimeout / 2 + " ms");
            }
            if (session == null) {
                open();
            }
            LockTable table = readLocks();
            lastSuccess = System.nanoTime();
            releaseTold();
            for (PgClusterView view : views.values()) {
                view.seen(table);
                String namespace = view.getNamespace();
                if (!view.running()) {
                    if (leaderships.remove(namespace) != null) {
                        releasing.put(namespace, view.lostLeadership());
                    }
                    if (candidacies.remove(namespace)) {
                        unlock(view.candidateKey(), "pg_advisory_unlock_shared");
                    }
                } else if (!candidacies.contains(namespace) && call(view.candidateKey(), "pg_try_advisory_lock_shared")) {
                    candidacies.add(namespace);
                }
            }
            if (!isRunAllowed()) {
                return; // stopping: the views give up what they lead
            }
            if (balance) {
                handOverOne(table);
            }
            acquireOne(table);
        } catch (SQLException | RuntimeException | Error e) {
            // an Error too: which locks the session holds is unknown then, as after any failure mid-check
            giveUp(e);
        }
    }

    /**
     * Hands over one namespace led longer than {@link #TENURE_CHECKS} checks when another instance leads at least two
     * fewer (the tenure lets a route that just started settle: a handover restarts it elsewhere).
     */
    private void handOverOne(LockTable table) throws SQLException {
        for (Map.Entry<String, Long> leadership : leaderships.entrySet()) {
            String namespace = leadership.getKey();
            if (System.nanoTime() - leadership.getValue() > checks(TENURE_CHECKS)
                    && table.shouldHandOver(sessionPid, namespace)) {
                PgClusterView view = views.get(namespace);
                LOG.info("Handing leadership of {} over to a less busy instance", namespace);
                leaderships.remove(namespace);
                releasing.put(namespace, view.lostLeadership());
                handedOver.put(namespace, System.nanoTime());
                return;
            }
        }
    }

    /**
     * Takes the lead of at most one free namespace per check, and leaves a free namespace to a candidate that leads
     * fewer for a few checks (and one just handed over to the others): instances that start together share the
     * namespaces without handing them back and forth, and a namespace nobody else takes is still taken.
     */
    private void acquireOne(LockTable table) throws SQLException {
        long now = System.nanoTime();
        for (PgClusterView view : views.values()) {
            String namespace = view.getNamespace();
            if (!view.running() || leaderships.containsKey(namespace) || table.leader(view.leaderKey()).isPresent()) {
                freeSince.remove(namespace);
                continue;
            }
            long free = now - freeSince.computeIfAbsent(namespace, n -> now);
            Long handedOverAt = handedOver.get(namespace);
            boolean waiting = handedOverAt != null && now - handedOverAt < checks(YIELD_CHECKS)
                    || balance && table.busierThanAnotherCandidate(sessionPid, namespace) && free < checks(YIELD_CHECKS);
            if (!waiting && call(view.leaderKey(), "pg_try_advisory_lock")) {
                handedOver.remove(namespace);
                freeSince.remove(namespace);
                leaderships.put(namespace, now);
                LOG.info("Took leadership of {}", namespace);
                view.tookLeadership();
                return;
            }
        }
    }

    /** Releases the locks of the namespaces whose listeners have been told they lost them. */
    private void releaseTold() throws SQLException {
        for (Iterator<Map.Entry<String, CompletableFuture<Void>>> it = releasing.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, CompletableFuture<Void>> loss = it.next();
            if (loss.getValue().isDone()) {
                unlock(views.get(loss.getKey()).leaderKey(), "pg_advisory_unlock");
                handedOver.replace(loss.getKey(), System.nanoTime()); // the others' head start begins now
                it.remove();
            }
        }
    }

    private long checks(int count) {
        return TimeUnit.MILLISECONDS.toNanos(count * checkInterval);
    }

    private void open() throws SQLException {
        session = connector.openBounded(APPLICATION_PREFIX + getId());
        try (Statement statement = session.createStatement();
             ResultSet rs = statement.executeQuery("SELECT pg_backend_pid(), current_setting('server_version_num')::int")) {
            rs.next();
            sessionPid = rs.getInt(1);
            if (rs.getInt(2) >= 140000) {
                statement.execute("SET idle_session_timeout = " + sessionTimeout);
            }
        }
        unreachableReported = false;
        LOG.info("Lock session open on {} (backend {})", connector.settings(), sessionPid);
    }

    private LockTable readLocks() throws SQLException {
        List<HeldLock> locks = new ArrayList<>();
        try (Statement statement = session.createStatement(); ResultSet rs = statement.executeQuery(LOCKS)) {
            while (rs.next()) {
                String application = rs.getString(2);
                String member = application != null && application.startsWith(APPLICATION_PREFIX)
                        ? application.substring(APPLICATION_PREFIX.length()) : null;
                locks.add(new HeldLock(rs.getInt(1), member, (int) rs.getLong(3), rs.getLong(4)));
            }
        }
        return new LockTable(locks);
    }

    /** Calls one of PostgreSQL's advisory lock functions on the key; its boolean answer. */
    private boolean call(LockKey key, String function) throws SQLException {
        try (PreparedStatement statement = session.prepareStatement("SELECT " + function + "(?, ?)")) {
            statement.setInt(1, key.classId());
            statement.setInt(2, key.objectId());
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private void unlock(LockKey key, String function) throws SQLException {
        if (!call(key, function)) {
            throw new SQLException(function + " found no lock " + key + " to release");
        }
    }

    /**
     * Tells every view this instance leads that it no longer does (their listeners stop their routes) and stops
     * using the lock session but to keep it alive; the next checks drop it, releasing whatever the server still holds
     * for it, once the listeners have been told. {@code cause} null: an orderly stop.
     */
    private void giveUp(Throwable cause) {
        if (cause != null && session != null) {
            LOG.warn("Lock session on {} is in doubt ({}); giving up leadership of {}", connector.settings(),
                    cause.getMessage(), leaderships.keySet());
        } else if (cause != null && !unreachableReported) {
            unreachableReported = true;
            LOG.warn("Cannot open a lock session on {} ({}); retrying every {} ms", connector.settings(),
                    cause.getMessage(), checkInterval);
        }
        List<CompletableFuture<Void>> losses = new ArrayList<>(releasing.values());
        for (PgClusterView view : views.values()) {
            losses.add(view.lostLeadership());
        }
        retiring = CompletableFuture.allOf(losses.toArray(CompletableFuture[]::new));
        leaderships.clear();
        releasing.clear();
        candidacies.clear();
    }

    /** While the listeners stop, keeps the session in doubt alive if it still answers: its locks stay this one's. */
    private void keepAlive() {
        if (session != null) {
            try (Statement statement = session.createStatement()) {
                statement.execute("SELECT 1");
            } catch (SQLException e) {
                LOG.debug("The lock session in doubt does not answer", e);
                closeQuietly();
            }
        }
    }

    private void closeSession() {
        closeQuietly();
        retiring = null;
    }

    private void closeQuietly() {
        if (session != null) {
            try {
                session.close();
            } catch (SQLException e) {
                LOG.debug("Closing the lock session failed", e);
            }
        }
        session = null;
        sessionPid = 0;
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

    public String getSslMode() {
        return sslMode.value();
    }

    /** libpq's spelling, as in the component's sslMode option. */
    public void setSslMode(String sslMode) {
        this.sslMode = Arrays.stream(SslMode.values()).filter(m -> m.value().equalsIgnoreCase(sslMode)
                || m.name().equalsIgnoreCase(sslMode)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                        "sslMode " + sslMode + " is not one of " + Arrays.toString(SslMode.values())));
    }

    public String getSslRootCert() {
        return sslRootCert;
    }

    public void setSslRootCert(String sslRootCert) {
        this.sslRootCert = sslRootCert;
    }

    /** Milliseconds. */
    public long getConnectTimeout() {
        return connectTimeout;
    }

    /** Milliseconds; from properties, a duration such as {@code 10s}. */
    public void setConnectTimeout(long connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public long getCheckInterval() {
        return checkInterval;
    }

    public void setCheckInterval(long checkInterval) {
        this.checkInterval = checkInterval;
    }

    public long getSessionTimeout() {
        return sessionTimeout;
    }

    public void setSessionTimeout(long sessionTimeout) {
        this.sessionTimeout = sessionTimeout;
    }

    public boolean isBalance() {
        return balance;
    }

    public void setBalance(boolean balance) {
        this.balance = balance;
    }
}
