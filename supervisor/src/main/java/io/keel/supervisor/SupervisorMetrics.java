package io.keel.supervisor;

import java.time.Duration;
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
    private final Map<String, AtomicLong> restarts = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> reloads = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> recycles = new ConcurrentHashMap<>();
    /** Upper bounds in seconds of the start-up histogram's buckets; the goal for a restart is 1 s. */
    private static final double[] START_BUCKETS = {0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30};
    private final AtomicLongArray startBuckets = new AtomicLongArray(START_BUCKETS.length);
    private final AtomicLong startCount = new AtomicLong();
    private final AtomicLong startNanosSum = new AtomicLong();
    private volatile double lastStartSeconds = Double.NaN;
    private final IntSupplier workersAlive;
    private final IntSupplier workersGivenUp;

    SupervisorMetrics(IntSupplier workersAlive, IntSupplier workersGivenUp) {
        this.workersAlive = workersAlive;
        this.workersGivenUp = workersGivenUp;
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

    /** A worker became ready {@code took} after it was spawned (first starts, restarts, reloads, recycles). */
    void workerStarted(Duration took) {
        double seconds = took.toNanos() / 1e9;
        for (int i = 0; i < START_BUCKETS.length; i++) {
            if (seconds <= START_BUCKETS[i]) {
                startBuckets.incrementAndGet(i);
            }
        }
        startNanosSum.addAndGet(took.toNanos());
        startCount.incrementAndGet();
        lastStartSeconds = seconds;
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
        out.append("# HELP keel_supervisor_workers_alive Worker processes running.\n")
                .append("# TYPE keel_supervisor_workers_alive gauge\n")
                .append("keel_supervisor_workers_alive ").append(workersAlive.getAsInt()).append('\n')
                .append("# HELP keel_supervisor_workers_given_up Worker slots left empty after a crash loop.\n")
                .append("# TYPE keel_supervisor_workers_given_up gauge\n")
                .append("keel_supervisor_workers_given_up ").append(workersGivenUp.getAsInt()).append('\n');
        startSeconds(out);
        return out.toString();
    }

    private void startSeconds(StringBuilder out) {
        String name = "keel_supervisor_worker_start_seconds";
        out.append("# HELP ").append(name).append(" Wall time from spawning a worker JVM to its ready line.\n")
                .append("# TYPE ").append(name).append(" histogram\n");
        long count = startCount.get();
        for (int i = 0; i < START_BUCKETS.length; i++) {
            out.append(name).append("_bucket{le=\"").append(START_BUCKETS[i]).append("\"} ")
                    .append(startBuckets.get(i)).append('\n');
        }
        out.append(name).append("_bucket{le=\"+Inf\"} ").append(count).append('\n')
                .append(name).append("_sum ").append(startNanosSum.get() / 1e9).append('\n')
                .append(name).append("_count ").append(count).append('\n')
                .append("# HELP keel_supervisor_worker_last_start_seconds The latest worker's wall time to ready.\n")
                .append("# TYPE keel_supervisor_worker_last_start_seconds gauge\n")
                .append("keel_supervisor_worker_last_start_seconds ").append(lastStartSeconds).append('\n');
    }

    private static void labelled(StringBuilder out, String name, String label, Map<String, AtomicLong> values) {
        new TreeMap<>(values).forEach((value, count) -> out.append(name).append('{').append(label).append("=\"")
                .append(value).append("\"} ").append(count.get()).append('\n'));
    }
}
