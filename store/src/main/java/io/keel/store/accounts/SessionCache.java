package io.keel.store.accounts;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.keel.store.accounts.SessionRepository.Live;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live sessions kept in memory in front of {@link SessionRepository}, so a request whose token this process has seen
 * costs no database statement (the session read was a fifth of the CPU of {@code GET /api/orders/{id}}, see
 * docs/benchmarks.md). At most {@code maxSize} sessions (Caffeine's size-based eviction); unknown tokens are never
 * cached, so guessing tokens cannot fill it.
 *
 * <p>On only when the database is exclusive to this process ({@link io.keel.store.db.DbSettings#exclusive()}, the
 * embedded H2): then every sign-out passes through {@link #delete} here. A database that other processes share
 * (PostgreSQL, H2 over TCP) could lose a session through another instance, and no notice of that (PostgreSQL's
 * {@code NOTIFY} arrives after the commit) would reach this process before its next request; there every call reads
 * the database, so a sign-out anywhere takes effect at once everywhere.
 *
 * <p>Sign-out deletes the row, counts a removal, then removes the entry. A read that found the row before the delete
 * must not put it back after the removal: a load is kept only if no removal was counted while it ran (a load that
 * raced any sign-out is not cached; the next request reads again), decided inside the map's atomic compute.
 * Expiry: a hit whose session has expired by the clock is refused and dropped; Caffeine also drops entries at their
 * expiry.
 *
 * <p>The account (its role) is read when a session is first seen: the store changes no account after sign-up, and on
 * an exclusive database no other process can, so a role changed by hand in the database counts from the next
 * sign-in (or restart).
 *
 * <p>Thread-safe. A hit takes no lock and does no I/O; a miss blocks on one database read. Metrics (when on):
 * {@code cache_gets_total{cache="sessions",result=hit|miss}}, {@code cache_size}, {@code cache_evictions_total}
 * and {@code keel_session_cache_max} (the bound; 0 = off).
 */
public final class SessionCache {
    public static final String CACHE_NAME = "sessions";

    private final SessionRepository sessions;
    private final Clock clock;
    /** Null when off: then every call goes to the database. */
    private final Cache<String, Live> cache;
    private final AtomicLong removals = new AtomicLong();

    private SessionCache(SessionRepository sessions, Clock clock, Cache<String, Live> cache) {
        this.sessions = sessions;
        this.clock = clock;
        this.cache = cache;
    }

    /**
     * A cache in front of {@code sessions}, its bound shown as {@code keel_session_cache_max}.
     *
     * @param maxSize   sessions kept at most; 0 = off
     * @param exclusive whether no other process can write the database; false turns the cache off whatever
     *                  {@code maxSize} says
     * @throws IllegalArgumentException for a negative {@code maxSize}
     */
    public static SessionCache create(SessionRepository sessions, int maxSize, boolean exclusive, Clock clock,
                                      MeterRegistry registry) {
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(clock, "clock");
        if (maxSize < 0) {
            throw new IllegalArgumentException("session cache maxSize was " + maxSize + "; allowed 0 (off) or more");
        }
        int bound = exclusive ? maxSize : 0;
        Gauge.builder("keel.session.cache.max", () -> bound)
                .description("Sessions the in-memory session cache keeps at most; 0 = off (a shared database, "
                        + "or KEEL_SESSION_CACHE_SIZE=0)")
                .register(registry);
        if (bound == 0) {
            return new SessionCache(sessions, clock, null);
        }
        Cache<String, Live> cache = Caffeine.newBuilder()
                .maximumSize(bound)
                .expireAfter(Expiry.<String, Live>writing((hash, live) ->
                        Duration.between(clock.instant(), live.expiresAt())))
                .recordStats()
                .build();
        CaffeineCacheMetrics.monitor(registry, cache, CACHE_NAME);
        return new SessionCache(sessions, clock, cache);
    }

    /** Whether sessions are cached here (an exclusive database and a size above 0). */
    public boolean enabled() {
        return cache != null;
    }

    /** The account of the live session with this token hash; blocks on the database unless cached. */
    public Optional<Account> findAccount(String tokenHash) {
        Instant now = clock.instant();
        if (cache == null) {
            return sessions.findAccount(tokenHash, now);
        }
        Live cached = cache.getIfPresent(tokenHash);
        if (cached != null) {
            if (cached.expiresAt().isAfter(now)) {
                return Optional.of(cached.account());
            }
            cache.invalidate(tokenHash);
            return Optional.empty();
        }
        long removalsBefore = removals.get();
        Optional<Live> loaded = sessions.find(tokenHash, now);
        if (loaded.isPresent()) {
            // Atomic with respect to delete's invalidate of this key: either this runs first (then the invalidate
            // removes what it put) or it sees the removal counted and keeps nothing. A put followed by a check
            // would leave a moment in which a signed-out token still passes.
            Live live = loaded.get();
            cache.asMap().compute(tokenHash, (hash, present) -> removals.get() == removalsBefore ? live : present);
        }
        return loaded.map(Live::account);
    }

    /** Ends a session at once: the row, then any cached copy. Returns whether the row existed. Blocks. */
    public boolean delete(String tokenHash) {
        boolean existed = sessions.delete(tokenHash);
        if (cache != null) {
            removals.incrementAndGet();
            cache.invalidate(tokenHash);
        }
        return existed;
    }
}
