package io.keel.store.accounts;

import io.keel.store.HandClock;

import io.keel.store.db.DatabaseTestBase;
import io.keel.store.db.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The session cache on embedded H2 (exclusive to the process, so the cache is on) and as it behaves on a shared
 * database (off). Rows deleted "behind its back" through the test database stand in for what only another process
 * could do.
 */
class SessionCacheTest extends DatabaseTestBase {
    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");
    private static final String HASH = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";

    private final HandClock clock = new HandClock(NOW);
    private AccountRepository accounts;
    private SessionRepository sessions;
    private Account owner;

    @Override
    protected TestDatabase openDatabase() {
        return TestDatabase.h2();
    }

    @BeforeAll
    void createAccount() {
        accounts = new AccountRepository(db.dataSource());
        sessions = new SessionRepository(db.dataSource());
        owner = accounts.create("cache-owner@example.com", "Owner", Role.CUSTOMER, HASH, NOW).orElseThrow();
    }

    private String newSession(String hash) {
        clock.set(NOW);
        sessions.create(new Session(hash, owner.id(), NOW.plus(Duration.ofHours(1)), NOW));
        return hash;
    }

    private void deleteBehindItsBack(String hash) {
        testDb.update("DELETE FROM sessions WHERE token_hash = '" + hash + "'");
    }

    private SessionCache cache(int maxSize, boolean exclusive, MeterRegistry registry) {
        return SessionCache.create(sessions, maxSize, exclusive, clock, registry);
    }

    private static double hits(MeterRegistry registry) {
        return registry.get("cache.gets").tag("cache", SessionCache.CACHE_NAME).tag("result", "hit")
                .functionCounter().count();
    }

    @Test
    void aSessionSeenOnceIsAnsweredFromMemoryAfterwards() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SessionCache cache = cache(100, true, registry);
        String hash = newSession("cache-hit");

        assertThat(cache.findAccount(hash)).contains(owner);
        deleteBehindItsBack(hash); // on an exclusive database nothing but the cache's own delete can do this

        assertThat(cache.enabled()).isTrue();
        assertThat(cache.findAccount(hash)).contains(owner);
        assertThat(hits(registry)).isEqualTo(1);
        assertThat(registry.get("keel.session.cache.max").gauge().value()).isEqualTo(100);
    }

    @Test
    void signingOutThroughTheCacheEndsACachedSessionAtOnce() {
        SessionCache cache = cache(100, true, new SimpleMeterRegistry());
        String hash = newSession("cache-sign-out");
        assertThat(cache.findAccount(hash)).contains(owner);

        assertThat(cache.delete(hash)).isTrue();

        assertThat(cache.findAccount(hash)).isEmpty();
        assertThat(sessions.findAccount(hash, NOW)).isEmpty();
        assertThat(cache.delete(hash)).isFalse();
    }

    @Test
    void aCachedSessionIsRefusedFromTheMomentItExpires() {
        SessionCache cache = cache(100, true, new SimpleMeterRegistry());
        String hash = newSession("cache-expiry");
        assertThat(cache.findAccount(hash)).contains(owner);

        clock.set(NOW.plus(Duration.ofHours(1)).minusMillis(1));
        assertThat(cache.findAccount(hash)).contains(owner);
        clock.set(NOW.plus(Duration.ofHours(1)));
        assertThat(cache.findAccount(hash)).isEmpty();
        assertThat(cache.findAccount(hash)).isEmpty();
    }

    @Test
    void onADatabaseOtherProcessesShareEveryLookupReadsTheDatabase() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SessionCache cache = cache(100, false, registry);
        String hash = newSession("cache-shared");
        assertThat(cache.findAccount(hash)).contains(owner);

        deleteBehindItsBack(hash); // another instance signing the user out

        assertThat(cache.enabled()).isFalse();
        assertThat(cache.findAccount(hash)).isEmpty();
        assertThat(registry.get("keel.session.cache.max").gauge().value()).isZero();
        assertThat(registry.find("cache.gets").functionCounter()).isNull();
    }

    @Test
    void aSizeOfZeroTurnsTheCacheOffAndANegativeSizeIsRefused() {
        SessionCache off = cache(0, true, new SimpleMeterRegistry());
        String hash = newSession("cache-off");
        assertThat(off.findAccount(hash)).contains(owner);
        deleteBehindItsBack(hash);

        assertThat(off.enabled()).isFalse();
        assertThat(off.findAccount(hash)).isEmpty();
        assertThatThrownBy(() -> cache(-1, true, new SimpleMeterRegistry()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    }

    @Test
    void unknownTokensAreNotCachedAndTheBoundHolds() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SessionCache cache = cache(3, true, registry);
        for (int i = 0; i < 20; i++) {
            assertThat(cache.findAccount(newSession("cache-bound-" + i))).contains(owner);
            assertThat(cache.findAccount("cache-unknown-" + i)).isEmpty();
        }

        await().atMost(Duration.ofSeconds(10)).until(() ->
                registry.get("cache.size").tag("cache", SessionCache.CACHE_NAME).gauge().value() <= 3);
    }

    @Test
    void aLookupRacingASignOutNeverLeavesTheSignedOutSessionCached() throws Exception {
        SessionCache cache = cache(1000, true, new SimpleMeterRegistry());
        for (int round = 0; round < 30; round++) {
            String hash = newSession("cache-race-" + round);
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch looked = new CountDownLatch(4);
            List<Future<?>> readers = new ArrayList<>();
            try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int r = 0; r < 4; r++) {
                    readers.add(executor.submit(() -> {
                        while (!stop.get()) {
                            cache.findAccount(hash);
                            looked.countDown();
                        }
                    }));
                }
                try {
                    looked.await();

                    assertThat(cache.delete(hash)).isTrue();

                    for (int check = 0; check < 20; check++) {
                        assertThat(cache.findAccount(hash)).as("round %d, check %d", round, check).isEmpty();
                    }
                } finally {
                    stop.set(true); // a failed check must end the readers, or closing the executor would wait forever
                }
                for (Future<?> reader : readers) {
                    reader.get();
                }
            }
            assertThat(cache.findAccount(hash)).as("round %d after the readers stopped", round).isEmpty();
        }
    }

}
