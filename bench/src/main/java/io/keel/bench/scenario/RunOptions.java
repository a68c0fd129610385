package io.keel.bench.scenario;

import io.keel.bench.BenchException;
import io.keel.bench.load.Validity;
import io.keel.bench.sample.QuietWait;

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
 * @param adminToken   operator token for admin routes (export, all events) and the /metrics scrape
 * @param commandLine  the invocation, secrets masked, for the report
 * @param rules        when a phase counts as invalid (overloaded generator)
 * @param quiet        how long to wait for a quiet machine before each measured phase
 * @param settle       storm time before the measured with-storm window (zero = default: 30 s, quick 2 s)
 * @param generatorCpus CPU list the generator is pinned to ({@code taskset}), empty = not pinned; also wrk's
 * @param rounds       repetitions of alternating runs (naive: protected/naive; comparisons: Keel/reference), 1..20
 */
public record RunOptions(boolean quick, double rate, Duration duration, int connections, boolean useWrk,
                         Path out, Optional<String> adminToken, String commandLine, Validity.Rules rules,
                         QuietWait quiet, Duration settle, Optional<String> generatorCpus, int rounds) {
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
        if (rounds < 1 || rounds > 20) {
            throw new BenchException("--rounds must be in 1..20, got " + rounds);
        }
        if (settle.isNegative() || settle.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new BenchException("--settle must be between 0 (auto) and 10m, got " + settle);
        }
    }

    /** Defaults for everything but the basics (tests). */
    public RunOptions(boolean quick, double rate, Duration duration, int connections, boolean useWrk, Path out,
                      Optional<String> adminToken, String commandLine) {
        this(quick, rate, duration, connections, useWrk, out, adminToken, commandLine, Validity.Rules.DEFAULTS,
                QuietWait.NONE, Duration.ZERO, Optional.empty(), 1);
    }

    /** The same options for another service: its own results folder and operator token. */
    public RunOptions forService(Path dir, Optional<String> token) {
        return new RunOptions(quick, rate, duration, connections, useWrk, dir, token, commandLine, rules, quiet,
                settle, generatorCpus, rounds);
    }

    /** The same options at another light rate (a comparison runs the reference at Keel's rate). */
    public RunOptions withRate(double r) {
        return new RunOptions(quick, r, duration, connections, useWrk, out, adminToken, commandLine, rules, quiet,
                settle, generatorCpus, rounds);
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

    /**
     * Storm time before its measured window, so the storm's ramp-up is not measured: 30 s, because a fresh process
     * still compiles the heavy routes' code for that long (docs/benchmarks.md, session 15).
     */
    public Duration settleDuration() {
        return settle.isZero() ? Duration.ofSeconds(quick ? 2 : 30) : settle;
    }

    /** Length of each closed-loop peak measurement: 3 s quick, else 10 s, never longer than --duration. */
    public Duration peakDuration() {
        Duration d = Duration.ofSeconds(quick ? 3 : 10);
        return !duration.isZero() && duration.compareTo(d) < 0 ? duration : d;
    }
}
