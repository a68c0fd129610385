package io.keel.runtime.dashboard;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A figure a service shows on the dashboard: what to read (a Micrometer meter by name, optionally one tag value, or
 * a supplier), how to show it ({@link Kind}), its unit, and where (a group of tiles). The runtime knows no service's
 * meters; a service describes its own and adds them with {@link Dashboard#addFigure}:
 *
 * <pre>{@code
 * keel.dashboard()
 *     .addFigure(Figure.rate("orders", "shop.orders").label("Orders per minute").unit("orders").perMinute())
 *     .addFigure(Figure.ratio("centsPerOrder", "shop.sales.cents", "shop.orders").unit("USD").scale(0.01))
 *     .addFigure(Figure.percentile("orderValueP90", "shop.order.value.cents", 0.9).unit("USD").scale(0.01))
 *     .addFigure(Figure.gauge("openCarts", carts::size).unit("carts"));
 * }</pre>
 *
 * <p>Immutable and thread-safe; every setter returns a copy and fails fast with the setting and the value. Defaults:
 * label = name, group "Service", no unit, scale 1, window 10 s, rates per second.
 */
public final class Figure {
    /** How a figure is read and shown. */
    public enum Kind {
        /** A counter's increase per second (or minute) over the window; its total is shown too. */
        RATE,
        /** A gauge's current value (summed over its tags), or a supplier's. */
        GAUGE,
        /** The increase of one counter divided by the increase of another over the window; also the all-time ratio. */
        RATIO,
        /** A quantile of a timer's or distribution summary's histogram over the window (seconds for timers). */
        PERCENTILE
    }

    static final Duration MAX_WINDOW = Duration.ofSeconds(60);
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,63}");

    private final String name;
    private final Kind kind;
    private final String meter;
    private final String denominator;
    private final double quantile;
    private final Supplier<?> supplier;
    private final Map<String, String> tags;
    private final String label;
    private final String group;
    private final String unit;
    private final double scale;
    private final Duration window;
    private final boolean perMinute;

    private Figure(String name, Kind kind, String meter, String denominator, double quantile, Supplier<?> supplier,
                   Map<String, String> tags, String label, String group, String unit, double scale, Duration window,
                   boolean perMinute) {
        this.name = name;
        this.kind = kind;
        this.meter = meter;
        this.denominator = denominator;
        this.quantile = quantile;
        this.supplier = supplier;
        this.tags = tags;
        this.label = label;
        this.group = group;
        this.unit = unit;
        this.scale = scale;
        this.window = window;
        this.perMinute = perMinute;
    }

    private static Figure of(String name, Kind kind, String meter, String denominator, double quantile,
                             Supplier<?> supplier) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("figure name was '" + name
                    + "', allowed: a letter then up to 63 letters, digits, '_', '.' or '-'");
        }
        return new Figure(name, kind, meter, denominator, quantile, supplier, Map.of(), name, "Service", "", 1,
                Duration.ofSeconds(10), false);
    }

    /** The increase of counter {@code meter} per second over the window, with its total. */
    public static Figure rate(String name, String meter) {
        return of(name, Kind.RATE, requireMeter(name, "meter", meter), null, 0, null);
    }

    /** The current value of gauge {@code meter}, summed over its tag combinations. */
    public static Figure gauge(String name, String meter) {
        return of(name, Kind.GAUGE, requireMeter(name, "meter", meter), null, 0, null);
    }

    /**
     * The value {@code value} supplies, called on each stats refresh (at most four times a second, so it should be
     * cheap). Numbers, booleans and strings show as they are, an {@link Optional} is unwrapped, other values show as
     * their {@code toString()}; when it throws, the figure reads null.
     */
    public static Figure gauge(String name, Supplier<?> value) {
        if (value == null) {
            throw new IllegalArgumentException("figure '" + name + "' has no value supplier");
        }
        return of(name, Kind.GAUGE, null, null, 0, value);
    }

    /** The increase of counter {@code numerator} divided by that of counter {@code denominator} over the window. */
    public static Figure ratio(String name, String numerator, String denominator) {
        return of(name, Kind.RATIO, requireMeter(name, "numerator", numerator), requireMeter(name, "denominator",
                denominator), 0, null);
    }

    /** Quantile {@code quantile} (0..1) of the values a timer or distribution summary recorded over the window. */
    public static Figure percentile(String name, String meter, double quantile) {
        if (!(quantile > 0 && quantile <= 1)) {
            throw new IllegalArgumentException("figure '" + name + "' quantile was " + quantile + ", allowed: (0, 1]");
        }
        return of(name, Kind.PERCENTILE, requireMeter(name, "meter", meter), null, quantile, null);
    }

    /**
     * Reads only the meters whose tag {@code key} has {@code value} (e.g. one currency); may be given repeatedly. A
     * ratio applies it to both its counters.
     */
    public Figure tag(String key, String value) {
        if (supplier != null || key == null || key.isBlank() || value == null) {
            throw new IllegalArgumentException("figure '" + name + "' tag was " + key + "=" + value
                    + ", allowed: a non-blank key and a value, on a figure read from a meter");
        }
        Map<String, String> more = new LinkedHashMap<>(tags);
        more.put(key, value);
        return new Figure(name, kind, meter, denominator, quantile, supplier, Map.copyOf(more), label, group, unit,
                scale, window, perMinute);
    }

    /** The tile's title; default the name. */
    public Figure label(String text) {
        return new Figure(name, kind, meter, denominator, quantile, supplier, tags, text(text, "label"), group, unit,
                scale, window, perMinute);
    }

    /** The heading the tile is shown under; figures of one group share a row of tiles. Default "Service". */
    public Figure group(String text) {
        return new Figure(name, kind, meter, denominator, quantile, supplier, tags, label, text(text, "group"), unit,
                scale, window, perMinute);
    }

    /**
     * The unit shown after the value (after {@link #scale}), e.g. "orders", "USD". The page formats "bytes" and
     * "seconds" itself (KiB/MiB, ms/s).
     */
    public Figure unit(String text) {
        if (text == null || text.length() > 32) {
            throw new IllegalArgumentException("figure '" + name + "' unit was '" + text + "', allowed: 0..32 chars");
        }
        return new Figure(name, kind, meter, denominator, quantile, supplier, tags, label, group, text, scale, window,
                perMinute);
    }

    /** Multiplies what is read before it is shown, e.g. 0.01 from cents to dollars. Default 1. */
    public Figure scale(double factor) {
        if (!Double.isFinite(factor) || factor == 0) {
            throw new IllegalArgumentException("figure '" + name + "' scale was " + factor + ", allowed: finite, != 0");
        }
        return new Figure(name, kind, meter, denominator, quantile, supplier, tags, label, group, unit, factor,
                window, perMinute);
    }

    /** The span rates, ratios and percentiles cover: 1 s .. 60 s, default 10 s. Ignored by gauges. */
    public Figure window(Duration span) {
        if (span == null || span.compareTo(Duration.ofSeconds(1)) < 0 || span.compareTo(MAX_WINDOW) > 0) {
            throw new IllegalArgumentException("figure '" + name + "' window was " + span + ", allowed: 1s..60s");
        }
        return new Figure(name, kind, meter, denominator, quantile, supplier, tags, label, group, unit, scale, span,
                perMinute);
    }

    /** A rate per minute instead of per second. Only for {@link Kind#RATE}. */
    public Figure perMinute() {
        if (kind != Kind.RATE) {
            throw new IllegalArgumentException("figure '" + name + "' is a " + kind + "; only a RATE is per minute");
        }
        return new Figure(name, kind, meter, denominator, quantile, supplier, tags, label, group, unit, scale, window,
                true);
    }

    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    String meter() {
        return meter;
    }

    String denominator() {
        return denominator;
    }

    double quantile() {
        return quantile;
    }

    Optional<Supplier<?>> supplier() {
        return Optional.ofNullable(supplier);
    }

    Map<String, String> tags() {
        return tags;
    }

    String label() {
        return label;
    }

    String group() {
        return group;
    }

    String unit() {
        return unit;
    }

    double scale() {
        return scale;
    }

    Duration window() {
        return window;
    }

    boolean isPerMinute() {
        return perMinute;
    }

    private String text(String value, String setting) {
        if (value == null || value.isBlank() || value.length() > 64) {
            throw new IllegalArgumentException("figure '" + name + "' " + setting + " was '" + value
                    + "', allowed: 1..64 characters, not blank");
        }
        return value;
    }

    private static String requireMeter(String name, String role, String meter) {
        if (meter == null || meter.isBlank()) {
            throw new IllegalArgumentException("figure '" + name + "' " + role + " meter was '" + meter
                    + "', allowed: a meter name");
        }
        return meter;
    }

    @Override
    public String toString() {
        return "Figure[" + name + ", " + kind + (meter == null ? "" : ", " + meter) + "]";
    }
}
