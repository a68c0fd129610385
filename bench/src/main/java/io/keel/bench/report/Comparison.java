package io.keel.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One headline of a scenario for Keel and for a reference service measured in the same invocation, and Keel ÷
 * reference. NaN where either side is not available or invalid. Immutable.
 *
 * @param keel           Keel's value
 * @param reference      the reference service's value
 * @param ratio          keel ÷ reference
 * @param higherIsBetter so a ratio above 1.0 means Keel is better when true, worse when false
 */
public record Comparison(String name, String unit, double keel, double reference, double ratio,
                         boolean higherIsBetter) {
    /** Pairs the metrics of both services by name, in Keel's order; a metric only one side has shows n/a. */
    public static List<Comparison> of(List<Metric> keel, List<Metric> reference) {
        Map<String, Metric> ref = reference.stream().collect(Collectors.toMap(Metric::name, Function.identity(),
                (a, b) -> a));
        List<Comparison> out = new ArrayList<>();
        for (Metric k : keel) {
            double r = ref.containsKey(k.name()) ? ref.get(k.name()).value() : Double.NaN;
            double ratio = Double.isNaN(k.value()) || Double.isNaN(r) || r == 0 ? Double.NaN : k.value() / r;
            out.add(new Comparison(k.name(), k.unit(), k.value(), r, ratio, k.higherIsBetter()));
        }
        return out;
    }

    public String direction() {
        return higherIsBetter ? "higher is better" : "lower is better";
    }
}
