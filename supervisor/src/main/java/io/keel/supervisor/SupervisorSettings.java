package io.keel.supervisor;

import io.keel.runtime.KeelConfig;
import io.keel.runtime.KeelSettingTable;
import io.keel.runtime.config.Setting;
import io.keel.runtime.config.Settings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.keel.supervisor.SupervisorSettingTable.*;

/**
 * The supervisor's own settings, read from the same layers as the store's ({@code KEEL_*}, {@code --config},
 * {@code --key=value}); the store settings it needs (port, host, data dir, drain delay, shutdown grace) come from
 * {@link KeelConfig}. Immutable; invalid values fail at start naming the key, the value and the range.
 *
 * @param workers         worker JVMs ({@code KEEL_WORKERS}; 1 on embedded H2, 2 on PostgreSQL; 0 means the
 *                        launcher runs one unsupervised JVM)
 * @param standbyWorkers  prepared standby workers kept to replace a worker without a cold start
 *                        ({@code KEEL_STANDBY_WORKERS}, 1; 0 = cold restarts only)
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
public record SupervisorSettings(int workers, int standbyWorkers, Duration backoffInitial, Duration backoffMax,
                                 Duration stablePeriod, int crashLoopLimit, Duration readyTimeout, long workerRssLimit, long workerHeapLimit,
                                 Duration workerHeapSustain, String controlHost,
                                 int controlPort, long logMaxSize, int logFiles, boolean aotCache,
                                 KeelConfig store) {
    /** Keys the supervisor consumes; every other flag is passed on to the workers. */
    static final Set<String> KEYS = Stream.concat(SupervisorSettingTable.ALL.stream(),
            Stream.of(KeelSettingTable.PID_FILE)).map(Setting::key).collect(Collectors.toUnmodifiableSet());

    public static SupervisorSettings from(Settings s) {
        Duration initial = s.duration(RESTART_BACKOFF);
        return new SupervisorSettings(
                // db-url is the store's setting (declared there); the supervisor only peeks at it to choose a default
                s.integer(WORKERS.withDefault(defaultWorkers(s.string("db-url", "")))),
                s.integer(STANDBY_WORKERS),
                initial,
                s.duration(RESTART_BACKOFF_MAX.withMin(initial.toMillis())),
                s.duration(RESTART_STABLE),
                s.integer(RESTART_CRASH_LIMIT),
                s.duration(WORKER_READY_TIMEOUT),
                s.bytes(WORKER_RSS_LIMIT),
                s.bytes(WORKER_HEAP_LIMIT),
                s.duration(WORKER_HEAP_SUSTAIN),
                s.string(SUPERVISOR_HOST),
                s.integer(SUPERVISOR_PORT),
                s.bytes(LOG_MAX_SIZE),
                s.integer(LOG_FILES),
                s.bool(AOT_CACHE),
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
