package io.keel.runtime;

import io.keel.runtime.config.Setting;
import io.keel.runtime.cpu.CpuPoolSettings;
import io.keel.runtime.limit.LimitSettings;

import java.time.Duration;
import java.util.List;

/**
 * The runtime's settings, each declared once: {@link KeelConfig#from} reads them through these declarations, and
 * {@code /admin/config}, the README's settings table and {@code --help} show them from here.
 */
public final class KeelSettingTable {
    private static final long KB = 1024;
    private static final long MB = KB * KB;
    private static final long GB = MB * KB;
    private static final long TB = GB * KB;
    private static final LimitSettings LIMIT = LimitSettings.defaults();

    public static final Setting PORT = Setting.count("port", 8080, 0, 65535,
            "listen port; 0 picks a free one (logged)");
    public static final Setting HOST = Setting.text("host", "0.0.0.0", "listen address");
    public static final Setting DATA_DIR = Setting.path("data-dir", "./data",
            "embedded database, uploads, heap dumps, profiles");
    public static final Setting ADMIN_TOKEN = Setting.secret("admin-token",
            "operator token for admin routes, `/metrics` and `/api/stats`; unset = closed to all but admin users");
    public static final Setting MAX_BODY_SIZE = Setting.size("max-body-size", MB, KB, 64 * MB,
            "largest JSON body (413 beyond)");
    public static final Setting MAX_STREAM_SIZE = Setting.size("max-stream-size", 256 * MB, KB, 1024 * GB,
            "largest streamed body the server accepts at all");
    public static final Setting MAX_HEADER_SIZE = Setting.size("max-header-size", 16 * KB, KB, MB,
            "request headers (431 beyond)");
    public static final Setting MAX_REQUEST_LINE = Setting.size("max-request-line", 8 * KB, 256, MB,
            "request line (414 beyond)");
    public static final Setting SHUTDOWN_GRACE = Setting.duration("shutdown-grace", Duration.ofSeconds(20),
            Duration.ZERO, Duration.ofMinutes(10), "time in-flight requests get after SIGTERM");
    public static final Setting DRAIN_DELAY = Setting.duration("drain-delay", Duration.ZERO, Duration.ZERO,
            Duration.ofMinutes(5), "readiness is false this long before the listener closes");
    public static final Setting CPU_THREADS = Setting.count("cpu-threads", 1, 1, CpuPoolSettings.MAX_THREADS,
            "CPU pool threads").documentedDefault("cores");
    public static final Setting CPU_QUEUE = Setting.count("cpu-queue", 8, 1, CpuPoolSettings.MAX_QUEUE,
            "CPU pool queue; full = immediate 503").documentedDefault("8 × threads");
    public static final Setting CPU_MAX_QUEUE_WAIT = Setting.duration("cpu-max-queue-wait", Duration.ofSeconds(2),
            Duration.ofMillis(1), Duration.ofMinutes(5), "a CPU task that cannot start within this is refused with 503");
    public static final Setting CPU_TASK_TIMEOUT = Setting.duration("cpu-task-timeout", Duration.ofSeconds(30),
            Duration.ofMillis(10), Duration.ofHours(1),
            "run-time budget of a CPU task; past it the caller gets 503 and the task is interrupted");
    public static final Setting CPU_TASK_TIMEOUTS = Setting.durations("cpu-task-timeouts", Duration.ofMillis(10),
            Duration.ofHours(1), "per task type budgets, e.g. `thumbnail=10s,invoice=10s`");
    public static final Setting CPU_NICE = Setting.count("cpu-nice", CpuPoolSettings.DEFAULT_NICE, 0,
            CpuPoolSettings.MAX_NICE, "Linux nice value of the CPU pool threads, so heavy work yields the cores to "
                    + "requests; 0 = unchanged");
    public static final Setting CPU_FAIR_QUANTUM = Setting.duration("cpu-fair-quantum",
            CpuPoolSettings.DEFAULT_FAIR_QUANTUM, Duration.ofMillis(1), Duration.ofSeconds(10),
            "run time a task type's turn in the CPU pool's queue is worth: types whose tasks run shorter get several "
                    + "tasks per turn, longer ones one each");
    // The floor is where Gradient2 settles while heavy work raises latency, so it must hold a burst of light
    // requests (1,000 req/s through a 50 ms GC pause is 50 in flight) plus the heavy share.
    public static final Setting LIMIT_MIN = Setting.count("limit-min", LIMIT.minLimit(), 2,
            LimitSettings.MAX_LIMIT, "floor of the adaptive (Gradient2) concurrency limit");
    public static final Setting LIMIT_MAX = Setting.count("limit-max", LIMIT.maxLimit(), 2,
            LimitSettings.MAX_LIMIT, "ceiling of the adaptive concurrency limit; at least `limit-min`");
    public static final Setting LIMIT_INITIAL = Setting.count("limit-initial", LIMIT.initialLimit(), 2,
            LimitSettings.MAX_LIMIT, "starting concurrency limit, within `limit-min`..`limit-max`");
    public static final Setting LIMIT_HEAVY_PERCENT = Setting.count("limit-heavy-percent",
            Math.round(LIMIT.heavyShare() * 100), 1, 99, "share of the limit heavy routes may hold");
    public static final Setting MAX_STREAMS = Setting.count("max-streams", 256, 1, 100_000,
            "concurrent exports, uploads and event streams");
    public static final Setting HOLD_MAX_REQUESTS = Setting.count("hold-max-requests", 1_000, 1, 100_000,
            "requests held while the service is not open yet (a worker taking over a database); more get 503");
    public static final Setting HEAP_LIMIT_PERCENT = Setting.count("heap-limit-percent", 90, 10, 100,
            "heap live after GC beyond which heavy/stream work is shed and readiness fails");
    public static final Setting RSS_LIMIT = Setting.size("rss-limit", 0, 0, 1L << 50,
            "resident set size with the same effect; 0 = off");
    public static final Setting REUSE_PORT = Setting.bool("reuse-port", false,
            "bind with `SO_REUSEPORT` (the supervisor turns it on for its workers)");
    public static final Setting MANAGEMENT_PORT = Setting.count("management-port", -1, -1, 65535,
            "management listener: `/metrics`, `/api/stats`, `/` without a token (admin routes still need one); "
                    + "-1 = off").documentedDefault("-1 (off)");
    public static final Setting MANAGEMENT_HOST = Setting.text("management-host", "127.0.0.1",
            "management listener address");
    public static final Setting HEADER_TIMEOUT = Setting.duration("header-timeout", Duration.ofSeconds(10),
            Duration.ofMillis(100), Duration.ofMinutes(10), "a request's line and headers must arrive within this; "
                    + "408 and close beyond (`keel_http_header_timeouts_total`)");
    public static final Setting IDLE_TIMEOUT = Setting.duration("idle-timeout", Duration.ofSeconds(60),
            Duration.ofSeconds(1), Duration.ofHours(1),
            "a kept-alive connection waiting longer for its next request is closed");
    public static final Setting MAX_CONNECTIONS = Setting.count("max-connections", 10_000, 1, 1_000_000,
            "open connections per listener; one more is answered 503 and closed "
                    + "(`keel_http_connections_refused_total`)");
    public static final Setting TRUSTED_PROXIES = Setting.text("trusted-proxies", "",
            "proxies (addresses or CIDR blocks) whose `Forwarded` / `X-Forwarded-For` names the client");
    public static final Setting CONNECTION_DRAIN = Setting.duration("connection-drain", Duration.ofSeconds(2),
            Duration.ZERO, Duration.ofMinutes(1), "after the drain delay the listener keeps serving at most this long, "
                    + "every response saying `Connection: close`, so kept-alive clients leave on their own; it ends as "
                    + "soon as no connection is open and none arrived for a moment");
    public static final Setting STOP_REQUEST_WAIT = Setting.duration("stop-request-wait", Duration.ofSeconds(1),
            Duration.ZERO, Duration.ofMinutes(1), "when the listener closes at shutdown, a connection it accepted "
                    + "whose first request has not arrived gets this long for it (answered with `Connection: close`), "
                    + "then is closed; 0 = closed at once; within `shutdown-grace`");
    public static final Setting MAX_HEAP = Setting.size("max-heap", 0, 0, TB,
            "heap ceiling (`-Xmx`); 0 = sized from the cgroup memory limit (or the machine's memory) minus the "
                    + "other areas below").documentedDefault("0 (from the limit)");
    public static final Setting MAX_METASPACE = Setting.size("max-metaspace", 192 * MB, 32 * MB, 64 * GB,
            "class metadata ceiling (`-XX:MaxMetaspaceSize`)");
    public static final Setting CODE_CACHE = Setting.size("code-cache", 96 * MB, 16 * MB, 2 * GB,
            "JIT code cache (`-XX:ReservedCodeCacheSize`)");
    public static final Setting MAX_DIRECT_MEMORY = Setting.size("max-direct-memory", 64 * MB, MB, TB,
            "NIO direct buffers (`-XX:MaxDirectMemorySize`)");
    public static final Setting THREAD_STACK_RESERVE = Setting.size("thread-stack-reserve", 64 * MB, 0, 64 * GB,
            "room kept for platform thread stacks (virtual thread stacks live on the heap)");
    public static final Setting NATIVE_OVERHEAD_PERCENT = Setting.count("native-overhead-percent", 10, 0, 50,
            "share of the memory budget kept for GC structures, malloc arenas and other native memory");
    public static final Setting HEAP_DUMPS_KEPT = Setting.count("heap-dumps-kept", 3, 1, 100,
            "heap dumps kept in `<data>/dumps` (on OutOfMemoryError and on demand), newest first");
    public static final Setting LEAK_WINDOW = Setting.duration("leak-window", Duration.ofMinutes(30),
            Duration.ofSeconds(20), Duration.ofDays(7),
            "sliding window over which the slope of the heap-after-GC floor is fitted");
    public static final Setting LEAK_SLOPE = Setting.size("leak-slope", 64 * MB, KB, TB,
            "floor growth per hour that sets `keel_memory_leak_suspected`");
    public static final Setting PID_FILE = Setting.text("pid-file", "",
            "set by `./keel start`: the pid file the running JVM holds locked (`PidFile`)");
    public static final Setting PARENT_WATCH = Setting.bool("parent-watch", false,
            "set by the supervisor for its workers: stop when standard input closes (`ParentWatch`)");
    public static final Setting STANDBY = Setting.bool("standby", false,
            "set by the supervisor for a standby worker: prepare, then wait for `activate` (or `handover`) on standard "
                    + "input before opening an exclusive database and listening (see \"Supervision\")");

