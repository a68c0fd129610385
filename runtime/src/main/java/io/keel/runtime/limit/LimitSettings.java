package io.keel.runtime.limit;

/**
 * Immutable settings of the {@link ConcurrencyLimiter} (Gradient2 algorithm). Invalid values fail at construction
 * naming the key, the value and the allowed range.
 *
 * <p>The defaults are the service's: the settings {@code limit-initial}, {@code limit-min}, {@code limit-max} and
 * {@code limit-heavy-percent} ({@link io.keel.runtime.KeelSettingTable}) take theirs from {@link #defaults()}; the
 * other parameters are not settings.
 *
 * @param initialLimit starting limit; default 200
 * @param minLimit     floor, at least 2 so a heavy request never takes the last slot; default 100
 * @param maxLimit     ceiling, at most {@value #MAX_LIMIT}; default 2000
 * @param smoothing    weight of each new target, (0, 1]; default 0.2
 * @param rttTolerance latency growth tolerated before shrinking, >= 1; default 1.5
 * @param queueSize    headroom added per growth step, 0..1000; default 4
 * @param longWindow   samples in the long-term latency average, 10..100000; default 600
 * @param heavyShare   largest fraction of the limit HEAVY requests may hold, (0, 1); default 0.5
 */
public record LimitSettings(int initialLimit, int minLimit, int maxLimit, double smoothing,
                            double rttTolerance, int queueSize, int longWindow, double heavyShare) {

    /** The largest limit, also the bound of the {@code limit-*} settings. */
    public static final int MAX_LIMIT = 100_000;

    public LimitSettings {
        check(minLimit >= 2 && minLimit <= MAX_LIMIT, "limit-min", minLimit, "2.." + MAX_LIMIT);
        check(maxLimit >= minLimit && maxLimit <= MAX_LIMIT, "limit-max", maxLimit, minLimit + ".." + MAX_LIMIT);
        check(initialLimit >= minLimit && initialLimit <= maxLimit, "limit-initial", initialLimit,
                minLimit + ".." + maxLimit);
        check(smoothing > 0 && smoothing <= 1, "limit.smoothing", smoothing, "(0, 1]");
        check(rttTolerance >= 1 && rttTolerance <= 100, "limit.rtt-tolerance", rttTolerance, "1..100");
        check(queueSize >= 0 && queueSize <= 1000, "limit.queue-size", queueSize, "0..1000");
        check(longWindow >= 10 && longWindow <= 100_000, "limit.long-window", longWindow, "10..100000");
        check(heavyShare > 0 && heavyShare < 1, "heavy share", heavyShare, "(0, 1)");
    }

    public static LimitSettings defaults() {
        return new LimitSettings(200, 100, 2000, 0.2, 1.5, 4, 600, 0.5);
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
