package io.keel.store;

import io.keel.runtime.config.Settings;
import io.keel.runtime.stream.SseBroadcaster;
import io.keel.runtime.config.ConfigException;
import io.keel.store.db.DbSettings;
import io.keel.store.events.EventFeedSettings;
import io.keel.store.uploads.UploadStorage;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The store's own settings, read from the same layered {@link Settings} as the runtime's.
 *
 * @param db                 database: {@code KEEL_DB_URL} (JDBC or postgresql:// URL; default embedded H2 under the
 *                           data dir), {@code KEEL_DB_USER}, {@code KEEL_DB_PASSWORD}, {@code KEEL_DB_POOL_SIZE} (10)
 * @param seedOrders         demo orders seeded into an empty database at start ({@code KEEL_SEED_ORDERS}, 0 = none)
 * @param sessionTtl         how long a login token lives ({@code KEEL_SESSION_TTL}, 24h)
 * @param loginMaxFailures   failed logins per account within {@code loginWindow} before 429
 *                           ({@code KEEL_LOGIN_MAX_FAILURES}, 5)
 * @param loginAddressMaxFailures failed logins per client address within {@code loginWindow} before 429
 *                           ({@code KEEL_LOGIN_ADDRESS_MAX_FAILURES}, 50; slowed down before that)
 * @param loginMaxDelay      the longest slow-down of an address with many failures ({@code KEEL_LOGIN_MAX_DELAY}, 2s)
 * @param loginWindow        window for counting failed logins ({@code KEEL_LOGIN_WINDOW}, 15m)
 * @param passwordMemoryKib  Argon2id memory cost ({@code KEEL_PASSWORD_MEMORY_KIB}, 19456 = OWASP minimum)
 * @param passwordIterations Argon2id iterations ({@code KEEL_PASSWORD_ITERATIONS}, 2)
 * @param maxImagePixels     largest declared image accepted for thumbnails ({@code KEEL_MAX_IMAGE_PIXELS}, 40M)
 * @param maxImageSize       largest thumbnail input body ({@code KEEL_MAX_IMAGE_SIZE}, 20m)
 * @param maxUploadSize      largest upload ({@code KEEL_MAX_UPLOAD_SIZE}, 256m, at most KEEL_MAX_STREAM_SIZE)
 * @param exportFetchSize    rows per database round trip of an export cursor ({@code KEEL_EXPORT_FETCH_SIZE}, 1000)
 * @param sse                live order events: replay ring ({@code KEEL_SSE_REPLAY_SIZE}, 1000), per-client queue
 *                           ({@code KEEL_SSE_CLIENT_QUEUE}, 256), heartbeat ({@code KEEL_SSE_HEARTBEAT}, 2s)
 * @param uploadStorage      where upload bytes live ({@code KEEL_UPLOAD_STORE}, disk; database for several instances)
 * @param uploadChunkSize    bytes per database chunk of an upload ({@code KEEL_UPLOAD_CHUNK_SIZE}, 256k, 4k..1m)
 * @param events             the shared order event feed on PostgreSQL ({@code KEEL_EVENTS_POLL},
 *                           {@code KEEL_EVENTS_RECONNECT_MAX}, {@code KEEL_EVENTS_BATCH}; see {@link EventFeedSettings})
 */
public record StoreConfig(
        DbSettings db,
        long seedOrders,
        Duration sessionTtl,
        int loginMaxFailures,
        Duration loginWindow,
        int loginAddressMaxFailures,
        Duration loginMaxDelay,
        int passwordMemoryKib,
        int passwordIterations,
        long maxImagePixels,
        long maxImageSize,
        long maxUploadSize,
        int exportFetchSize,
        SseBroadcaster.Config sse,
        UploadStorage uploadStorage,
        int uploadChunkSize,
        EventFeedSettings events) {

    public static StoreConfig from(Settings s, Path dataDir) {
        return new StoreConfig(
                new DbSettings(
                        s.string("db-url", ""),
                        s.string("db-user", ""),
                        s.secret("db-password").orElse(""),
                        s.integer("db-pool-size", DbSettings.DEFAULT_POOL_SIZE, 1, DbSettings.MAX_POOL_SIZE),
                        s.duration("db-connection-timeout", DbSettings.DEFAULT_CONNECTION_TIMEOUT,
                                Duration.ofMillis(250), Duration.ofMinutes(1)),
                        dataDir,
                        s.duration("db-leak-threshold", DbSettings.DEFAULT_LEAK_THRESHOLD, Duration.ZERO,
                                Duration.ofDays(1))),
                s.bytes("seed-orders", 0, 0, 100_000_000),
                s.duration("session-ttl", Duration.ofHours(24), Duration.ofMinutes(1), Duration.ofDays(90)),
                s.integer("login-max-failures", 5, 1, 1000),
                s.duration("login-window", Duration.ofMinutes(15), Duration.ofSeconds(1), Duration.ofDays(1)),
                s.integer("login-address-max-failures", 50, 1, 1_000_000),
                s.duration("login-max-delay", Duration.ofSeconds(2), Duration.ZERO, Duration.ofSeconds(30)),
                s.integer("password-memory-kib", 19_456, 1024, 1 << 20),
                s.integer("password-iterations", 2, 1, 20),
                s.bytes("max-image-pixels", 40_000_000, 1, 1L << 32),
                s.bytes("max-image-size", 20L << 20, 1024, 1L << 30),
                s.bytes("max-upload-size", 256L << 20, 1, 1L << 40),
                s.integer("export-fetch-size", 1000, 1, 100_000),
                sse(s),
                uploadStorage(s),
                (int) s.bytes("upload-chunk-size", 256 << 10, 4 << 10, 1 << 20),
                new EventFeedSettings(
                        s.duration("events-poll", Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofMinutes(1)),
                        s.duration("events-reconnect-max", Duration.ofSeconds(10), Duration.ofMillis(100),
                                Duration.ofMinutes(5)),
                        s.integer("events-batch", 500, 1, 1000)));
    }

    private static UploadStorage uploadStorage(Settings s) {
        String value = s.string("upload-store", "disk");
        try {
            return UploadStorage.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("invalid setting upload-store='" + value + "': " + e.getMessage());
        }
    }

    /** Defaults and ranges are the runtime's ({@link SseBroadcaster.Config}), checked here to fail with the key. */
    private static SseBroadcaster.Config sse(Settings s) {
        SseBroadcaster.Config defaults = SseBroadcaster.Config.defaults();
        return new SseBroadcaster.Config(
                s.integer("sse-replay-size", defaults.replaySize(), 0, 100_000),
                s.integer("sse-client-queue", defaults.clientQueueSize(), 1, 100_000),
                s.duration("sse-heartbeat", defaults.heartbeat(), Duration.ofMillis(10), Duration.ofSeconds(15)));
    }
}
