package io.keel.runtime.limit;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class Gradient2LimitTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private final Gradient2Limit limit = new Gradient2Limit(LimitSettings.defaults().withLimits(50, 10, 1000));

    /** Feeds samples as a saturated server would: every slot in use. */
    private int feed(int samples, long rttNanos) {
        for (int i = 0; i < samples; i++) {
            limit.update(rttNanos, limit.limit());
        }
        return limit.limit();
    }

    @Test
    void theLimitGrowsWhileLatencyStaysFlat() {
        assertThat(feed(100, 10 * MS)).isGreaterThan(100);
    }

    @Test
    void theLimitShrinksWhenLatencyRises() {
        int peak = feed(200, 10 * MS);
        int afterSpike = feed(30, 50 * MS);
        assertThat(afterSpike).isLessThan(peak / 2);
    }

    @Test
    void latencyWithinTheToleranceDoesNotShrinkTheLimit() {
        int before = feed(100, 10 * MS);
        assertThat(feed(20, 14 * MS)).isGreaterThanOrEqualTo(before);
    }

    @Test
    void theLimitGrowsAgainOnceLatencyReturnsToNormal() {
        feed(200, 10 * MS);
        int overloaded = feed(200, 80 * MS);
        assertThat(feed(200, 10 * MS)).isGreaterThan(overloaded + 50);
    }

    @Test
    void aSustainedNewLatencyLevelBecomesTheNewBaseline() {
        feed(200, 10 * MS);
        int shrunk = feed(60, 40 * MS);
        assertThat(feed(2_000, 40 * MS)).as("Gradient2 tracks baseline drift").isGreaterThan(shrunk);
    }

    @Test
    void theLimitDoesNotGrowWhileTheServerUsesLessThanHalfOfIt() {
        for (int i = 0; i < 100; i++) {
            limit.update(10 * MS, 3);
        }
        assertThat(limit.limit()).isEqualTo(50);
    }

    @Test
    void theLimitStaysWithinMinAndMax() {
        assertThat(feed(5_000, 10 * MS)).isEqualTo(1000);
        assertThat(feed(60, 10_000 * MS)).isEqualTo(10);
    }
}
