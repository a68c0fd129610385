package io.keel.bench.report;

/**
 * One headline figure of a scenario that can be set against the same figure of another service measured in the
 * same invocation ({@code --compare-peer}, {@code --compare-url}). NaN when not measured or measured in an invalid
 * phase. Immutable.
 *
 * @param higherIsBetter how to read it: throughput is better higher, latency and memory lower
 * @param valid          false when it comes from a phase the tool marked invalid (its value is then NaN)
 */
public record Metric(String name, String unit, double value, boolean higherIsBetter, boolean valid) {
    public static Metric higher(String name, String unit, double value) {
        return new Metric(name, unit, value, true, true);
    }

    public static Metric lower(String name, String unit, double value) {
        return new Metric(name, unit, value, false, true);
    }

    /** This figure, or n/a marked invalid when {@code valid} is false. */
    public Metric validIf(boolean ok) {
        return ok ? this : new Metric(name, unit, Double.NaN, higherIsBetter, false);
    }

    public String direction() {
        return higherIsBetter ? "higher is better" : "lower is better";
    }
}
