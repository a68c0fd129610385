package io.keel.store.db;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to reach the database. Immutable; invalid values fail here, at start, naming the setting and the value.
 *
 * @param url               a JDBC url ({@code jdbc:h2:...}, {@code jdbc:postgresql://...}), a libpq-style url
 *                          ({@code postgresql://[user[:password]@]host[:port]/db[?params]}), or blank for the
 *                          embedded H2 file database under {@code dataDir}
 * @param user              database user; blank means the one in the url, else {@code sa} for H2 and
 *                          {@code postgres} for PostgreSQL
 * @param password          database password; blank means the one in the url, or none
 * @param poolSize          connections in the pool, fixed size (1..{@value #MAX_POOL_SIZE}, default
 *                          {@value #DEFAULT_POOL_SIZE})
 * @param connectionTimeout how long a caller waits for a pooled connection before failing (250 ms..10 min,
 *                          default 5 s)
 * @param dataDir           where the embedded database lives ({@code <dataDir>/db/keel.mv.db})
 * @param leakThreshold     a connection held longer than this is counted and its borrower's stack logged once
 *                          ({@code KEEL_DB_LEAK_THRESHOLD}, default 5 min; 0 = off, else at least 2 s, Hikari's minimum)
 * @param compactInterval   embedded H2 only: how often the store compacts the H2 file's chunks, the housekeeping
 *                          H2's background writer does but {@code WRITE_DELAY=0} turns off ({@link H2Housekeeping};
 *                          {@code KEEL_DB_COMPACT_INTERVAL}, default 1 s; 0 = off, else
 *                          {@value #MIN_COMPACT_INTERVAL_MILLIS} ms..1 h)
 * @param h2CacheBytes      embedded H2 under {@code dataDir} only: the bound of H2's page cache ({@code CACHE_SIZE},
 *                          whole KiB; {@code KEEL_DB_H2_CACHE_SIZE}); 0 = H2's own default, which grows with the heap
 */
public record DbSettings(String url, String user, String password, int poolSize, Duration connectionTimeout,
                         Path dataDir, Duration leakThreshold, Duration compactInterval, long h2CacheBytes) {
    public static final Duration DEFAULT_LEAK_THRESHOLD = Duration.ofMinutes(5);
    public static final Duration DEFAULT_COMPACT_INTERVAL = Duration.ofSeconds(1);
    public static final long MIN_COMPACT_INTERVAL_MILLIS = 100;
    public static final Duration MAX_COMPACT_INTERVAL = Duration.ofHours(1);
    public static final int DEFAULT_POOL_SIZE = 10;
    public static final int MAX_POOL_SIZE = 200;
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);
    /**
     * 1 MiB rather than H2's default (16 MiB at a 512 MiB heap). H2 keeps its pages decoded (a Java object per
     * column value), and the storm's exports of 1,000,000 orders replace the whole cache within seconds, so at every
     * young collection the cache was young and copied: 10 MiB of survivors per pause, 13-20 ms pauses, every 2.7 s.
     * At 4 MiB: 5-6 MiB and 5-17 ms; at 1 MiB, 2.4 MB at age 1 and 5-9 ms against 3-4 MB and 12-19 ms at 4 MiB
     * (four prod-mix storms each, docs/benchmarks.md, session 18). The light route reads the user's own orders, which
     * stay cached at any size, and a random order among a million misses every size alike (its pages come from the
     * file through the OS page cache): its peak on 1,000,000 orders and the export's rows per second were the same at
     * 1 and 4 MiB.
     */
    public static final long DEFAULT_H2_CACHE_BYTES = 1L << 20;
    public static final long MAX_H2_CACHE_BYTES = 1L << 40;
    /** Hikari's own minimum; below it Hikari would silently use 250 ms, so we refuse instead. */
    private static final Duration MIN_CONNECTION_TIMEOUT = Duration.ofMillis(250);
    private static final Duration MAX_CONNECTION_TIMEOUT = Duration.ofMinutes(10);
    /**
     * DB_CLOSE_ON_EXIT=FALSE: the service closes the pool itself after draining requests; H2's own shutdown hook
     * would close the database under in-flight requests. LOCK_TIMEOUT: rows locked by a concurrent transaction
     * (e.g. two requests racing on one idempotency key) are waited for instead of failing after H2's 1 s default.
     * WRITE_DELAY=0: each commit writes its MVStore chunk to the file before the commit returns, so a 2xx is only
     * sent for a write the OS already holds (it survives a process kill, not a power loss: H2 never fsyncs a
     * commit). H2's default (1000 ms) answers first and lets a background thread write later; a SIGKILL then
     * loses the last second of acknowledged orders. Costs about 8x CPU per commit (see README, "Durability").
     * MAX_COMPACT_TIME=0: no compaction in the close (H2 spends up to 200 ms there by default); H2Housekeeping
     * compacts every second while the service runs, and a hand-over's successor holds requests while this closes.
     * A clean close still writes its last chunk and marks the file clean (H2FileRecoveryTest). Measured on H2 2.5.252
     * with 3,000 uncompacted commits: close 81-129 ms before, 29-35 ms after, the file left unshrunk until the next
     * housekeeping run (43 MB against 104 KiB there; in service at most a second of commits).
     */
    private static final Pattern AUTO_SERVER = Pattern.compile(";\\s*auto_server\\s*=\\s*true");
    static final String H2_FILE_OPTIONS = ";DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000;WRITE_DELAY=0;MAX_COMPACT_TIME=0";

    public DbSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(connectionTimeout, "connectionTimeout");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(leakThreshold, "leakThreshold");
        Objects.requireNonNull(compactInterval, "compactInterval");
        if (h2CacheBytes < 0 || h2CacheBytes > MAX_H2_CACHE_BYTES) {
            throw new IllegalArgumentException("db h2CacheBytes was " + h2CacheBytes + "; allowed 0 (H2's default).."
                    + MAX_H2_CACHE_BYTES);
        }
        if (!compactInterval.isZero() && (compactInterval.toMillis() < MIN_COMPACT_INTERVAL_MILLIS
                || compactInterval.compareTo(MAX_COMPACT_INTERVAL) > 0)) {
            throw new IllegalArgumentException("db compactInterval was " + compactInterval + "; allowed 0 (off) or "
                    + Duration.ofMillis(MIN_COMPACT_INTERVAL_MILLIS) + ".." + MAX_COMPACT_INTERVAL);
        }
        if (!leakThreshold.isZero() && leakThreshold.compareTo(Duration.ofSeconds(2)) < 0) {
            throw new IllegalArgumentException("db leakThreshold was " + leakThreshold + "; allowed 0 (off) or >= 2s");
        }
        if (poolSize < 1 || poolSize > MAX_POOL_SIZE) {
            throw new IllegalArgumentException(
                    "db poolSize was " + poolSize + "; allowed 1.." + MAX_POOL_SIZE);
        }
        if (connectionTimeout.compareTo(MIN_CONNECTION_TIMEOUT) < 0
                || connectionTimeout.compareTo(MAX_CONNECTION_TIMEOUT) > 0) {
            throw new IllegalArgumentException("db connectionTimeout was " + connectionTimeout
                    + "; allowed " + MIN_CONNECTION_TIMEOUT + ".." + MAX_CONNECTION_TIMEOUT);
        }
        // Resolve once so a bad url fails at start, not on the first connection.
        resolve(url, user, password, dataDir, h2CacheBytes);
    }

    /** Settings with the default H2 page cache. */
    public DbSettings(String url, String user, String password, int poolSize, Duration connectionTimeout,
                      Path dataDir, Duration leakThreshold, Duration compactInterval) {
        this(url, user, password, poolSize, connectionTimeout, dataDir, leakThreshold, compactInterval,
                DEFAULT_H2_CACHE_BYTES);
    }

    /** Settings with the default compaction interval. */
    public DbSettings(String url, String user, String password, int poolSize, Duration connectionTimeout,
                      Path dataDir, Duration leakThreshold) {
        this(url, user, password, poolSize, connectionTimeout, dataDir, leakThreshold, DEFAULT_COMPACT_INTERVAL);
    }

    /** Settings with the default leak threshold and compaction interval. */
    public DbSettings(String url, String user, String password, int poolSize, Duration connectionTimeout,
                      Path dataDir) {
        this(url, user, password, poolSize, connectionTimeout, dataDir, DEFAULT_LEAK_THRESHOLD);
    }

    /** The same settings with another compaction interval. */
    public DbSettings withCompactInterval(Duration interval) {
        return new DbSettings(url, user, password, poolSize, connectionTimeout, dataDir, leakThreshold, interval,
                h2CacheBytes);
    }

    /** The same settings with another bound of the embedded H2's page cache (0 = H2's default). */
    public DbSettings withH2Cache(long bytes) {
        return new DbSettings(url, user, password, poolSize, connectionTimeout, dataDir, leakThreshold,
                compactInterval, bytes);
    }

    /** The embedded H2 database under {@code dataDir}, pool of {@value #DEFAULT_POOL_SIZE}, 5 s timeout. */
    public static DbSettings defaults(Path dataDir) {
        return new DbSettings("", "", "", DEFAULT_POOL_SIZE, DEFAULT_CONNECTION_TIMEOUT, dataDir);
    }

    /** The JDBC url the pool connects to. */
    public String jdbcUrl() {
        return resolve(url, user, password, dataDir, h2CacheBytes).url();
    }

    /** The user the pool connects as. */
    public String jdbcUser() {
        return resolve(url, user, password, dataDir, h2CacheBytes).user();
    }

    /** The password the pool connects with. */
    public String jdbcPassword() {
        return resolve(url, user, password, dataDir, h2CacheBytes).password();
    }

    public Dialect dialect() {
        return Dialect.ofJdbcUrl(jdbcUrl());
    }

    /**
     * True when no other process can write to this database: embedded H2 (a file, or memory) opened without
     * {@code AUTO_SERVER}, which the first process to open it holds locked. What this process keeps in memory about
     * its rows can then change only through this process. False for PostgreSQL and for H2 over TCP or SSL.
     */
    public boolean exclusive() {
        String lower = jdbcUrl().toLowerCase(Locale.ROOT);
        return lower.startsWith("jdbc:h2:") && !lower.startsWith("jdbc:h2:tcp:") && !lower.startsWith("jdbc:h2:ssl:")
                && !AUTO_SERVER.matcher(lower).find();
    }

    /** Masks the password, so settings can be logged and shown on /admin/config. */
    @Override
    public String toString() {
        return "DbSettings[url=" + maskUrl(url) + ", user=" + user + ", password=" + (password.isEmpty() ? "" : "****")
                + ", poolSize=" + poolSize + ", connectionTimeout=" + connectionTimeout + ", dataDir=" + dataDir
                + ", leakThreshold=" + leakThreshold + ", compactInterval=" + compactInterval + ", h2CacheBytes="
                + h2CacheBytes + "]";
    }

    /** A url with any password in it (userinfo or {@code password=} parameter) replaced by {@code ****}. */
    public static String maskUrl(String url) {
        return url.replaceAll("(?i)(://[^:/@]*:)[^@/]*@", "$1****@")
                .replaceAll("(?i)([?&;]password=)[^&;]*", "$1****");
    }

    private record Resolved(String url, String user, String password) {
    }

    private static Resolved resolve(String url, String user, String password, Path dataDir, long h2CacheBytes) {
        String trimmed = url.strip();
        if (trimmed.isEmpty()) {
            String file = dataDir.toAbsolutePath().resolve("db").resolve("keel").toString();
            String h2User = user.isBlank() ? defaultUser(Dialect.H2) : user;
            String cache = h2CacheBytes == 0 ? "" : ";CACHE_SIZE=" + Math.max(1, h2CacheBytes >> 10);
            return new Resolved("jdbc:h2:file:" + file + H2_FILE_OPTIONS + cache, h2User, password);
        }
        String lower = trimmed.toLowerCase(Locale.ROOT);
        if (lower.startsWith("postgresql://") || lower.startsWith("postgres://")) {
            return fromLibpqUrl(trimmed, user, password);
        }
        return new Resolved(trimmed, user.isBlank() ? defaultUser(Dialect.ofJdbcUrl(trimmed)) : user, password);
    }

    private static Resolved fromLibpqUrl(String url, String user, String password) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("db url '" + maskUrl(url) + "' is not a valid url: " + e.getReason(), e);
        }
        if (uri.getHost() == null || uri.getRawPath() == null || uri.getRawPath().length() <= 1) {
            throw new IllegalArgumentException(
                    "db url '" + maskUrl(url) + "' needs a host and a database: postgresql://host:port/db");
        }
        String effectiveUser = user;
        String effectivePassword = password;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            // Explicit settings win over the url, as libpq does with PGUSER/PGPASSWORD being overridden.
            if (effectiveUser.isBlank()) {
                effectiveUser = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
            }
            if (effectivePassword.isEmpty() && parts.length == 2) {
                effectivePassword = URLDecoder.decode(parts[1], StandardCharsets.UTF_8);
            }
        }
        String jdbc = "jdbc:postgresql://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "")
                + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return new Resolved(jdbc, effectiveUser.isBlank() ? defaultUser(Dialect.POSTGRESQL) : effectiveUser,
                effectivePassword);
    }

    /** Without a configured user the drivers would try the OS user, which rarely exists as a database role. */
    private static String defaultUser(Dialect dialect) {
        return dialect == Dialect.H2 ? "sa" : "postgres";
    }
}
