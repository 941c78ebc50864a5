package dev.pgcdc.benchmark;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import dev.pgcdc.cluster.PgClusterService;

/**
 * Part 7 (issue 16): two instances of one clustered route ({@link ClusteredInstance}, {@code master:} with
 * {@link PgClusterService} at its defaults) in JVMs of their own, a paced writer running; the active instance is
 * killed with SIGKILL by its PID, and the takeover time is the kill to the first change the other instance's route
 * receives (its own clock: the same host's wall clock). After each kill a new instance joins as the next standby.
 * At the end every row the writer committed must have been delivered by some instance (lost must be 0); delivered
 * by two instances is what the killed one had not confirmed.
 */
final class Takeover {

    /** One single-row transaction every 5 ms: a steady stream across the kill. */
    private static final int WRITER_RATE = 200;
    /** The active instance delivers for this long before it is killed: streaming, not starting. */
    private static final Duration STEADY = Duration.ofSeconds(1);
    /** Generous: JVMs start slowly on a loaded machine; a takeover that needs this long is a failure. */
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String SLOT = "takeover";

    private final Run run;
    private final List<Child> instances = new ArrayList<>();

    private Takeover(Run run) {
        this.run = run;
    }

    static Map<String, Object> measure(Run run) throws Exception {
        return new Takeover(run).measure();
    }

    /** One change as an instance's route received it. */
    private record Delivery(long id, Instant at) {
    }

    private Map<String, Object> measure() throws Exception {
        run.slots().create(SLOT);
        long idsBefore = maxId();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService writerThread = Executors.newSingleThreadExecutor();
        try {
            start("a");
            start("b");
            instances.forEach(this::awaitCandidate);
            Future<Double> writer = writerThread.submit(() -> new PacedWriter(run.cluster()).writeUntil(WRITER_RATE,
                    stop::get));
            List<Kill> kills = new ArrayList<>();
            for (int i = 1; i <= run.size().takeovers(); i++) {
                kills.add(killTheActiveOne());
                if (i < run.size().takeovers()) {
                    awaitCandidate(start(String.valueOf((char) ('a' + instances.size()))));
                }
            }
            stop.set(true);
            double achieved = writer.get();
            List<Long> written = run.cluster().queryForList("SELECT id FROM bench WHERE id > ? ORDER BY id", idsBefore)
                    .stream().map(row -> ((Number) row.get("id")).longValue()).toList();
            long lastId = written.get(written.size() - 1);
            Child last = alive().get(0);
            await("the last row delivered by " + last.name(),
                    () -> deliveries(last).stream().anyMatch(d -> d.id() == lastId));
            return figures(kills, achieved, written);
        } finally {
            stop.set(true);
            writerThread.shutdown();
            for (Child instance : instances) {
                instance.killNow(TIMEOUT);
            }
            run.slots().drop(SLOT);
        }
    }

    private Child start(String instance) throws Exception {
        Child child = run.consumers().clusteredInstance("pgcdc-takeover-" + instance, SLOT, instance);
        instances.add(child);
        return child;
    }

    /**
     * One kill: of which instance, which one took over, and how long after the kill it was elected and its first
     * change arrived.
     */
    private record Kill(Child killed, Child survivor, double electedMs, double takeoverMs) {
    }

    /** Kills the delivering instance once it streams steadily, and waits for the other to deliver. */
    private Kill killTheActiveOne() throws Exception {
        await("an instance delivering for " + STEADY, () -> alive().stream().anyMatch(this::steady));
        Child active = alive().stream().filter(this::steady).findFirst().orElseThrow();
        List<Child> standbys = alive().stream().filter(c -> c != active).toList();
        if (standbys.size() != 1 || !deliveries(standbys.get(0)).isEmpty()) {
            throw new IllegalStateException("expected one standby that delivered nothing, got " + standbys);
        }
        Child standby = standbys.get(0);
        Instant killed = Instant.now();
        active.killNow(TIMEOUT);
        await(standby.name() + " delivering after the kill", () -> !deliveries(standby).isEmpty());
        double takeoverMs = millisBetween(killed, deliveries(standby).get(0).at());
        double electedMs = millisBetween(killed, stamped(standby.lines().stream()
                .filter(line -> line.startsWith(ClusteredInstance.LEADER)).findFirst()
                .orElseThrow(() -> new IllegalStateException(standby.name() + " delivered but printed no LEADER line"))
                .substring(ClusteredInstance.LEADER.length())));
        System.out.println("[benchmark]   kill -9 " + active.pid() + " (" + active.name() + "): " + standby.name()
                + " elected after " + electedMs + " ms, its first change after " + takeoverMs + " ms");
        return new Kill(active, standby, electedMs, takeoverMs);
    }

