package io.keel.store.orders;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ActiveUsersTest {
    /** A clock the test moves by hand; thread-safe, so racing threads may read it while it moves. */
    private static final class HandClock extends Clock {
        private final AtomicLong millis = new AtomicLong(Instant.parse("2025-03-01T10:00:00Z").toEpochMilli());

        void advance(Duration by) {
            millis.addAndGet(by.toMillis());
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void distinctUsersAreCountedWithinTheSketchErrorAndRepeatsDoNotCount() {
        HandClock clock = new HandClock();
        ActiveUsers users = new ActiveUsers(clock, Duration.ofMinutes(5));

        for (int round = 0; round < 3; round++) {
            for (long id = 1; id <= 10_000; id++) {
                users.seen(id);
            }
        }

        assertThat(users.estimate()).isBetween(9_500L, 10_500L);
    }

    @Test
    void usersLeaveTheEstimateOnceTheWindowHasPassed() {
        HandClock clock = new HandClock();
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
        HandClock clock = new HandClock();
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
