package io.keel.runtime.limit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ConcurrencyLimiterTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicLong clock = new AtomicLong();

    private ConcurrencyLimiter limiter(int limit) {
        return ConcurrencyLimiter.create(LimitSettings.defaults().withLimits(limit, Math.min(limit, 10), 1000),
                registry, clock::get);
    }

    private static List<Permit> acquire(ConcurrencyLimiter limiter, Priority priority, int count) {
        var permits = new ArrayList<Permit>();
        for (int i = 0; i < count; i++) {
            permits.add(limiter.tryAcquire(priority).orElseThrow());
        }
        return permits;
    }

    private double shed() {
        return registry.get("keel.requests.shed").tag("reason", "concurrency").counter().count();
    }

    @Test
    void admitsUpToTheLimitThenRefusesWithAnEmptyResult() {
        var limiter = limiter(10);
        var permits = acquire(limiter, Priority.LIGHT, 10);

        assertThat(limiter.tryAcquire(Priority.LIGHT)).isEmpty();
        assertThat(shed()).isEqualTo(1);
        assertThat(limiter.inflight()).isEqualTo(10);

        permits.getFirst().close();
        assertThat(limiter.tryAcquire(Priority.LIGHT)).isPresent();
    }

    @Test
    void heavyRequestsHoldAtMostHalfTheLimitAndLightOnesStillGetIn() {
        var limiter = limiter(10);
        acquire(limiter, Priority.HEAVY, 5);

        assertThat(limiter.tryAcquire(Priority.HEAVY)).isEmpty();
        acquire(limiter, Priority.LIGHT, 5);
        assertThat(limiter.tryAcquire(Priority.LIGHT)).isEmpty();
    }

    @Test
    void lightRequestsMayUseTheWholeLimitAndThenHeavyOnesWait() {
        var limiter = limiter(10);
        acquire(limiter, Priority.LIGHT, 10);
        assertThat(limiter.tryAcquire(Priority.HEAVY)).isEmpty();
    }

    @Test
    void atTheSmallestLimitHeavyWorkStillLeavesASlotForLightWork() {
        var limiter = ConcurrencyLimiter.create(LimitSettings.defaults().withLimits(2, 2, 2).withHeavyShare(0.9),
                registry, clock::get);
        acquire(limiter, Priority.HEAVY, 1);
        assertThat(limiter.tryAcquire(Priority.HEAVY)).isEmpty();
        assertThat(limiter.tryAcquire(Priority.LIGHT)).isPresent();
    }

    @Test
    void criticalRequestsAreAdmittedWhenFullAndNotCounted() {
        var limiter = limiter(10);
        acquire(limiter, Priority.LIGHT, 10);

        Optional<Permit> health = limiter.tryAcquire(Priority.CRITICAL);

        assertThat(health).isPresent();
        assertThat(limiter.inflight()).isEqualTo(10);
        health.get().close();
        assertThat(limiter.inflight()).isEqualTo(10);
    }

    @Test
    void closingTwiceReleasesOnce() {
        var limiter = limiter(10);
        acquire(limiter, Priority.LIGHT, 2);
        var permit = limiter.tryAcquire(Priority.HEAVY).orElseThrow();
        permit.close();
        permit.close();
        assertThat(limiter.inflight()).isEqualTo(2);
    }

    @Test
    void successfulRequestsWithFlatLatencyRaiseTheLimitButIgnoredOnesDoNot() {
        var limiter = limiter(10);
        for (int round = 0; round < 20; round++) {
            var permits = acquire(limiter, Priority.LIGHT, 10);
            clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(5));
            permits.forEach(Permit::onIgnore);
            permits.forEach(Permit::close);
        }
        assertThat(limiter.limit()).isEqualTo(10);

        for (int round = 0; round < 20; round++) {
            var permits = acquire(limiter, Priority.LIGHT, limiter.limit());
            clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(5));
            permits.forEach(Permit::onSuccess);
            permits.forEach(Permit::close);
        }
        assertThat(limiter.limit()).isGreaterThan(20);
    }

    @Test
    void droppedRequestsThatTookLongShrinkTheLimit() {
        // Max 100: a batch of slow samples much smaller than the long window (600), as in a sudden slowdown.
        var limiter = ConcurrencyLimiter.create(LimitSettings.defaults().withLimits(40, 10, 100), registry, clock::get);
        for (int round = 0; round < 20; round++) {
            var permits = acquire(limiter, Priority.LIGHT, limiter.limit());
            clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(5));
            permits.forEach(Permit::onSuccess);
            permits.forEach(Permit::close);
        }
        int healthy = limiter.limit();
        var permits = acquire(limiter, Priority.LIGHT, healthy);
        clock.addAndGet(TimeUnit.SECONDS.toNanos(1));
        permits.forEach(Permit::onDropped);
        permits.forEach(Permit::close);
        assertThat(limiter.limit()).isLessThan(healthy / 2);
    }

    @Test
    void exportsLimitInflightAndShedUnderTheirPrometheusNames() {
        var prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        var limiter = ConcurrencyLimiter.create(LimitSettings.defaults().withLimits(10, 10, 10), prometheus);
        acquire(limiter, Priority.LIGHT, 10);
        limiter.tryAcquire(Priority.LIGHT);

        assertThat(prometheus.scrape()).contains("keel_concurrency_limit 10", "keel_concurrency_inflight 10",
                "keel_requests_shed_total{reason=\"concurrency\"} 1");
    }

    @Test
    void concurrentCallersNeverExceedTheLimitAndReleaseEverything() throws Exception {
        var limiter = ConcurrencyLimiter.create(LimitSettings.defaults().withLimits(16, 16, 16), registry);
        var peak = new AtomicInteger();
        var admitted = new AtomicInteger();
        var done = new CountDownLatch(200);
        for (int i = 0; i < 200; i++) {
            Priority priority = i % 3 == 0 ? Priority.HEAVY : Priority.LIGHT;
            Thread.ofVirtual().start(() -> {
                try {
                    for (int j = 0; j < 50; j++) {
                        limiter.tryAcquire(priority).ifPresent(permit -> {
                            try (permit) {
                                admitted.incrementAndGet();
                                peak.accumulateAndGet(limiter.inflight(), Math::max);
                                Thread.yield();
                                permit.onSuccess();
                            }
                        });
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(peak.get()).isLessThanOrEqualTo(16);
        assertThat(admitted.get()).isPositive();
        assertThat(limiter.inflight()).isZero();
    }

    /**
     * A short stress run of the lock-free admission state machine (the microbench module measures its cost): racing
     * platform threads, counted independently of the limiter, never hold more permits than the limit or more heavy
     * ones than the heavy share, and every permit comes back.
     */
    @Test
    void racingPlatformThreadsNeverExceedTheLimitOrTheHeavyShareAndReturnEveryPermit() throws Exception {
        var limiter = ConcurrencyLimiter.create(LimitSettings.defaults().withLimits(16, 16, 16), registry);
        var all = new AtomicInteger();
        var heavy = new AtomicInteger();
        var violations = new AtomicInteger();
        var admitted = new AtomicInteger();
        int threads = 4;
        var start = new CountDownLatch(1);
        var done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    for (int i = 0; i < 100_000; i++) {
                        Priority priority = (i + id) % 2 == 0 ? Priority.HEAVY : Priority.LIGHT;
                        Optional<Permit> permit = limiter.tryAcquire(priority);
                        if (permit.isEmpty()) {
                            continue;
                        }
                        admitted.incrementAndGet();
                        boolean isHeavy = priority == Priority.HEAVY;
                        if (all.incrementAndGet() > 16 || isHeavy && heavy.incrementAndGet() > 8) {
                            violations.incrementAndGet();
                        }
                        all.decrementAndGet();
                        if (isHeavy) {
                            heavy.decrementAndGet();
                        }
                        try (Permit p = permit.get()) {
                            p.onSuccess();
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            });
        }
        start.countDown();
        assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(violations.get()).isZero();
        assertThat(admitted.get()).isPositive();
        assertThat(limiter.inflight()).isZero();
        assertThat(limiter.heavyInflight()).isZero();
    }

    @Test
    void racingSamplesKeepTheAdaptiveLimitWithinItsBounds() throws Exception {
        var limiter = ConcurrencyLimiter.create(LimitSettings.defaults().withLimits(20, 10, 40), registry, clock::get);
        var done = new CountDownLatch(4);
        for (int t = 0; t < 4; t++) {
            Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < 50_000; i++) {
                        int n = i;
                        limiter.tryAcquire(Priority.LIGHT).ifPresent(permit -> {
                            try (permit) {
                                clock.addAndGet(n % 100 == 0 ? 50_000_000 : 1_000_000);
                                if (n % 7 == 0) {
                                    permit.onDropped();
                                } else {
                                    permit.onSuccess();
                                }
                            }
                        });
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(limiter.limit()).isBetween(10, 40);
        assertThat(limiter.inflight()).isZero();
    }
}
