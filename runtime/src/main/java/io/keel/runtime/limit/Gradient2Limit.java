package io.keel.runtime.limit;

/**
 * Netflix concurrency-limits' Gradient2 algorithm (Gradient2Limit.java), ported: compares each round-trip time to a
 * slowly moving long-term average. While latency stays within {@code rttTolerance} of it, the limit grows by about
 * {@code queueSize * smoothing} per sample; when latency rises the limit shrinks in proportion (at most halved per
 * sample before smoothing). It does not grow while the server is app-limited (less than half the limit in use).
 * Not thread-safe: the limiter calls it from one thread at a time (under a lock it only ever tries).
 */
final class Gradient2Limit {
    private final LimitSettings settings;
    private final ExpAvg longRtt;
    private double estimatedLimit;

    Gradient2Limit(LimitSettings settings) {
        this.settings = settings;
        this.longRtt = new ExpAvg(settings.longWindow(), 10);
        this.estimatedLimit = settings.initialLimit();
    }

    /** Feeds one sample and returns the new limit. */
    int update(long rttNanos, int inflight) {
        double shortRtt = Math.max(1, rttNanos);
        double longAvg = longRtt.add(shortRtt);
        // After a long overload the long average lags far above normal latency; pull it down faster than smoothing.
        if (longAvg / shortRtt > 2) {
            longRtt.scale(0.95);
        }
        if (inflight < estimatedLimit / 2) {
            return limit(); // app-limited: latency says nothing about whether more concurrency would fit
        }
        double gradient = Math.max(0.5, Math.min(1.0, settings.rttTolerance() * longAvg / shortRtt));
        double target = estimatedLimit * gradient + settings.queueSize();
        double smoothed = estimatedLimit * (1 - settings.smoothing()) + target * settings.smoothing();
        estimatedLimit = Math.max(settings.minLimit(), Math.min(settings.maxLimit(), smoothed));
        return limit();
    }

    int limit() {
        return (int) estimatedLimit;
    }

    /** Exponential moving average with a plain-average warm-up, as in concurrency-limits' ExpAvgMeasurement. */
    private static final class ExpAvg {
        private final double factor;
        private final int warmup;
        private double value;
        private int count;

        ExpAvg(int window, int warmup) {
            this.factor = 2.0 / (window + 1);
            this.warmup = warmup;
        }

        double add(double sample) {
            if (count < warmup) {
                count++;
                value += (sample - value) / count;
            } else {
                value = value * (1 - factor) + sample * factor;
            }
            return value;
        }

        void scale(double ratio) {
            value *= ratio;
        }
    }
}
