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
}
