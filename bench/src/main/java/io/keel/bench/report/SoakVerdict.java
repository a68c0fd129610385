package io.keel.bench.report;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.DoublePredicate;
import java.util.stream.IntStream;

/**
 * The soak's verdict on one series: the one place its rule is written; {@link #RULE} is the report's text of it.
 *
 * <p>A line is fitted through the series over the fitted window; its noise is two standard errors of the slope. A
 * series is judged by its {@link Role}. A leak series must be {@link Verdict#FLAT}. A pool with a ceiling (the JVM's
 * committed heap, its code cache, a bounded cache) cannot grow past it, so filling towards it is no leak: it may also
 * be {@link Verdict#BOUNDED} when it stayed within the ceiling and is converging. Converging is tested, not assumed:
 * the line through the window's second half is flat, or its slope is below the first half's by more than twice the
 * standard error of their difference. A straight-line leak has the same slope in both halves and fails that, as does a
 * pool whose last step came late in the run (it may not have ended). A pool whose ceiling is unknown or unlimited is
 * judged like a leak series. A series that is only {@link Role#SHOWN} gets the slope's state but no verdict: its
 * growth is the sum of judged ones, or what the collector or the load generator decides. Immutable; stateless.
 *
 * @param verdict the outcome
 * @param role    how the series is judged
 * @param fit     the line through the fitted window
 * @param ceiling the pool's ceiling in the series' unit, NaN for none
 * @param last    the last measured value in the window, NaN for none
 */
public record SoakVerdict(Verdict verdict, Role role, LineFit fit, double ceiling, double last) {
    /** Slopes below these are flat whatever the noise: 1 MB/h of memory, half a thread, descriptor or entry an hour. */
    public static final double FLAT_MB_PER_HOUR = 1;
    public static final double FLAT_COUNT_PER_HOUR = 0.5;

    /** The rule in the report's words. */
    public static final String RULE = String.format(Locale.ROOT, "A least-squares line goes through each series over "
            + "the fitted window; its noise is two standard errors of the slope. FLAT: the slope is within its noise "
            + "or below %.0f MB/h (%.1f threads, descriptors or entries per hour). A *leak* series must be FLAT. A "
            + "*pool* with a ceiling may also be BOUNDED: it stayed at or below its ceiling and it converges, that is "
            + "the line through the second half of the window is FLAT or its slope is below the first half's by more "
            + "than two standard errors of their difference (a steady leak has the same slope in both halves). A pool "
            + "without a known ceiling is judged as a leak series. Anything else TRENDS. A *shown* series is not "
            + "judged: it is the sum of judged ones, or what the collector or the load generator decides.",
            FLAT_MB_PER_HOUR, FLAT_COUNT_PER_HOUR);

    /** How a series is judged. */
    public enum Role {
        /** Must stay flat: what a leak would grow. */
        LEAK("leak"),
        /** A pool with a configured ceiling: flat, or within the ceiling and converging. */
        POOL("pool"),
        /** Reported, not judged. */
        SHOWN("shown");

        private final String label;

        Role(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** The outcome for one series. */
    public enum Verdict { FLAT, BOUNDED, TRENDS, NOT_MEASURED }

    /**
     * Judges one series over the fitted window.
     *
     * @param hours    each sample's time in hours
     * @param values   each sample's value, NaN where unread
     * @param ceilings each sample's ceiling of the pool, NaN (or not above 0) where none; ignored unless a POOL
     * @param floor    the slope per hour below which the series is flat whatever the noise
     */
    public static SoakVerdict judge(Role role, double[] hours, double[] values, double[] ceilings, double floor) {
        LineFit fit = LineFit.of(hours, values);
        double last = IntStream.range(0, values.length).map(i -> values.length - 1 - i)
                .mapToDouble(i -> values[i]).filter(v -> !Double.isNaN(v)).findFirst().orElse(Double.NaN);
        double ceiling = role == Role.POOL ? Arrays.stream(ceilings).filter(c -> c > 0 && Double.isFinite(c)).min()
                .orElse(Double.NaN) : Double.NaN;
        Verdict verdict;
        if (Double.isNaN(fit.slope())) {
            verdict = Verdict.NOT_MEASURED;
        } else if (fit.flat(floor)) {
            verdict = Verdict.FLAT;
        } else if (!Double.isNaN(ceiling) && Arrays.stream(values).filter(v -> !Double.isNaN(v)).max()
                .orElse(Double.NaN) <= ceiling && converging(hours, values, floor)) {
            verdict = Verdict.BOUNDED;
        } else {
            verdict = Verdict.TRENDS;
        }
        return new SoakVerdict(verdict, role, fit, ceiling, last);
    }

    /**
     * Whether the growth is ending: the line through the second half of the time span is flat, or its slope is below
     * the first half's by more than two standard errors of the difference. False when a half has under 3 points.
     */
    static boolean converging(double[] hours, double[] values, double floor) {
        double[] measured = IntStream.range(0, hours.length).filter(i -> !Double.isNaN(values[i]))
                .mapToDouble(i -> hours[i]).toArray();
        if (measured.length < 6) {
            return false;
        }
        double mid = (measured[0] + measured[measured.length - 1]) / 2;
        LineFit first = LineFit.of(hours, masked(hours, values, h -> h < mid));
        LineFit second = LineFit.of(hours, masked(hours, values, h -> h >= mid));
        if (Double.isNaN(first.slope()) || Double.isNaN(second.slope())) {
            return false;
        }
        double differenceError = Math.hypot(first.slopeError(), second.slopeError());
        return second.flat(floor) || first.slope() - second.slope() > 2 * differenceError;
    }

    private static double[] masked(double[] hours, double[] values, DoublePredicate keep) {
        return IntStream.range(0, values.length).mapToDouble(i -> keep.test(hours[i]) ? values[i] : Double.NaN)
                .toArray();
    }

    /** Whether the series passes: a leak series FLAT, a pool FLAT or BOUNDED, a shown one always. */
    public boolean passes() {
        return switch (role) {
            case SHOWN -> true;
            case LEAK -> verdict == Verdict.FLAT;
            case POOL -> verdict == Verdict.FLAT || verdict == Verdict.BOUNDED;
        };
    }

    /** The verdict column: {@code FLAT}, {@code BOUNDED}, {@code TRENDS}, {@code n/a}; "shown, " before a shown one's. */
    public String label() {
        String v = verdict == Verdict.NOT_MEASURED ? "n/a (not measured)" : verdict.name();
        return role == Role.SHOWN ? "shown, " + v : v;
    }

    /**
     * The ceiling and, unless flat, the headroom in words ({@code "98.60 of 512.00 MB; reached in 26 h at this
     * slope"}), or what a pool lacks; empty for a series that is no pool.
     */
    public String ceilingText(String unit) {
        if (role != Role.POOL) {
            return "";
        }
        if (Double.isNaN(ceiling)) {
            return "no ceiling known (judged as a leak series)";
        }
        String text = String.format(Locale.ROOT, "%.2f of %.2f %s", last, ceiling, unit);
        if (verdict != Verdict.FLAT && fit.slope() > 0 && last < ceiling) {
            double hours = (ceiling - last) / fit.slope();
            text += String.format(Locale.ROOT, hours < 10 ? "; reached in %.1f h at this slope"
                    : "; reached in %.0f h at this slope", hours);
        }
        return text;
    }
}
