package io.keel.bench.scenario;

import io.keel.bench.BenchException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * What the person asked for on the command line, after validation. Immutable.
 *
 * @param quick        CI smoke: short phases, whole run under two minutes
 * @param rate         light requests per second for open-loop phases; 0 = 50% of the measured peak
 * @param duration     length of each open-loop phase; zero = scenario default (quick: 8 s, else 30 s)
 * @param connections  closed-loop connections for peak measurement (default 64, quick 16)
 * @param useWrk       use wrk for peaks when installed
 * @param adminToken   operator token for admin routes (export, all events)
 * @param commandLine  the invocation, secrets masked, for the report
 */
public record RunOptions(boolean quick, double rate, Duration duration, int connections, boolean useWrk,
                         Path out, Optional<String> adminToken, String commandLine) {
    public RunOptions {
        if (rate < 0 || rate > 200_000) {
            throw new BenchException("--rate must be 0 (auto) or in (0, 200000], got " + rate);
        }
        if (duration.isNegative() || duration.compareTo(Duration.ofHours(1)) > 0) {
            throw new BenchException("--duration must be between 0 (auto) and 1h, got " + duration);
        }
        if (connections < 1 || connections > 10_000) {
            throw new BenchException("--connections must be in 1..10000, got " + connections);
        }
    }

    /** Length of each measured open-loop phase. */
    public Duration phaseDuration() {
        return duration.isZero() ? Duration.ofSeconds(quick ? 8 : 30) : duration;
    }

    /**
     * Unmeasured light load before the first measured phase of a freshly started service: JIT compilation, class
     * loading and cold database caches would otherwise land in the "alone" reference. 2 s quick, else 20 s.
     */
    public Duration warmupDuration() {
        return Duration.ofSeconds(quick ? 2 : 20);
    }

    /** Length of each closed-loop peak measurement: 3 s quick, else 10 s, never longer than --duration. */
    public Duration peakDuration() {
        Duration d = Duration.ofSeconds(quick ? 3 : 10);
        return !duration.isZero() && duration.compareTo(d) < 0 ? duration : d;
    }
}
