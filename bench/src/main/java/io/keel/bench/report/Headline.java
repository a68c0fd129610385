package io.keel.bench.report;

/**
 * A headline figure stated as a ratio against a reference measured in the same invocation, because absolute numbers
 * drift on shared machines while ratios mostly do not. Immutable.
 *
 * @param meaning how to read the ratio, e.g. "1.0 = storm costs light requests nothing; lower is better"
 */
public record Headline(String name, double value, String unit, String reference, double referenceValue,
                       double ratio, String meaning) {
    public static Headline of(String name, double value, String unit, String reference, double referenceValue,
                              String meaning) {
        double ratio = referenceValue == 0 || Double.isNaN(referenceValue) ? Double.NaN : value / referenceValue;
        return new Headline(name, value, unit, reference, referenceValue, ratio, meaning);
    }

    /** This headline, or n/a with the reason when a phase it comes from is invalid. */
    public Headline validIf(boolean ok, String why) {
        return ok ? this : new Headline(name, Double.NaN, unit, reference, Double.NaN, Double.NaN,
                "INVALID (" + why + "); " + meaning);
    }
}
