package io.keel.store.orders;

import io.keel.store.HandClock;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class ActiveUsersTest {
    private static final Instant START = Instant.parse("2025-03-01T10:00:00Z");

    @Test
    void distinctUsersAreCountedWithinTheSketchErrorAndRepeatsDoNotCount() {
        HandClock clock = new HandClock(START);
        ActiveUsers users = new ActiveUsers(clock, Duration.ofMinutes(5));

        for (int round = 0; round < 3; round++) {
            for (long id = 1; id <= 10_000; id++) {
                users.seen(id);
            }
        }

        assertThat(users.estimate()).isBetween(9_500L, 10_500L);
    }

    /**
     * The sketch's error bound: HyperLogLog with 2^12 registers has a standard error of 1.04 / sqrt(4096) = 1.63%.
     * Over populations from a thousand to a million (four disjoint populations each), every estimate is within
     * three standard errors and their root-mean-square error within 1.5 of them. The ids are fixed, so the run is
     * deterministic: it fails when the hash, the registers or the estimator break, never by chance.
     */
    @Test
    void estimatesStayWithinTheSketchsStandardErrorFromAThousandToAMillionUsers() {
        double standardError = 1.04 / Math.sqrt(4096);
        double sumOfSquares = 0;
        int runs = 0;
        for (int size : new int[] {1_000, 10_000, 100_000, 1_000_000}) {
            for (long population = 0; population < 4; population++) {
                ActiveUsers users = new ActiveUsers(new HandClock(START), Duration.ofMinutes(5));
                long first = population * 10_000_000_000L + 1;
                for (long id = first; id < first + size; id++) {
                    users.seen(id);
                }
                double error = (users.estimate() - size) / (double) size;
                assertThat(Math.abs(error)).as("relative error for %d users, population %d", size, population)
                        .isLessThan(3 * standardError);
                sumOfSquares += error * error;
                runs++;
            }
        }
        assertThat(Math.sqrt(sumOfSquares / runs)).isLessThan(1.5 * standardError);
    }

    @Test
    void usersLeaveTheEstimateOnceTheWindowHasPassed() {
        HandClock clock = new HandClock(START);
        ActiveUsers users = new ActiveUsers(clock, Duration.ofMinutes(5));
        for (long id = 1; id <= 1_000; id++) {
            users.seen(id);
        }
        clock.advance(Duration.ofMinutes(3));
        for (long id = 1_001; id <= 1_500; id++) {
            users.seen(id);
        }
        assertThat(users.estimate()).isBetween(1_400L, 1_600L);

        clock.advance(Duration.ofMinutes(3));

        assertThat(users.estimate()).isBetween(450L, 550L);
        clock.advance(Duration.ofMinutes(3));
        assertThat(users.estimate()).isZero();
    }

    @Test
    void threadsRecordingWhileTheBucketRotatesLoseAtMostAFewSightings() throws Exception {
        HandClock clock = new HandClock(START);
        ActiveUsers users = new ActiveUsers(clock, Duration.ofMinutes(5));
        int threads = 8;
        int perThread = 5_000;
        CountDownLatch start = new CountDownLatch(1);
        try (var executor = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long first = (long) t * perThread;
                done.add(executor.submit(() -> {
                    start.await();
                    for (long id = first; id < first + perThread; id++) {
                        users.seen(id);
                        if (id % 1_000 == 0) {
                            clock.advance(Duration.ofSeconds(7)); // several rotations while others write
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        }

        // 280 s of clock moves keep every bucket inside the 5-minute window: all 40,000 users still count.
        assertThat(users.estimate()).isBetween(37_000L, 43_000L);
    }
}
