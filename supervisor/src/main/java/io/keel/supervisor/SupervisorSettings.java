package io.keel.supervisor;

import io.keel.runtime.KeelConfig;
import io.keel.runtime.config.Settings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The supervisor's own settings, read from the same layers as the store's ({@code KEEL_*}, {@code --config},
 * {@code --key=value}); the store settings it needs (port, host, data dir, drain delay, shutdown grace) come from
 * {@link KeelConfig}. Immutable; invalid values fail at start naming the key, the value and the range.
 *
 * @param workers         worker JVMs ({@code KEEL_WORKERS}; 1 on embedded H2, 2 on PostgreSQL; 0 means the
 *                        launcher runs one unsupervised JVM)
 * @param backoffInitial  wait before the first restart of a crashed worker ({@code KEEL_RESTART_BACKOFF}, 100ms)
 * @param backoffMax      the backoff doubles per consecutive crash up to this cap ({@code KEEL_RESTART_BACKOFF_MAX}, 10s)
 * @param stablePeriod    a worker up this long resets its backoff and crash count ({@code KEEL_RESTART_STABLE}, 30s)
 * @param crashLoopLimit  consecutive crashes before a slot is given up ({@code KEEL_RESTART_CRASH_LIMIT}, 5)
 * @param readyTimeout    a new worker not ready within this is stopped (reload rollback) ({@code KEEL_WORKER_READY_TIMEOUT}, 60s)
 * @param workerRssLimit  RSS above which a worker is recycled, 0 = off ({@code KEEL_WORKER_RSS_LIMIT}, 0)
 * @param workerHeapLimit heap after GC above which a worker is recycled once it stayed there {@code workerHeapSustain},
 *                        0 = off ({@code KEEL_WORKER_HEAP_LIMIT}, 0)
 * @param workerHeapSustain how long heap after GC must stay over its limit ({@code KEEL_WORKER_HEAP_SUSTAIN}, 5s)
 * @param controlHost     where status, reload and the supervisor's metrics listen ({@code KEEL_SUPERVISOR_HOST}, 127.0.0.1)
 * @param controlPort     their port, 0 = any free one, written to {@code <data-dir>/supervisor.port}
 *                        ({@code KEEL_SUPERVISOR_PORT}, 9180)
 * @param logMaxSize      worker log file size before rotation ({@code KEEL_LOG_MAX_SIZE}, 10m)
 * @param logFiles        rotated log files kept ({@code KEEL_LOG_FILES}, 5)
 * @param aotCache        make and use a JDK AOT cache for the workers ({@code KEEL_AOT_CACHE}, on)
 */
public record SupervisorSettings(int workers, Duration backoffInitial, Duration backoffMax, Duration stablePeriod,
                                 int crashLoopLimit, Duration readyTimeout, long workerRssLimit, long workerHeapLimit,
                                 Duration workerHeapSustain, String controlHost,
                                 int controlPort, long logMaxSize, int logFiles, boolean aotCache,
                                 KeelConfig store) {
    /** Keys the supervisor consumes; every other flag is passed on to the workers. */
    static final Set<String> KEYS = Set.of("workers", "restart-backoff", "restart-backoff-max", "restart-stable",
            "restart-crash-limit", "worker-ready-timeout", "worker-rss-limit", "worker-heap-limit", "worker-heap-sustain",
            "supervisor-host", "supervisor-port",
            "log-max-size", "log-files", "aot-cache", "pid-file");
    private static final long MB = 1024 * 1024;

    public static SupervisorSettings from(Settings s) {
        Duration initial = s.duration("restart-backoff", Duration.ofMillis(100), Duration.ofMillis(10),
                Duration.ofMinutes(1));
        return new SupervisorSettings(
                s.integer("workers", defaultWorkers(s.string("db-url", "")), 0, 64),
                initial,
                s.duration("restart-backoff-max", Duration.ofSeconds(10), initial, Duration.ofMinutes(10)),
                s.duration("restart-stable", Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofHours(1)),
                s.integer("restart-crash-limit", 5, 1, 1000),
                s.duration("worker-ready-timeout", Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofMinutes(30)),
                s.bytes("worker-rss-limit", 0, 0, 1L << 44),
                s.bytes("worker-heap-limit", 0, 0, 1L << 44),
                s.duration("worker-heap-sustain", Duration.ofSeconds(5), Duration.ZERO, Duration.ofHours(1)),
                s.string("supervisor-host", "127.0.0.1"),
                s.integer("supervisor-port", 9180, 0, 65535),
                s.bytes("log-max-size", 10 * MB, 4096, 1L << 40),
                s.integer("log-files", 5, 1, 100),
                s.bool("aot-cache", true),
                KeelConfig.from(s));
    }

    /**
     * Embedded H2 is one file that one process opens: a second worker could only reach it over H2's TCP server
     * (AUTO_SERVER), measured at 4-6x the CPU per light request (README, "Supervision"). PostgreSQL takes any
     * number of workers; two keep the service answering while one restarts.
     */
    static int defaultWorkers(String dbUrl) {
        String url = dbUrl.strip().toLowerCase(Locale.ROOT);
        return url.startsWith("postgres") || url.startsWith("jdbc:postgresql:") ? 2 : 1;
    }

    /** How long a graceful stop of every worker may take: they drain in parallel. */
    Duration stopWithin() {
        return store.drainDelay().plus(store.shutdownGrace());
    }

    Path dataDir() {
        return store.dataDir();
    }

    /** Flags ({@code --key=value}) minus the supervisor's own keys. */
    static List<String> workerFlags(List<String> flags) {
        return flags.stream().filter(flag -> !KEYS.contains(key(flag))).toList();
    }

    private static String key(String flag) {
        int eq = flag.indexOf('=');
        return flag.substring(2, eq > 0 ? eq : flag.length());
    }
}
