package io.keel.supervisor;

import io.keel.runtime.config.Setting;

import java.time.Duration;
import java.util.List;

/**
 * The supervisor's settings, each declared once: {@link SupervisorSettings#from} reads them through these
 * declarations; the README's settings table and {@code --help} show them from here.
 */
public final class SupervisorSettingTable {
    private static final long MB = 1024 * 1024;

    public static final Setting WORKERS = Setting.count("workers", 1, 0, 64,
            "worker JVMs under the supervisor; `0` = one unsupervised JVM (see \"Supervision\")")
            .documentedDefault("1 on embedded H2, 2 on PostgreSQL");
    public static final Setting STANDBY_WORKERS = Setting.count("standby-workers", 1, 0, 8,
            "prepared worker JVMs waiting to replace a dead or recycled worker without a cold start (each costs its RSS "
                    + "and a share of the memory limit); `0` = cold restarts only (see \"Supervision\")");
    public static final Setting RESTART_BACKOFF = Setting.duration("restart-backoff", Duration.ofMillis(100),
            Duration.ofMillis(10), Duration.ofMinutes(1), "wait before restarting a dead worker; doubles per "
                    + "consecutive crash up to `restart-backoff-max`");
    public static final Setting RESTART_BACKOFF_MAX = Setting.duration("restart-backoff-max", Duration.ofSeconds(10),
            Duration.ofMillis(10), Duration.ofMinutes(10), "cap of the restart backoff; at least `restart-backoff`");
    public static final Setting RESTART_STABLE = Setting.duration("restart-stable", Duration.ofSeconds(30),
            Duration.ofSeconds(1), Duration.ofHours(1), "a worker up this long resets its backoff and crash count");
    public static final Setting RESTART_CRASH_LIMIT = Setting.count("restart-crash-limit", 5, 1, 1000,
            "consecutive short-lived crashes before a worker slot is given up (the others keep serving)");
    public static final Setting WORKER_READY_TIMEOUT = Setting.duration("worker-ready-timeout",
            Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofMinutes(30),
            "a new worker not ready within this is stopped (reload rollback)");
    public static final Setting WORKER_RSS_LIMIT = Setting.size("worker-rss-limit", 0, 0, 1L << 44,
            "worker RSS above which the supervisor replaces it as on reload (new one ready first, then the old "
                    + "drains; on embedded H2 a hand-over); 0 = off");
    public static final Setting WORKER_HEAP_LIMIT = Setting.size("worker-heap-limit", 0, 0, 1L << 44,
            "worker heap after GC above which, held for `worker-heap-sustain`, the supervisor replaces it the same "
                    + "way; 0 = off");
    public static final Setting WORKER_HEAP_SUSTAIN = Setting.duration("worker-heap-sustain", Duration.ofSeconds(5),
            Duration.ZERO, Duration.ofHours(1), "how long heap after GC must stay above `worker-heap-limit`");
    public static final Setting SUPERVISOR_HOST = Setting.text("supervisor-host", "127.0.0.1",
            "supervisor control address: `/status`, `/metrics`, `POST /reload`");
    public static final Setting SUPERVISOR_PORT = Setting.count("supervisor-port", 9180, 0, 65535,
            "supervisor control port; 0 = any free port");
    public static final Setting LOG_MAX_SIZE = Setting.size("log-max-size", 10 * MB, 4096, 1L << 40,
            "worker log `data/logs/keel.log` is rotated at this size");
    public static final Setting LOG_FILES = Setting.count("log-files", 5, 1, 100, "rotated worker log files kept");
    public static final Setting AOT_CACHE = Setting.bool("aot-cache", true,
            "build a JDK AOT cache for the workers in the background (`data/aot`) and start later workers with it");

    /** Every supervisor setting, in the order the README lists them. */
    public static final List<Setting> ALL = List.of(WORKERS, STANDBY_WORKERS, RESTART_BACKOFF, RESTART_BACKOFF_MAX, RESTART_STABLE,
            RESTART_CRASH_LIMIT, WORKER_READY_TIMEOUT, WORKER_RSS_LIMIT, WORKER_HEAP_LIMIT, WORKER_HEAP_SUSTAIN,
            SUPERVISOR_HOST, SUPERVISOR_PORT, LOG_MAX_SIZE, LOG_FILES, AOT_CACHE);

    private SupervisorSettingTable() {
    }
}
