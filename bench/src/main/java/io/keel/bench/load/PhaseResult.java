package io.keel.bench.load;

import java.util.List;
import java.util.Optional;

/**
 * One measured phase (e.g. "light-alone", "light-with-storm"). Immutable.
 *
 * @param tool              what generated the load ("open-loop", "closed-loop java", "wrk")
 * @param seconds           wall time of the phase
 * @param maxDispatchLagMs  worst delay between a request's scheduled and actual send (open loop only); large values
 *                          mean the client machine could not keep the rate, and the latencies include that delay
 */
public record PhaseResult(String name, String tool, double seconds, double maxDispatchLagMs,
                          List<ClassResult> classes) {
    public PhaseResult {
        classes = List.copyOf(classes);
    }

    public Optional<ClassResult> find(String className) {
        return classes.stream().filter(c -> c.name().equals(className)).findFirst();
    }

    public ClassResult get(String className) {
        return find(className).orElseThrow(() -> new io.keel.bench.BenchException(
                "phase '" + name + "' has no request class '" + className + "', only " + classes.stream()
                        .map(ClassResult::name).toList()));
    }
}
