package io.keel.bench.load;

import io.keel.bench.BenchException;

import java.time.Duration;

/**
 * Bounds every load run obeys, so a slow or dead service cannot make the client grow without limit. Immutable.
 *
 * @param maxInFlight      requests outstanding at once across all classes of a run; an open-loop send beyond it is
 *                         counted as "client-overflow" instead of being queued (default 2,000)
 * @param requestTimeout   per request, answer included (default 10 s)
 * @param maxPhaseDuration hard cap on one phase, whatever the schedule says (default 10 min)
 */
public record LoadLimits(int maxInFlight, Duration requestTimeout, Duration maxPhaseDuration) {
    public static final LoadLimits DEFAULTS = new LoadLimits(2_000, Duration.ofSeconds(10), Duration.ofMinutes(10));

    public LoadLimits {
        if (maxInFlight < 1 || maxInFlight > 100_000) {
            throw new BenchException("maxInFlight must be in 1..100000, got " + maxInFlight);
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new BenchException("requestTimeout must be positive, got " + requestTimeout);
        }
        if (maxPhaseDuration.isNegative() || maxPhaseDuration.isZero()) {
            throw new BenchException("maxPhaseDuration must be positive, got " + maxPhaseDuration);
        }
    }

    public LoadLimits withMaxInFlight(int n) {
        return new LoadLimits(n, requestTimeout, maxPhaseDuration);
    }

    public LoadLimits withRequestTimeout(Duration d) {
        return new LoadLimits(maxInFlight, d, maxPhaseDuration);
    }

    public LoadLimits withMaxPhaseDuration(Duration d) {
        return new LoadLimits(maxInFlight, requestTimeout, d);
    }

    /**
     * These limits with a phase cap that lets one schedule of {@code phase} run whole, plus a minute for its last
     * answers: for a scenario whose one phase is longer than the default cap (a 30-minute soak, a long event run),
     * which would otherwise stop the load early while the report still gave the asked duration.
     */
    public LoadLimits covering(Duration phase) {
        Duration needed = phase.plusMinutes(1);
        return needed.compareTo(maxPhaseDuration) > 0 ? withMaxPhaseDuration(needed) : this;
    }
}
