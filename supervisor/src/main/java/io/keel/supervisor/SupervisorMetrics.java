package io.keel.supervisor;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntSupplier;

/**
 * The supervisor's own figures in Prometheus text format, served on its control port: they are about processes, so
 * no worker reports them and nothing is counted twice. Thread-safe (atomic counters).
 */
final class SupervisorMetrics {
    /** How a worker got ready: {@code cold} timed from its spawn, {@code standby} from its activation. */
    static final String COLD = "cold";
    static final String STANDBY = "standby";
    /** Upper bounds in seconds of the start-up histogram's buckets; the goal for a restart is 1 s. */
    private static final double[] START_BUCKETS = {0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30};
    private final Map<String, AtomicLong> restarts = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> reloads = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> recycles = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> handovers = new ConcurrentHashMap<>();
    private final AtomicLong gapCount = new AtomicLong();
    private final AtomicLong gapNanosSum = new AtomicLong();
    private volatile double lastGapSeconds = Double.NaN;
    private final AtomicLong activations = new AtomicLong();
    private final AtomicLong standbyExits = new AtomicLong();
    private final Map<String, StartHistogram> starts = Map.of(COLD, new StartHistogram(), STANDBY,
            new StartHistogram());
    private final IntSupplier workersAlive;
    private final IntSupplier workersGivenUp;
    private final IntSupplier standbyWorkers;

    /** One start path's histogram and its latest value. */
    private static final class StartHistogram {
        final AtomicLongArray buckets = new AtomicLongArray(START_BUCKETS.length);
        final AtomicLong count = new AtomicLong();
        final AtomicLong nanosSum = new AtomicLong();
        volatile double lastSeconds = Double.NaN;
    }

    /**
     * @param standbyWorkers standby workers prepared and waiting for activation
     */
    SupervisorMetrics(IntSupplier workersAlive, IntSupplier workersGivenUp, IntSupplier standbyWorkers) {
        this.workersAlive = workersAlive;
        this.workersGivenUp = workersGivenUp;
        this.standbyWorkers = standbyWorkers;
    }

    void restart(String reason) {
        restarts.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
    }

    void reload(String result) {
        reloads.computeIfAbsent(result, r -> new AtomicLong()).incrementAndGet();
    }

    /** {@code reason}: {@code rss} or {@code heap} (heap after GC). */
    void recycle(String reason) {
        recycles.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
    }

    /**
     * A hand-over of an exclusive database (issue 10) ended: {@code ok}, {@code rolled_back} (the new worker failed
     * before the old one was drained) or {@code failed} (after: the slot restarts as after a crash).
     */
    void handover(String outcome) {
        handovers.computeIfAbsent(outcome, o -> new AtomicLong()).incrementAndGet();
    }

    /** A hand-over's gap: from the old worker's exit to the new worker's ready line; requests were held meanwhile. */
    void handoverGap(Duration gap) {
        gapNanosSum.addAndGet(gap.toNanos());
        gapCount.incrementAndGet();
        lastGapSeconds = gap.toNanos() / 1e9;
    }

    /** A standby worker was activated into a slot (a crash, a reload or a recycle). */
    void activation() {
        activations.incrementAndGet();
    }

    /** A standby worker exited before it was activated (it is replaced; no slot is affected). */
    void standbyExit() {
        standbyExits.incrementAndGet();
    }

    /**
     * A worker became ready {@code took} after its spawn ({@link #COLD}: first starts, and restarts, reloads and
     * recycles without a standby) or after its activation ({@link #STANDBY}).
     */
    void workerStarted(String path, Duration took) {
        StartHistogram histogram = starts.get(path);
        double seconds = took.toNanos() / 1e9;
        for (int i = 0; i < START_BUCKETS.length; i++) {
            if (seconds <= START_BUCKETS[i]) {
                histogram.buckets.incrementAndGet(i);
            }
        }
        histogram.nanosSum.addAndGet(took.toNanos());
        histogram.count.incrementAndGet();
        histogram.lastSeconds = seconds;
    }

