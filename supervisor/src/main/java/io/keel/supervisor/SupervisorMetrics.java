package io.keel.supervisor;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * The supervisor's own figures in Prometheus text format, served on its control port: they are about processes, so
 * no worker reports them and nothing is counted twice. Thread-safe (atomic counters).
 */
final class SupervisorMetrics {
    private final Map<String, AtomicLong> restarts = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> reloads = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> recycles = new ConcurrentHashMap<>();
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
        return out.toString();
    }

    private static void labelled(StringBuilder out, String name, String label, Map<String, AtomicLong> values) {
        new TreeMap<>(values).forEach((value, count) -> out.append(name).append('{').append(label).append("=\"")
                .append(value).append("\"} ").append(count.get()).append('\n'));
    }
}
