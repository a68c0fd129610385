package io.keel.bench.load;

import io.keel.bench.BenchException;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One measured phase (e.g. "light-alone", "light-with-storm"). Immutable.
 *
 * @param tool              what generated the load ("open-loop", "closed-loop java", "wrk")
 * @param seconds           wall time of the phase
 * @param maxDispatchLagMs  worst delay between a request's scheduled time and its hand-over to the HTTP client (open
 *                          loop only); large values mean the client machine could not keep the rate
 * @param p99DispatchLagMs  99th percentile of that delay
 * @param stall             when the largest delay happened and whether the whole generator process stood still then
 * @param validity          whether the generator kept up (see {@link Validity#check}); figures of an invalid phase
 *                          are shown as n/a
 */
public record PhaseResult(String name, String tool, double seconds, double maxDispatchLagMs, double p99DispatchLagMs,
                          Stall stall, List<ClassResult> classes, Validity validity) {
    public PhaseResult {
        Objects.requireNonNull(stall, "stall (Stall.UNKNOWN when not measured)");
        classes = List.copyOf(classes);
    }

    /** A phase whose stall was not measured (a closed-loop phase). */
    public PhaseResult(String name, String tool, double seconds, double maxDispatchLagMs, double p99DispatchLagMs,
                       List<ClassResult> classes, Validity validity) {
        this(name, tool, seconds, maxDispatchLagMs, p99DispatchLagMs, Stall.UNKNOWN, classes, validity);
    }

    /** This phase judged against {@code rules}. */
    public PhaseResult checked(Validity.Rules rules) {
        return new PhaseResult(name, tool, seconds, maxDispatchLagMs, p99DispatchLagMs, stall, classes,
                Validity.check(this, rules));
    }

    public boolean valid() {
        return validity.valid();
    }

    public Optional<ClassResult> find(String className) {
        return classes.stream().filter(c -> c.name().equals(className)).findFirst();
    }

    public ClassResult get(String className) {
        return find(className).orElseThrow(() -> new BenchException(
                "phase '" + name + "' has no request class '" + className + "', only " + classes.stream()
                        .map(ClassResult::name).toList()));
    }
}