    String scrape() {
        StringBuilder out = new StringBuilder();
        out.append("# HELP keel_supervisor_restarts_total Workers restarted, by reason.\n")
                .append("# TYPE keel_supervisor_restarts_total counter\n");
        labelled(out, "keel_supervisor_restarts_total", "reason", restarts);
        out.append("# HELP keel_supervisor_reloads_total Rolling reloads, by result.\n")
                .append("# TYPE keel_supervisor_reloads_total counter\n");
        labelled(out, "keel_supervisor_reloads_total", "result", reloads);
        out.append("# HELP keel_supervisor_recycles_total Workers replaced for going over a memory limit, by limit.\n")
                .append("# TYPE keel_supervisor_recycles_total counter\n");
        labelled(out, "keel_supervisor_recycles_total", "reason", recycles);
        out.append("# HELP keel_supervisor_handovers_total Hand-overs of an exclusive (embedded H2) database from a "
                        + "worker to its replacement, by outcome.\n")
                .append("# TYPE keel_supervisor_handovers_total counter\n");
        labelled(out, "keel_supervisor_handovers_total", "outcome", handovers);
        out.append("# HELP keel_supervisor_handover_gap_seconds From the old worker's exit to the new worker's ready "
                        + "line in a hand-over: requests that reached the new worker waited this long at most.\n")
                .append("# TYPE keel_supervisor_handover_gap_seconds summary\n")
                .append("keel_supervisor_handover_gap_seconds_count ").append(gapCount.get()).append('\n')
                .append("keel_supervisor_handover_gap_seconds_sum ").append(gapNanosSum.get() / 1e9).append('\n')
                .append("# HELP keel_supervisor_handover_last_gap_seconds The latest hand-over's gap.\n")
                .append("# TYPE keel_supervisor_handover_last_gap_seconds gauge\n")
                .append("keel_supervisor_handover_last_gap_seconds ").append(lastGapSeconds).append('\n');
        out.append("# HELP keel_supervisor_workers_alive Worker processes running.\n")
                .append("# TYPE keel_supervisor_workers_alive gauge\n")
                .append("keel_supervisor_workers_alive ").append(workersAlive.getAsInt()).append('\n')
                .append("# HELP keel_supervisor_workers_given_up Worker slots left empty after a crash loop.\n")
                .append("# TYPE keel_supervisor_workers_given_up gauge\n")
                .append("keel_supervisor_workers_given_up ").append(workersGivenUp.getAsInt()).append('\n')
                .append("# HELP keel_supervisor_standby_workers Standby workers prepared and waiting for activation.\n")
                .append("# TYPE keel_supervisor_standby_workers gauge\n")
                .append("keel_supervisor_standby_workers ").append(standbyWorkers.getAsInt()).append('\n')
                .append("# HELP keel_supervisor_standby_activations_total Standby workers activated into a slot.\n")
                .append("# TYPE keel_supervisor_standby_activations_total counter\n")
                .append("keel_supervisor_standby_activations_total ").append(activations.get()).append('\n')
                .append("# HELP keel_supervisor_standby_exits_total Standby workers that exited before activation.\n")
                .append("# TYPE keel_supervisor_standby_exits_total counter\n")
                .append("keel_supervisor_standby_exits_total ").append(standbyExits.get()).append('\n');
        startSeconds(out);
        return out.toString();
    }

    private void startSeconds(StringBuilder out) {
        String name = "keel_supervisor_worker_start_seconds";
        out.append("# HELP ").append(name).append(" Wall time to a worker's ready line: from its spawn (start=\"cold\") "
                        + "or from a standby's activation (start=\"standby\").\n")
                .append("# TYPE ").append(name).append(" histogram\n");
        for (String path : List.of(COLD, STANDBY)) {
            StartHistogram histogram = starts.get(path);
            String label = "start=\"" + path + "\"";
            long count = histogram.count.get();
            for (int i = 0; i < START_BUCKETS.length; i++) {
                out.append(name).append("_bucket{").append(label).append(",le=\"").append(START_BUCKETS[i])
                        .append("\"} ").append(histogram.buckets.get(i)).append('\n');
            }
            out.append(name).append("_bucket{").append(label).append(",le=\"+Inf\"} ").append(count).append('\n')
                    .append(name).append("_sum{").append(label).append("} ").append(histogram.nanosSum.get() / 1e9)
                    .append('\n')
                    .append(name).append("_count{").append(label).append("} ").append(count).append('\n');
        }
        out.append("# HELP keel_supervisor_worker_last_start_seconds The latest worker's wall time to ready, by start.\n")
                .append("# TYPE keel_supervisor_worker_last_start_seconds gauge\n");
        for (String path : List.of(COLD, STANDBY)) {
            out.append("keel_supervisor_worker_last_start_seconds{start=\"").append(path).append("\"} ")
                    .append(starts.get(path).lastSeconds).append('\n');
        }
    }

    private static void labelled(StringBuilder out, String name, String label, Map<String, AtomicLong> values) {
        new TreeMap<>(values).forEach((value, count) -> out.append(name).append('{').append(label).append("=\"")
                .append(value).append("\"} ").append(count.get()).append('\n'));
    }
}
