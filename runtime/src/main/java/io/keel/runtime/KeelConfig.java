package io.keel.runtime;

import io.keel.runtime.config.Settings;
import io.keel.runtime.http.TrustedProxies;
import io.keel.runtime.limit.LimitSettings;
import io.keel.runtime.memory.MemorySettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static io.keel.runtime.KeelSettingTable.*;

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
 * @param cpuNice          Linux nice value of the CPU pool threads ({@code KEEL_CPU_NICE}, 19; 0 = unchanged)
 * @param cpuFairQuantum   run time a task type's turn in the CPU pool's queue is worth; cheaper types run several
 *                         tasks per turn ({@code KEEL_CPU_FAIR_QUANTUM}, 5ms)
 * @param limit            adaptive concurrency limit: {@code KEEL_LIMIT_INITIAL} (200), {@code KEEL_LIMIT_MIN} (100),
 *                         {@code KEEL_LIMIT_MAX} (2000), {@code KEEL_LIMIT_HEAVY_PERCENT} (50: share heavy routes may
 *                         hold)
 * @param maxStreams       concurrent streaming requests: exports, uploads, event streams ({@code KEEL_MAX_STREAMS}, 256)
 * @param holdMaxRequests  requests a {@linkplain Keel#holdRequests hold} keeps waiting at once; more get 503
 *                         ({@code KEEL_HOLD_MAX_REQUESTS}, 1000)
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
 * @param connectionDrain  after the drain delay, how long at most the listener keeps serving kept-alive connections
 *                         (each response then says {@code Connection: close}) before it closes; ends as soon as no
 *                         connection is open and none arrived for a moment ({@code KEEL_CONNECTION_DRAIN}, 2s)
 * @param stopRequestWait  when the listener closes at shutdown, how long a connection it accepted whose first request
 *                         has not arrived still waits for it ({@code KEEL_STOP_REQUEST_WAIT}, 1s; 0 = closed at once)
 * @param memory           heap sizing, heap dumps kept and leak detection ({@link MemorySettings})
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
        Map<String, Duration> cpuTaskTimeouts,
        int cpuNice,
        Duration cpuFairQuantum,
        LimitSettings limit,
        int maxStreams,
        int holdMaxRequests,
        int heapLimitPercent,
        long rssLimit,
        boolean reusePort,
        Management management,
        Duration headerTimeout,
        Duration idleTimeout,
        int maxConnections,
        TrustedProxies trustedProxies,
        Duration connectionDrain,
        Duration stopRequestWait,
        MemorySettings memory) {

    /**
     * The management listener: {@code /metrics}, {@code /api/stats} and {@code /} without a token, for a scraper on
     * the same host or network; {@code port} is empty when it is off.
     */
    public record Management(String host, OptionalInt port) {
    }

    /** Reads every runtime key from the settings; fails at the first invalid value, naming key, value and range. */
    public static KeelConfig from(Settings s) {
        int cpuThreads = s.integer(CPU_THREADS.withDefault(Runtime.getRuntime().availableProcessors()));
        int limitMin = s.integer(LIMIT_MIN);
        int limitMax = s.integer(LIMIT_MAX.withMin(limitMin));
        int limitInitial = s.integer(LIMIT_INITIAL.withMin(limitMin).withMax(limitMax)
                .withDefault(Math.max(limitMin, Math.min(Long.parseLong(LIMIT_INITIAL.defaultText()), limitMax))));
        LimitSettings limit = LimitSettings.defaults()
                .withLimits(limitInitial, limitMin, limitMax)
                .withHeavyShare(s.integer(LIMIT_HEAVY_PERCENT) / 100.0);
        return new KeelConfig(
                s.string(HOST),
                s.integer(PORT),
                s.path(DATA_DIR),
                s.secret(ADMIN_TOKEN),
                s.bytes(MAX_BODY_SIZE),
                s.bytes(MAX_STREAM_SIZE),
                Math.toIntExact(s.bytes(MAX_HEADER_SIZE)),
                Math.toIntExact(s.bytes(MAX_REQUEST_LINE)),
                s.duration(SHUTDOWN_GRACE),
                s.duration(DRAIN_DELAY),
                cpuThreads,
                s.integer(CPU_QUEUE.withDefault(cpuThreads * 8L)),
                s.duration(CPU_MAX_QUEUE_WAIT),
                s.duration(CPU_TASK_TIMEOUT),
                s.durations(CPU_TASK_TIMEOUTS),
                s.integer(CPU_NICE),
                s.duration(CPU_FAIR_QUANTUM),
                limit,
                s.integer(MAX_STREAMS),
                s.integer(HOLD_MAX_REQUESTS),
                s.integer(HEAP_LIMIT_PERCENT),
                s.bytes(RSS_LIMIT),
                s.bool(REUSE_PORT),
                management(s),
                s.duration(HEADER_TIMEOUT),
                s.duration(IDLE_TIMEOUT),
                s.integer(MAX_CONNECTIONS),
                TrustedProxies.parse(s.string(TRUSTED_PROXIES)),
                s.duration(CONNECTION_DRAIN),
                s.duration(STOP_REQUEST_WAIT),
                MemorySettings.from(s));
    }

    private static Management management(Settings s) {
        int port = s.integer(MANAGEMENT_PORT);
        return new Management(s.string(MANAGEMENT_HOST), port < 0 ? OptionalInt.empty() : OptionalInt.of(port));
    }

    /** Defaults only, ignoring the environment: for tests and embedding. */
    public static KeelConfig defaults() {
        return from(Settings.of(Map.of()));
    }
}
