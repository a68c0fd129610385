package io.keel.runtime.dashboard;

import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Statistic;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSupport;
import io.micrometer.core.instrument.search.Search;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.function.DoublePredicate;

/**
 * Reads meters by name, summed over all their tag combinations, and says "absent" rather than failing when a meter
 * is not registered (a service without a database has no {@code hikaricp} meters) or reports NaN (a gauge whose
 * object was collected). Works with any registry; values are read through {@link Meter#measure()}, so a gauge, a
 * function counter and a counter of the same name all read alike.
 *
 * <p>Thread-safe (Micrometer meters are); non-blocking apart from gauges whose functions block.
 */
final class MeterReader {
    private final MeterRegistry registry;

    MeterReader(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Sum of the gauges' current values ({@link Statistic#VALUE}); empty when none is registered or all are NaN. */
    OptionalDouble value(String name) {
        return sum(registry.find(name), Statistic.VALUE, v -> true);
    }

    /** Like {@link #value(String)}, restricted to meters with the given tag. */
    OptionalDouble value(String name, String tagKey, String tagValue) {
        return sum(registry.find(name).tag(tagKey, tagValue), Statistic.VALUE, v -> true);
    }

    /** Sum of the positive values only: memory pools report -1 for "no maximum", which must not shrink the total. */
    OptionalDouble positiveValue(String name, String tagKey, String tagValue) {
        return sum(registry.find(name).tag(tagKey, tagValue), Statistic.VALUE, v -> v > 0);
    }

    /** Sum of the counters' totals ({@link Statistic#COUNT}); empty when none is registered. */
    OptionalDouble count(String name) {
        return sum(registry.find(name), Statistic.COUNT, v -> true);
    }

    /** Like {@link #count(String)}, restricted to meters carrying every one of {@code tags}. */
    OptionalDouble count(String name, Map<String, String> tags) {
        return sum(search(name, tags), Statistic.COUNT, v -> true);
    }

    /** Like {@link #value(String)}, restricted to meters carrying every one of {@code tags}. */
    OptionalDouble value(String name, Map<String, String> tags) {
        return sum(search(name, tags), Statistic.VALUE, v -> true);
    }

    /** The timers and distribution summaries of {@code name} carrying every one of {@code tags}. */
    List<HistogramSupport> histograms(String name, Map<String, String> tags) {
        return search(name, tags).meters().stream()
                .filter(HistogramSupport.class::isInstance)
                .map(HistogramSupport.class::cast)
                .toList();
    }

    /** A time gauge in seconds (e.g. {@code process.uptime}); empty when absent. */
    OptionalDouble seconds(String timeGaugeName) {
        return Optional.ofNullable(registry.find(timeGaugeName).timeGauge())
                .map(g -> g.value(TimeUnit.SECONDS))
                .filter(Double::isFinite)
                .map(OptionalDouble::of)
                .orElse(OptionalDouble.empty());
    }

    Collection<Timer> timers(String name) {
        return registry.find(name).timers();
    }

    /** Timers of {@code name} whose {@code tagKey} is not one of {@code excluded} (meters lacking the tag stay). */
    Collection<Timer> timersExcept(String name, String tagKey, List<String> excluded) {
        return registry.find(name).timers().stream()
                .filter(t -> !excluded.contains(t.getId().getTag(tagKey)))
                .toList();
    }

    private Search search(String name, Map<String, String> tags) {
        Search search = registry.find(name);
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            search = search.tag(tag.getKey(), tag.getValue());
        }
        return search;
    }

    private static OptionalDouble sum(Search search, Statistic statistic, DoublePredicate keep) {
        double total = 0;
        boolean any = false;
        for (Meter meter : search.meters()) {
            for (Measurement m : meter.measure()) {
                double v = m.getValue();
                if (m.getStatistic() == statistic && Double.isFinite(v) && keep.test(v)) {
                    total += v;
                    any = true;
                }
            }
        }
        return any ? OptionalDouble.of(total) : OptionalDouble.empty();
    }
}