    /** @param written the ids of the rows the writer committed */
    private Map<String, Object> figures(List<Kill> kills, double achieved, List<Long> written) {
        List<Map<String, Object>> repetitions = new ArrayList<>();
        for (Kill kill : kills) {
            Set<Long> byKilled = ids(kill.killed());
            Map<String, Object> repetition = new LinkedHashMap<>();
            repetition.put("killed", kill.killed().name());
            repetition.put("killedPid", kill.killed().pid());
            repetition.put("survivor", kill.survivor().name());
            repetition.put("electedMs", kill.electedMs());
            repetition.put("takeoverMs", kill.takeoverMs());
            // what the killed instance had delivered but not confirmed
            repetition.put("redeliveredChanges", deliveries(kill.survivor()).stream()
                    .filter(d -> byKilled.contains(d.id())).count());
            repetitions.add(repetition);
        }
        Set<Long> delivered = new HashSet<>();
        long deliveries = 0;
        for (Child instance : instances) {
            List<Delivery> own = deliveries(instance);
            deliveries += own.size();
            own.forEach(d -> delivered.add(d.id()));
        }
        long lost = written.stream().filter(id -> !delivered.contains(id)).count();
        List<Double> times = kills.stream().map(Kill::takeoverMs).sorted().toList();
        PgClusterService defaults = new PgClusterService();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("checkIntervalMs", defaults.getCheckInterval());
        figures.put("writerChangesPerSecond", Math.round(achieved));
        figures.put("repetitions", repetitions);
        figures.put("medianMs", median(times));
        figures.put("minMs", times.get(0));
        figures.put("maxMs", times.get(times.size() - 1));
        figures.put("writtenChanges", written.size());
        figures.put("lostChanges", lost);
        figures.put("redeliveredChanges", deliveries - delivered.size());
        return figures;
    }

    private static double median(List<Double> sorted) {
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    /** Has delivered for {@link #STEADY}: streaming the writer's changes as they come, not a backlog at its start. */
    private boolean steady(Child instance) {
        List<Delivery> own = deliveries(instance);
        return !own.isEmpty() && Duration.between(own.get(0).at(), own.get(own.size() - 1).at()).compareTo(STEADY) >= 0;
    }

    private List<Child> alive() {
        return instances.stream().filter(Child::isAlive).toList();
    }

    private static List<Delivery> deliveries(Child instance) {
        List<Delivery> deliveries = new ArrayList<>();
        for (String line : instance.lines()) {
            if (line.startsWith(ClusteredInstance.DELIVERED)) {
                String[] fields = line.substring(ClusteredInstance.DELIVERED.length()).split(" ");
                deliveries.add(new Delivery(Long.parseLong(fields[0]), stamped(fields[1])));
            }
        }
        return deliveries;
    }

    /** An instance's time stamp: microseconds since the epoch. */
    private static Instant stamped(String micros) {
        return Instant.EPOCH.plus(Long.parseLong(micros), ChronoUnit.MICROS);
    }

    private static double millisBetween(Instant from, Instant to) {
        return ChronoUnit.MICROS.between(from, to) / 1000.0;
    }

    private static Set<Long> ids(Child instance) {
        Set<Long> ids = new HashSet<>();
        deliveries(instance).forEach(d -> ids.add(d.id()));
        return ids;
    }

    /** The instance has joined the election: its lock session holds its candidate lock (pg_locks). */
    private void awaitCandidate(Child instance) {
        String application = "pgcdc-cluster " + instance.name().substring("pgcdc-takeover-".length());
        try {
            await(instance.name() + " a candidate", () -> run.cluster().queryForObject("SELECT count(*) FROM pg_locks l"
                    + " JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted"
                    + " AND a.application_name = ?", Long.class, application) > 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Rows above it are the writer's: the bench table has no other writer during this part. */
    private long maxId() {
        return run.cluster().queryForObject("SELECT coalesce(max(id), 0) FROM bench", Long.class);
    }

    /**
     * Polls {@code condition} until it holds; fails after {@link #TIMEOUT}. The figures come from the instances' own
     * time stamps, so the poll's period does not enter them.
     */
    private void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + ": not within " + TIMEOUT + " (see the pgcdc-takeover-*.log)");
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }
}
