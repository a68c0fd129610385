package io.keel.runtime.limit;

/**
 * Immutable settings of the {@link ConcurrencyLimiter} (Gradient2 algorithm). Invalid values fail at construction
 * naming the key, the value and the allowed range.
 *
 * @param initialLimit {@code limit.initial}: starting limit; default 50
 * @param minLimit     {@code limit.min}: floor, at least 2 so a heavy request never takes the last slot; default 10
 * @param maxLimit     {@code limit.max}: ceiling, at most 100000; default 1000
 * @param smoothing    {@code limit.smoothing}: weight of each new target, (0, 1]; default 0.2
 * @param rttTolerance {@code limit.rtt-tolerance}: latency growth tolerated before shrinking, >= 1; default 1.5
 * @param queueSize    {@code limit.queue-size}: headroom added per growth step, 0..1000; default 4
 * @param longWindow   {@code limit.long-window}: samples in the long-term latency average, 10..100000; default 600
 * @param heavyShare   {@code limit.heavy-share}: largest fraction of the limit HEAVY requests may hold, (0, 1);
 *                     default 0.5
 */
public record LimitSettings(int initialLimit, int minLimit, int maxLimit, double smoothing,
                            double rttTolerance, int queueSize, int longWindow, double heavyShare) {

    public LimitSettings {
        check(minLimit >= 2 && minLimit <= 100_000, "limit.min", minLimit, "2..100000");
        check(maxLimit >= minLimit && maxLimit <= 100_000, "limit.max", maxLimit, minLimit + "..100000");
        check(initialLimit >= minLimit && initialLimit <= maxLimit, "limit.initial", initialLimit,
                minLimit + ".." + maxLimit);
        check(smoothing > 0 && smoothing <= 1, "limit.smoothing", smoothing, "(0, 1]");
        check(rttTolerance >= 1 && rttTolerance <= 100, "limit.rtt-tolerance", rttTolerance, "1..100");
        check(queueSize >= 0 && queueSize <= 1000, "limit.queue-size", queueSize, "0..1000");
        check(longWindow >= 10 && longWindow <= 100_000, "limit.long-window", longWindow, "10..100000");
        check(heavyShare > 0 && heavyShare < 1, "limit.heavy-share", heavyShare, "(0, 1)");
    }

    public static LimitSettings defaults() {
        return new LimitSettings(50, 10, 1000, 0.2, 1.5, 4, 600, 0.5);
    }

    public LimitSettings withLimits(int initial, int min, int max) {
        return new LimitSettings(initial, min, max, smoothing, rttTolerance, queueSize, longWindow,
                heavyShare);
    }

    public LimitSettings withHeavyShare(double value) {
        return new LimitSettings(initialLimit, minLimit, maxLimit, smoothing, rttTolerance, queueSize,
                longWindow, value);
    }

    private static void check(boolean ok, String key, Object value, String allowed) {
        if (!ok) {
            throw new IllegalArgumentException(key + " was " + value + ", allowed: " + allowed);
        }
    }
}
