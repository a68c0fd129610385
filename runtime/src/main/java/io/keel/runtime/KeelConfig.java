package io.keel.runtime;

import io.keel.runtime.config.Settings;
import io.keel.runtime.http.TrustedProxies;
import io.keel.runtime.limit.LimitSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The runtime's effective configuration: immutable, validated, built by {@link #from(Settings)} from defaults, an
 * optional file, {@code KEEL_*} environment variables and flags, in that order.
 *
 * @param host             address to bind ({@code KEEL_HOST}, default 0.0.0.0)
 * @param port             port to bind, 0 picks a free one ({@code KEEL_PORT}, default 8080)
 * @param dataDir          where databases, uploads, heap dumps and recordings go ({@code KEEL_DATA_DIR}, ./data)
 * @param adminToken       operator token for admin routes; absent keeps them closed ({@code KEEL_ADMIN_TOKEN})
 * @param maxBodySize      largest buffered request body, e.g. JSON ({@code KEEL_MAX_BODY_SIZE}, 1m)
 * @param maxStreamSize    largest streamed request body, e.g. uploads ({@code KEEL_MAX_STREAM_SIZE}, 256m)
 * @param maxHeaderSize    all request headers together ({@code KEEL_MAX_HEADER_SIZE}, 16k) - 431 beyond
 * @param maxRequestLine   request line incl. URI ({@code KEEL_MAX_REQUEST_LINE}, 8k) - 414 beyond
 * @param shutdownGrace    how long in-flight requests may finish after SIGTERM ({@code KEEL_SHUTDOWN_GRACE}, 20s)
 * @param drainDelay       readiness is false this long before the listener closes ({@code KEEL_DRAIN_DELAY}, 0s)
 * @param cpuThreads       CPU pool threads ({@code KEEL_CPU_THREADS}, number of cores)
 * @param cpuQueue         CPU pool queue capacity ({@code KEEL_CPU_QUEUE}, 8 per thread)
 * @param cpuMaxQueueWait  longest a CPU task may wait to start before it is refused ({@code KEEL_CPU_MAX_QUEUE_WAIT}, 2s)
 * @param cpuTaskTimeout   run-time budget of a CPU task; past it the caller gets a 503 and the task is interrupted
 *                         ({@code KEEL_CPU_TASK_TIMEOUT}, 30s)
 * @param cpuTaskTimeouts  per task type budgets, e.g. {@code thumbnail=10s,invoice=10s}
 *                         ({@code KEEL_CPU_TASK_TIMEOUTS}, none)
 * @param limit            adaptive concurrency limit: {@code KEEL_LIMIT_INITIAL} (200), {@code KEEL_LIMIT_MIN} (100),
 *                         {@code KEEL_LIMIT_MAX} (2000), {@code KEEL_LIMIT_HEAVY_PERCENT} (50: share heavy routes may
 *                         hold)
 * @param maxStreams       concurrent streaming requests: exports, uploads, event streams ({@code KEEL_MAX_STREAMS}, 256)
 * @param heapLimitPercent heap live after GC, in percent of the max heap, beyond which allocating work is shed and
 *                         readiness fails ({@code KEEL_HEAP_LIMIT_PERCENT}, 90)
 * @param rssLimit         resident set size beyond which the same happens; 0 = none ({@code KEEL_RSS_LIMIT}, 0)
 * @param reusePort        bind with SO_REUSEPORT so several worker processes share one port
 *                         ({@code KEEL_REUSE_PORT}, off; the supervisor turns it on for its workers)
 * @param management       the optional management listener ({@code KEEL_MANAGEMENT_PORT}, off;
 *                         {@code KEEL_MANAGEMENT_HOST}, 127.0.0.1)
 * @param headerTimeout    total time a client gets to send a request's line and headers; past it 408 and close
 *                         ({@code KEEL_HEADER_TIMEOUT}, 10s)
 * @param idleTimeout      how long a kept-alive connection may wait for its next request ({@code KEEL_IDLE_TIMEOUT},
 *                         60s)
 * @param maxConnections   open connections per listener; more are refused with 503 and closed
 *                         ({@code KEEL_MAX_CONNECTIONS}, 10000)
 * @param trustedProxies   peers whose {@code Forwarded} / {@code X-Forwarded-For} names the client
 *                         ({@code KEEL_TRUSTED_PROXIES}, none)
 */
