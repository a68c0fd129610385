package io.keel.store;

import io.keel.runtime.config.Setting;
import io.keel.runtime.stream.SseBroadcaster;
import io.keel.store.db.DbSettings;

import java.time.Duration;
import java.util.List;

/**
 * The store's settings, each declared once: {@link StoreConfig#from} and {@link StoreMain} read them through these
 * declarations; {@code /admin/config}, the README's settings table and {@code --help} show them from here.
 */
public final class StoreSettingTable {
    private static final SseBroadcaster.Config SSE = SseBroadcaster.Config.defaults();

    public static final Setting DB_URL = Setting.text("db-url", "",
            "JDBC URL or `postgresql://host:port/db`").documentedDefault("embedded H2 under the data dir");
    public static final Setting DB_USER = Setting.text("db-user", "",
            "database user (PostgreSQL defaults to user `postgres`)");
    public static final Setting DB_PASSWORD = Setting.secret("db-password", "database password");
    public static final Setting DB_POOL_SIZE = Setting.count("db-pool-size", DbSettings.DEFAULT_POOL_SIZE, 1,
            DbSettings.MAX_POOL_SIZE, "HikariCP pool size");
    public static final Setting DB_CONNECTION_TIMEOUT = Setting.duration("db-connection-timeout",
            DbSettings.DEFAULT_CONNECTION_TIMEOUT, Duration.ofMillis(250), Duration.ofMinutes(1),
            "longest a request waits for a pooled database connection");
    public static final Setting DB_LEAK_THRESHOLD = Setting.duration("db-leak-threshold",
            DbSettings.DEFAULT_LEAK_THRESHOLD, Duration.ZERO, Duration.ofDays(1),
            "a DB connection held longer is counted (`keel_db_connections_held_too_long_total`) and its borrower's "
                    + "stack logged once per call site; 0 = off, else at least 2s");
    public static final Setting DB_COMPACT_INTERVAL = Setting.duration("db-compact-interval",
            DbSettings.DEFAULT_COMPACT_INTERVAL, Duration.ZERO, DbSettings.MAX_COMPACT_INTERVAL,
            "embedded H2: how often live pages of sparse file chunks are moved together, which H2's own background "
                    + "writer would do if `WRITE_DELAY=0` had not turned it off (without it the chunk count, its "
                    + "memory and the file keep growing); 0 = off, else at least 100ms");
    public static final Setting DB_H2_CACHE_SIZE = Setting.size("db-h2-cache-size", DbSettings.DEFAULT_H2_CACHE_BYTES,
            0, DbSettings.MAX_H2_CACHE_BYTES, "embedded H2 under the data dir: bound of its page cache "
                    + "(`CACHE_SIZE`, decoded pages, copied by every young collection while they are new); 0 = H2's "
                    + "default (16 MiB at a 512 MiB heap); a `KEEL_DB_URL` sets its own");
    public static final Setting SEED_ORDERS = Setting.count("seed-orders", 0, 0, 100_000_000,
            "demo orders seeded into an empty database at start (`./keel start`: 100000)");
    public static final Setting SESSION_TTL = Setting.duration("session-ttl", Duration.ofHours(24),
            Duration.ofMinutes(1), Duration.ofDays(90), "sign-in token lifetime");
    public static final Setting SESSION_CACHE_SIZE = Setting.count("session-cache-size", 10_000, 0, 10_000_000,
            "signed-in sessions kept in memory so a request skips the session read; only on an embedded database no "
                    + "other process opens (on a shared one every request reads its session, so a sign-out anywhere "
                    + "takes effect at once); 0 = off");
    public static final Setting LOGIN_MAX_FAILURES = Setting.count("login-max-failures", 5, 1, 1000,
            "failed sign-ins per account within the login window before 429");
    public static final Setting LOGIN_WINDOW = Setting.duration("login-window", Duration.ofMinutes(15),
            Duration.ofSeconds(1), Duration.ofDays(1), "window in which failed sign-ins are counted");
    public static final Setting LOGIN_ADDRESS_MAX_FAILURES = Setting.count("login-address-max-failures", 50, 1,
            1_000_000, "failed sign-ins per client address within the window before 429; slowed down before that");
    public static final Setting LOGIN_MAX_DELAY = Setting.duration("login-max-delay", Duration.ofSeconds(2),
            Duration.ZERO, Duration.ofSeconds(30), "longest slow-down of an address with many failed sign-ins");
    public static final Setting PASSWORD_MEMORY_KIB = Setting.count("password-memory-kib", 19_456, 1024, 1 << 20,
            "Argon2id memory cost in KiB (19456 = the OWASP minimum)");
    public static final Setting PASSWORD_ITERATIONS = Setting.count("password-iterations", 2, 1, 20,
            "Argon2id iterations");
    public static final Setting MAX_IMAGE_PIXELS = Setting.count("max-image-pixels", 40_000_000, 1, 1L << 32,
            "declared image size accepted for thumbnails, in pixels (413 beyond, checked before decoding)");
    public static final Setting MAX_IMAGE_SIZE = Setting.size("max-image-size", 20L << 20, 1024, 1L << 30,
            "thumbnail input body");
    public static final Setting MAX_UPLOAD_SIZE = Setting.size("max-upload-size", 256L << 20, 1, 1L << 40,
            "largest upload (413 as soon as it is crossed); at most `KEEL_MAX_STREAM_SIZE`");
    public static final Setting EXPORT_FETCH_SIZE = Setting.count("export-fetch-size", 1000, 1, 100_000,
            "rows per database round trip of an export cursor");
    public static final Setting SSE_REPLAY_SIZE = Setting.count("sse-replay-size", SSE.replaySize(), 0, 100_000,
            "event-stream `Last-Event-ID` replay ring");
    public static final Setting SSE_CLIENT_QUEUE = Setting.count("sse-client-queue", SSE.clientQueueSize(), 1,
            100_000, "event-stream queue per client; a client that falls this far behind is dropped");
    public static final Setting SSE_HEARTBEAT = Setting.duration("sse-heartbeat", SSE.heartbeat(),
            Duration.ofMillis(10), Duration.ofSeconds(15),
            "event-stream heartbeat; a gone client is noticed at the second failed write");

