package io.keel.bench.load;

import io.keel.bench.BenchException;

import java.time.Duration;

/**
 * When each request of an open-loop run is due: request {@code i} is scheduled {@code i / rate} seconds after the
 * start, independent of how long earlier requests took. That independence is what avoids coordinated omission.
 * The run ends after {@code duration} or {@code maxRequests}, whichever comes first. Immutable.
 *
 * @param perSecond   arrival rate, 0 < rate <= 200,000
 * @param duration    length of the run, 1 ms .. 1 hour
 * @param maxRequests upper bound on the number of sends, >= 1
 */
public record RateSchedule(double perSecond, Duration duration, long maxRequests) {
    public static final double MAX_RATE = 200_000;
    public static final Duration MAX_DURATION = Duration.ofHours(1);

    public RateSchedule {
        if (!(perSecond > 0 && perSecond <= MAX_RATE)) {
            throw new BenchException("rate must be in (0, " + (long) MAX_RATE + "] per second, got " + perSecond);
        }
        if (duration.compareTo(Duration.ofMillis(1)) < 0 || duration.compareTo(MAX_DURATION) > 0) {
            throw new BenchException("duration must be between 1ms and " + MAX_DURATION + ", got " + duration);
        }
        if (maxRequests < 1) {
            throw new BenchException("maxRequests must be >= 1, got " + maxRequests);
        }
    }

    /** A schedule bounded by time only. */
    public static RateSchedule of(double perSecond, Duration duration) {
        return new RateSchedule(perSecond, duration, Long.MAX_VALUE);
    }

    /** Number of requests this schedule sends. */
    public long count() {
        double byTime = Math.floor(duration.toNanos() / 1e9 * perSecond);
        return Math.max(1, Math.min(maxRequests, (long) byTime));
    }

    /** Nanoseconds from the start at which request {@code i} (0-based) is due. */
    public long offsetNanos(long i) {
        return Math.round(i * (1e9 / perSecond));
    }
}