public record KeelConfig(
        String host,
        int port,
        Path dataDir,
        Optional<String> adminToken,
        long maxBodySize,
        long maxStreamSize,
        int maxHeaderSize,
        int maxRequestLine,
        Duration shutdownGrace,
        Duration drainDelay,
        int cpuThreads,
        int cpuQueue,
        Duration cpuMaxQueueWait,
        Duration cpuTaskTimeout,
        java.util.Map<String, Duration> cpuTaskTimeouts,
        LimitSettings limit,
        int maxStreams,
        int heapLimitPercent,
        long rssLimit,
        boolean reusePort,
        Management management,
        Duration headerTimeout,
        Duration idleTimeout,
        int maxConnections,
        TrustedProxies trustedProxies) {

    /**
     * The management listener: {@code /metrics}, {@code /api/stats} and {@code /} without a token, for a scraper on
     * the same host or network; {@code port} is empty when it is off.
     */
    public record Management(String host, OptionalInt port) {
    }

    private static final long KB = 1024;
    private static final long MB = KB * KB;
    private static final long GB = MB * KB;

    /** Reads every runtime key from the settings; fails at the first invalid value, naming key, value and range. */
    public static KeelConfig from(Settings s) {
        int cores = Runtime.getRuntime().availableProcessors();
        int cpuThreads = s.integer("cpu-threads", cores, 1, 1024);
        // The floor is where Gradient2 settles while heavy work raises latency, so it must hold a burst of light
        // requests (1,000 req/s through a 50 ms GC pause is 50 in flight) plus the heavy share.
        int limitMin = s.integer("limit-min", 100, 2, 100_000);
        int limitMax = s.integer("limit-max", 2000, limitMin, 100_000);
        LimitSettings limit = LimitSettings.defaults()
                .withLimits(s.integer("limit-initial", Math.max(limitMin, Math.min(200, limitMax)), limitMin, limitMax),
                        limitMin, limitMax)
                .withHeavyShare(s.integer("limit-heavy-percent", 50, 1, 99) / 100.0);
        return new KeelConfig(
                s.string("host", "0.0.0.0"),
                s.integer("port", 8080, 0, 65535),
                s.path("data-dir", "./data"),
                s.secret("admin-token"),
                s.bytes("max-body-size", MB, KB, 64 * MB),
                s.bytes("max-stream-size", 256 * MB, KB, 1024 * GB),
                (int) s.bytes("max-header-size", 16 * KB, KB, MB),
                (int) s.bytes("max-request-line", 8 * KB, 256, MB),
                s.duration("shutdown-grace", Duration.ofSeconds(20), Duration.ZERO, Duration.ofMinutes(10)),
                s.duration("drain-delay", Duration.ZERO, Duration.ZERO, Duration.ofMinutes(5)),
                cpuThreads,
                s.integer("cpu-queue", cpuThreads * 8, 1, 1_000_000),
                s.duration("cpu-max-queue-wait", Duration.ofSeconds(2), Duration.ofMillis(1), Duration.ofMinutes(5)),
                s.duration("cpu-task-timeout", Duration.ofSeconds(30), Duration.ofMillis(10), Duration.ofHours(1)),
                s.durations("cpu-task-timeouts", "", Duration.ofMillis(10), Duration.ofHours(1)),
                limit,
                s.integer("max-streams", 256, 1, 100_000),
                s.integer("heap-limit-percent", 90, 10, 100),
                s.bytes("rss-limit", 0, 0, 1L << 50),
                s.bool("reuse-port", false),
                management(s),
                s.duration("header-timeout", Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofMinutes(10)),
                s.duration("idle-timeout", Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofHours(1)),
                s.integer("max-connections", 10_000, 1, 1_000_000),
                TrustedProxies.parse(s.string("trusted-proxies", "")));
    }

    private static Management management(Settings s) {
        int port = s.integer("management-port", -1, -1, 65535);
        return new Management(s.string("management-host", "127.0.0.1"),
                port < 0 ? OptionalInt.empty() : OptionalInt.of(port));
    }

    /** Defaults only, ignoring the environment: for tests and embedding. */
    public static KeelConfig defaults() {
        return from(Settings.of(java.util.Map.of()));
    }
}
