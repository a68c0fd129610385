package io.keel.runtime.dashboard;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The figures a service registered, read into samples and shown under {@code figures} in the stats document, in
 * registration order. A figure whose meter is absent reads null; one whose supplier throws reads null and is logged
 * once per failure streak, so a broken figure never breaks the dashboard or floods the log.
 *
 * <p>Thread-safe: figures may be added while stats are being read (readers see an immutable list). Bounded to
 * {@link #MAX_FIGURES}. Reading happens on the stats request's thread, under the collector's lock.
 */
final class Figures {
    static final int MAX_FIGURES = 32;
    private static final Logger LOG = LoggerFactory.getLogger(Figures.class);

    /**
     * A figure with what its meters read when it was added: the baseline of its first windows, since the samples
     * taken before it was added know nothing of it.
     */
    private record Entry(Figure figure, Object initial, long addedNanos) {
    }

    private final MeterReader meters;
    private final LongSupplier nanoClock;
    private volatile List<Entry> entries = List.of();
    /** Names of supplier figures whose last call failed; touched only under the collector's lock. */
    private final Map<String, Boolean> failing = new HashMap<>();

    Figures(MeterReader meters, LongSupplier nanoClock) {
        this.meters = meters;
        this.nanoClock = nanoClock;
    }

    /** @throws IllegalArgumentException for a taken name, or when {@link #MAX_FIGURES} are registered */
    synchronized void add(Figure figure) {
        if (figure == null) {
            throw new IllegalArgumentException("figure was null");
        }
        List<String> names = entries.stream().map(e -> e.figure().name()).toList();
        if (names.contains(figure.name())) {
            throw new IllegalArgumentException("figure name '" + figure.name() + "' is already taken; taken: " + names);
        }
        if (entries.size() >= MAX_FIGURES) {
            throw new IllegalArgumentException("cannot add figure '" + figure.name() + "': the dashboard already shows "
                    + MAX_FIGURES + " figures, its limit");
        }
        List<Entry> more = new ArrayList<>(entries);
        more.add(new Entry(figure, read(figure), nanoClock.getAsLong()));
        entries = List.copyOf(more);
    }

    /** The cumulative readings windowed figures need (counter totals, histograms), by figure name. */
    Map<String, Object> sample() {
        Map<String, Object> readings = new HashMap<>();
        for (Entry e : entries) {
            Object reading = read(e.figure());
            if (reading != null) {
                readings.put(e.figure().name(), reading);
            }
        }
        return readings;
    }

    /** A counter total (Double), a numerator and denominator (double[2]), a Histogram, or null (absent, gauge). */
    private Object read(Figure f) {
        return switch (f.kind()) {
            case RATE -> {
                OptionalDouble v = meters.count(f.meter(), f.tags());
                yield v.isPresent() ? v.getAsDouble() : null;
            }
            case RATIO -> {
                OptionalDouble num = meters.count(f.meter(), f.tags());
                OptionalDouble den = meters.count(f.denominator(), f.tags());
                yield num.isPresent() && den.isPresent() ? new double[] {num.getAsDouble(), den.getAsDouble()} : null;
            }
            case PERCENTILE -> Histogram.merge(meters.histograms(f.meter(), f.tags()));
            case GAUGE -> null;
        };
    }

    /** One entry per figure: its description and its value now, windows measured against {@code baseline}. */
    List<Map<String, Object>> render(Sample now, Function<Duration, Sample> baseline) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Entry e : entries) {
            Figure f = e.figure();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", f.name());
            entry.put("label", f.label());
            entry.put("group", f.group());
            entry.put("kind", f.kind().name().toLowerCase(Locale.ROOT));
            entry.put("unit", f.unit());
            Sample earlier = baseline.apply(f.window());
            Object current = now.figures().get(f.name());
            // A figure added after the baseline sample was taken is measured from when it was added.
            boolean sampled = earlier.figures().containsKey(f.name()) || earlier.nanos() - e.addedNanos() > 0;
            Object before = sampled ? earlier.figures().get(f.name()) : e.initial();
            double seconds = (now.nanos() - (sampled ? earlier.nanos() : e.addedNanos())) / 1e9;
            switch (f.kind()) {
                case RATE -> {
                    entry.put("per", f.isPerMinute() ? "minute" : "second");
                    Double rate = current instanceof Double c && before instanceof Double b
                            ? StatsCollector.rate(c - b, seconds) : null;
                    entry.put("value", rate == null ? null : round(rate * (f.isPerMinute() ? 60 : 1) * f.scale()));
                    entry.put("total", current instanceof Double c ? round(c * f.scale()) : null);
                }
                case RATIO -> {
                    entry.put("value", current instanceof double[] c && before instanceof double[] b
                            ? ratio(c[0] - b[0], c[1] - b[1], f.scale()) : null);
                    entry.put("overall", current instanceof double[] c ? ratio(c[0], c[1], f.scale()) : null);
                }
                case PERCENTILE -> {
                    entry.put("quantile", f.quantile());
                    OptionalDouble q = current instanceof Histogram c
                            ? (before instanceof Histogram b ? c.since(b) : c).quantile(f.quantile())
                            : OptionalDouble.empty();
                    entry.put("value", q.isPresent() ? round(q.getAsDouble() * f.scale()) : null);
                }
                case GAUGE -> entry.put("value", gauge(f));
            }
            if (f.kind() != Figure.Kind.GAUGE) {
                entry.put("windowSeconds", StatsCollector.round(seconds, 2));
            }
            out.add(entry);
        }
        return out;
    }

    private Object gauge(Figure f) {
        Optional<Supplier<?>> supplier = f.supplier();
        if (supplier.isEmpty()) {
            OptionalDouble v = meters.value(f.meter(), f.tags());
            return v.isPresent() ? round(v.getAsDouble() * f.scale()) : null;
        }
        try {
            Object v = plain(supplier.get().get());
            failing.remove(f.name());
            return v instanceof Number n && f.scale() != 1 ? round(n.doubleValue() * f.scale()) : v;
        } catch (RuntimeException e) {
            if (failing.put(f.name(), true) == null) {
                LOG.warn("dashboard figure '{}' failed; showing null until it recovers", f.name(), e);
            }
            return null;
        }
    }

    private static Double ratio(double numerator, double denominator, double scale) {
        return denominator > 0 && numerator >= 0 ? round(numerator / denominator * scale) : null;
    }

    /** Four decimals at most: enough for any tile. Large values stay as they are (rounding would overflow a long). */
    private static double round(double value) {
        return Math.abs(value) < 1e12 ? StatsCollector.round(value, 4) : value;
    }

    /**
     * Numbers, booleans and strings pass as they are, an {@link Optional} is unwrapped, NaN and infinities become null
     * (JSON has no such numbers), anything else becomes its {@code toString()}: an arbitrary object could fail to
     * serialise and take the whole document down with it.
     */
    static Object plain(Object value) {
        Object v = value instanceof Optional<?> optional ? optional.orElse(null) : value;
        if ((v instanceof Double d && !Double.isFinite(d)) || (v instanceof Float x && !Float.isFinite(x))) {
            return null;
        }
        if (v == null || v instanceof Number || v instanceof Boolean || v instanceof String) {
            return v;
        }
        return String.valueOf(v);
    }
}
