package io.keel.store;

import io.keel.runtime.config.ConfigException;
import io.keel.runtime.config.Settings;
import io.keel.runtime.stream.SseBroadcaster;
import io.keel.store.db.DbSettings;
import io.keel.store.events.EventFeedSettings;
import io.keel.store.uploads.UploadStorage;

import java.nio.file.Path;
import java.time.Duration;

import static io.keel.store.StoreSettingTable.*;

/**
 * The store's own settings, read from the same layered {@link Settings} as the runtime's through the declarations in
 * {@link StoreSettingTable}.
 *
 * @param db                 database: {@code KEEL_DB_URL} (JDBC or postgresql:// URL; default embedded H2 under the
 *                           data dir), {@code KEEL_DB_USER}, {@code KEEL_DB_PASSWORD}, {@code KEEL_DB_POOL_SIZE} (10)
 * @param seedOrders         demo orders seeded into an empty database at start ({@code KEEL_SEED_ORDERS}, 0 = none)
 * @param sessionTtl         how long a login token lives ({@code KEEL_SESSION_TTL}, 24h)
 * @param sessionCacheSize   live sessions kept in memory, on an exclusive database only
 *                           ({@code KEEL_SESSION_CACHE_SIZE}, 10000; 0 = off)
 * @param loginMaxFailures   failed logins per account within {@code loginWindow} before 429
 *                           ({@code KEEL_LOGIN_MAX_FAILURES}, 5)
 * @param loginAddressMaxFailures failed logins per client address within {@code loginWindow} before 429
 *                           ({@code KEEL_LOGIN_ADDRESS_MAX_FAILURES}, 50; slowed down before that)
 * @param loginMaxDelay      the longest slow-down of an address with many failures ({@code KEEL_LOGIN_MAX_DELAY}, 2s)
 * @param loginWindow        window for counting failed logins ({@code KEEL_LOGIN_WINDOW}, 15m)
 * @param passwordMemoryKib  Argon2id memory cost ({@code KEEL_PASSWORD_MEMORY_KIB}, 19456 = OWASP minimum)
 * @param passwordIterations Argon2id iterations ({@code KEEL_PASSWORD_ITERATIONS}, 2)
 * @param maxImagePixels     largest declared image accepted for thumbnails ({@code KEEL_MAX_IMAGE_PIXELS}, 40000000, a count)
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
        int sessionCacheSize,
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
                        s.string(DB_URL),
                        s.string(DB_USER),
                        s.secret(DB_PASSWORD).orElse(""),
                        s.integer(DB_POOL_SIZE),
                        s.duration(DB_CONNECTION_TIMEOUT),
                        dataDir,
                        s.duration(DB_LEAK_THRESHOLD),
                        s.duration(DB_COMPACT_INTERVAL),
                        s.bytes(DB_H2_CACHE_SIZE)),
                s.count(SEED_ORDERS),
                s.duration(SESSION_TTL),
                s.integer(SESSION_CACHE_SIZE),
                s.integer(LOGIN_MAX_FAILURES),
                s.duration(LOGIN_WINDOW),
                s.integer(LOGIN_ADDRESS_MAX_FAILURES),
                s.duration(LOGIN_MAX_DELAY),
                s.integer(PASSWORD_MEMORY_KIB),
                s.integer(PASSWORD_ITERATIONS),
                s.count(MAX_IMAGE_PIXELS),
                s.bytes(MAX_IMAGE_SIZE),
                s.bytes(MAX_UPLOAD_SIZE),
                s.integer(EXPORT_FETCH_SIZE),
                new SseBroadcaster.Config(s.integer(SSE_REPLAY_SIZE), s.integer(SSE_CLIENT_QUEUE),
                        s.duration(SSE_HEARTBEAT)),
                uploadStorage(s),
                Math.toIntExact(s.bytes(UPLOAD_CHUNK_SIZE)),
                new EventFeedSettings(s.duration(EVENTS_POLL), s.duration(EVENTS_RECONNECT_MAX),
                        s.integer(EVENTS_BATCH)));
    }

    private static UploadStorage uploadStorage(Settings s) {
        String value = s.string(UPLOAD_STORE);
        try {
            return UploadStorage.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("invalid setting upload-store='" + value + "': " + e.getMessage());
        }
    }
}