    /** Every runtime setting, in the order the README lists them. */
    public static final List<Setting> ALL = List.of(
            PORT, HOST, DATA_DIR, ADMIN_TOKEN, MAX_BODY_SIZE, MAX_STREAM_SIZE, MAX_HEADER_SIZE, MAX_REQUEST_LINE,
            SHUTDOWN_GRACE, DRAIN_DELAY, CPU_THREADS, CPU_QUEUE, CPU_MAX_QUEUE_WAIT, CPU_TASK_TIMEOUT,
            CPU_TASK_TIMEOUTS, CPU_NICE, CPU_FAIR_QUANTUM, LIMIT_INITIAL, LIMIT_MIN, LIMIT_MAX, LIMIT_HEAVY_PERCENT,
            MAX_STREAMS, HOLD_MAX_REQUESTS, HEAP_LIMIT_PERCENT, RSS_LIMIT, REUSE_PORT, MANAGEMENT_PORT, MANAGEMENT_HOST,
            HEADER_TIMEOUT, IDLE_TIMEOUT, MAX_CONNECTIONS, TRUSTED_PROXIES, CONNECTION_DRAIN, STOP_REQUEST_WAIT,
            MAX_HEAP, MAX_METASPACE, CODE_CACHE, MAX_DIRECT_MEMORY, THREAD_STACK_RESERVE, NATIVE_OVERHEAD_PERCENT,
            HEAP_DUMPS_KEPT, LEAK_WINDOW, LEAK_SLOPE, PID_FILE, PARENT_WATCH, STANDBY);

    private KeelSettingTable() {
    }
}