    public static final Setting UPLOAD_STORE = Setting.text("upload-store", "disk",
            "where upload bytes live: `disk` (files under the data dir: one instance, or a volume all instances "
                    + "mount) or `database` (chunks in the database all instances share; see \"Several instances\"); "
                    + "switching does not move uploads already stored");
    public static final Setting UPLOAD_CHUNK_SIZE = Setting.size("upload-chunk-size", 256 << 10, 4 << 10, 1 << 20,
            "bytes per database chunk of an upload: the memory one database upload or download holds");
    public static final Setting EVENTS_POLL = Setting.duration("events-poll", Duration.ofSeconds(1),
            Duration.ofMillis(10), Duration.ofMinutes(1), "PostgreSQL order event feed: longest wait for a "
                    + "notification before the listener reads the feed anyway (also its liveness probe)");
    public static final Setting EVENTS_RECONNECT_MAX = Setting.duration("events-reconnect-max",
            Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofMinutes(5),
            "longest wait between reconnects of the event listener (from 100 ms, doubling)");
    public static final Setting EVENTS_BATCH = Setting.count("events-batch", 500, 1, 1000,
            "events the feed reads per query");

    /** Every store setting, in the order the README lists them. */
    public static final List<Setting> ALL = List.of(DB_URL, DB_USER, DB_PASSWORD, DB_POOL_SIZE, DB_CONNECTION_TIMEOUT,
            SEED_ORDERS, SESSION_TTL, SESSION_CACHE_SIZE,
            LOGIN_MAX_FAILURES, LOGIN_WINDOW, LOGIN_ADDRESS_MAX_FAILURES, LOGIN_MAX_DELAY,
            PASSWORD_MEMORY_KIB, PASSWORD_ITERATIONS, MAX_IMAGE_PIXELS, MAX_IMAGE_SIZE, MAX_UPLOAD_SIZE,
            EXPORT_FETCH_SIZE, SSE_REPLAY_SIZE, SSE_CLIENT_QUEUE, SSE_HEARTBEAT, DB_LEAK_THRESHOLD, DB_COMPACT_INTERVAL,
            DB_H2_CACHE_SIZE, UPLOAD_STORE,
            UPLOAD_CHUNK_SIZE, EVENTS_POLL, EVENTS_RECONNECT_MAX, EVENTS_BATCH);

    private StoreSettingTable() {
    }
}
