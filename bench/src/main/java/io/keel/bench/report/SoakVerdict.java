package io.keel.bench.report;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.DoublePredicate;
import java.util.stream.IntStream;

/**
 * The soak's verdict on one series: the one place its rule is written; {@link #RULE} is the report's text of it.
 *
 * <p>The samples are first averaged per minute ({@link #BLOCK_HOURS}) and the lines are fitted through those means:
 * 5-second memory samples are strongly autocorrelated (a heap between two collections, a cache between two
 * evictions), so a line through them has a standard error far below its real uncertainty; means over a minute are
 * close to independent, and their standard error is honest. The raw samples are still plotted. A line is fitted
 * through the means over the fitted window; its noise is two standard errors of the slope.
 *
 * <p>A series is judged by its {@link Role}. A leak series must be {@link Verdict#FLAT}: its slope within its noise or
 * below the floor, and that noise at most the smallest change the soak must detect ({@link Limits#detectable()}),
 * else it is {@link Verdict#INCONCLUSIVE}, which fails: a soak too noisy to see a leak has not shown there is none. A
 * pool with a ceiling (heap, code cache, metaspace, a bounded cache) cannot grow past it, so filling towards it is no
 * leak: it may also be {@link Verdict#BOUNDED}, which needs all three of: it slows down (the first half's slope minus
 * the second half's exceeds two standard errors of their difference); what it may still grow is small (the second
 * half's slope plus two of its standard errors is below the floor, or at that rate the ceiling is further than
 * {@link #HORIZON_HOURS} away); and it has headroom (it stayed at or below the ceiling and the last value is below
 * it). A steady leak fails the first: its halves have the same slope up to noise, and the second half's noise alone
 * no longer lets it through. A pool whose ceiling is unknown or unlimited is judged like a leak series.
 *
 * <p>A {@link Role#CAPPED} series is judged by its level, not its slope: it passes ({@link Verdict#UNDER_CEILING},
 * or FLAT when also quietly flat) while no {@link #OVER_CEILING_SAMPLES} samples in a row are above their own
 * sample's ceiling, and fails ({@link Verdict#OVER_CEILING}) otherwise, however flat it is. It is for a part whose
 * growth says nothing about a leak because its owner evicts at the bound (H2's page cache and its entries for evicted
 * pages, which the live heap leaves out), or whose growth is judged elsewhere (RSS: its part outside the heap and JIT
 * is a leak series, the heap's retention is the live heap, and the heap's pages cannot pass {@code -Xmx}); what
 * remains to check is the level: the owner enforces its bound, and RSS stays within its planned budget. Without any
 * ceiling read it is judged as a leak series. A series that is only {@link Role#SHOWN} gets the slope's state but no verdict. Immutable; stateless.
 *
 * @param verdict the outcome
 * @param role    how the series is judged
 * @param fit     the line through the fitted window's one-minute means
 * @param ceiling the pool's ceiling in the series' unit, NaN for none
 * @param last    the last measured value in the window, NaN for none
 */
public record SoakVerdict(Verdict verdict, Role role, LineFit fit, double ceiling, double last) {
    /** Slopes below these are flat whatever the noise: 1 MB/h of memory, half a thread, descriptor or entry an hour. */
    public static final double FLAT_MB_PER_HOUR = 1;
    public static final double FLAT_COUNT_PER_HOUR = 0.5;

    /**
     * The smallest growth the soak must be able to see: 5 MB/h of memory (120 MB a day), 2 threads, descriptors or
     * entries an hour. A noise (two standard errors) above it makes a within-noise slope INCONCLUSIVE.
     */
    public static final double DETECTABLE_MB_PER_HOUR = 5;
    public static final double DETECTABLE_COUNT_PER_HOUR = 2;

    /** A BOUNDED pool must not reach its ceiling sooner than this at its second half's upper rate: 7 days. */
    public static final double HORIZON_HOURS = 7 * 24;

    /**
     * The samples are averaged over blocks of one minute before fitting; a window shorter than {@link #MIN_BLOCKS}
     * minutes (a smoke test's seconds-long soak) is cut into that many blocks instead, so it still gets a line, with
     * standard errors that are then less honest.
     */
    public static final double BLOCK_HOURS = 1.0 / 60;
    static final int MIN_BLOCKS = 10;

    /** The floor and the smallest detectable change of a series, per hour in its unit. */
    public record Limits(double flat, double detectable) {
        public static final Limits MEMORY_MB = new Limits(FLAT_MB_PER_HOUR, DETECTABLE_MB_PER_HOUR);
        public static final Limits COUNT = new Limits(FLAT_COUNT_PER_HOUR, DETECTABLE_COUNT_PER_HOUR);
    }

    /** The rule in the report's words. */
    public static final String RULE = String.format(Locale.ROOT, "Each series is averaged per minute (5-second "
            + "samples are autocorrelated; one-minute means are close to independent, so the standard errors hold) "
            + "and a least-squares line goes through the means over the fitted window (threads and RSS outside the "
            + "heap and JIT: through each minute's least value, since JDK pools start threads for seconds and the "
            + "JVM hands freed malloc memory back every 30 s, while a leak lifts the least value as much as the "
            + "mean); its noise is two standard "
            + "errors of the slope. FLAT: the slope is within its noise or below %.0f MB/h (%.1f threads, descriptors "
            + "or entries per hour), and the noise is at most %.0f MB/h (%.0f per hour for counts), the smallest "
            + "change the soak must detect; a within-noise slope with more noise is INCONCLUSIVE, which fails. A "
            + "*leak* series must be FLAT. A *pool* with a ceiling may also be BOUNDED, which needs all of: it slows "
            + "down (the first half's slope exceeds the second half's by more than two standard errors of their "
            + "difference); the second half's slope plus two of its standard errors is below the floor, or at that "
            + "rate the ceiling is more than %.0f days away; and it stayed at or below its ceiling with headroom "
            + "left. A steady leak does not slow down and fails. A pool without a known ceiling is judged as a leak "
            + "series. A *capped* series (a cache that evicts at its bound and is left out of the live heap; RSS, "
            + "whose parts are judged) is judged by its level: it passes while no two samples in a row are above "
            + "their own ceiling, and fails otherwise, however flat. Anything else "
            + "TRENDS. A *shown* series is not judged. The soak passes (`soak-verdict` 1) when every judged series "
            + "passes and no request failed.", FLAT_MB_PER_HOUR, FLAT_COUNT_PER_HOUR,
            DETECTABLE_MB_PER_HOUR, DETECTABLE_COUNT_PER_HOUR, HORIZON_HOURS / 24);

    /** How a series is judged. */
    public enum Role {
        /** Must stay flat: what a leak would grow. */
        LEAK("leak"),
        /** A pool with a configured ceiling: flat, or within the ceiling and converging. */
        POOL("pool"),
        /** A pool whose owner enforces its ceiling at no cost (an evicting cache, a pre-committed heap's pages). */
        CAPPED("capped"),
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

    /**
     * What stands for a block of samples in the fit. {@link #MEAN} for memory. {@link #LEAST} for a count that
     * short-lived members of bounded pools lift for seconds (JDK thread pools start a thread and retire it after
     * its keep-alive: the virtual threads' carriers, the common pool, HikariCP's connection adder and closer): a
     * leaked member stays, so it lifts every later block's least value as much as its mean, while a visitor that
     * leaves within the block does not; a visitor that stays for whole blocks still counts. Also for RSS outside the
     * heap and JIT, a sawtooth between the JVM's malloc trims ({@code -XX:TrimNativeHeapInterval}): the least sample
     * of a block is the one after a trim, what the process really keeps.
     */
    public enum Summary { MEAN, LEAST }

    /** The outcome for one series. */
    public enum Verdict { FLAT, BOUNDED, UNDER_CEILING, OVER_CEILING, TRENDS, INCONCLUSIVE, NOT_MEASURED, ABSENT }

    /**
     * Consecutive samples above their ceiling that fail a capped series: one alone is the owner enforcing its bound
     * lazily (Caffeine evicts after the insert, H2 trims its non-resident entries at its next eviction, and a scrape
     * may read a count and its bound a moment apart); two in a row, five or more seconds apart, are no such moment.
     */
    static final int OVER_CEILING_SAMPLES = 2;

    /**
     * Judges one series over the fitted window.
     *
     * @param hours    each sample's time in hours
     * @param values   each sample's value, NaN where unread
     * @param ceilings each sample's ceiling of the pool, NaN (or not above 0) where none; ignored unless a POOL or
     *                 CAPPED
     * @param limits   the floor and the smallest detectable change per hour
     */
    public static SoakVerdict judge(Role role, double[] hours, double[] values, double[] ceilings, Limits limits) {
        return judge(role, hours, values, ceilings, limits, Summary.MEAN);
    }

    /** As {@link #judge(Role, double[], double[], double[], Limits)}, each block summarised by {@code summary}. */
    public static SoakVerdict judge(Role role, double[] hours, double[] values, double[] ceilings, Limits limits,
                                    Summary summary) {
        double[][] means = blocks(hours, values, summary);
        LineFit fit = LineFit.of(means[0], means[1]);
        double last = IntStream.range(0, values.length).map(i -> values.length - 1 - i)
                .mapToDouble(i -> values[i]).filter(v -> !Double.isNaN(v)).findFirst().orElse(Double.NaN);
        double[] known = role == Role.CAPPED ? carried(ceilings) : ceilings;
        double ceiling = switch (role) {
            case POOL -> Arrays.stream(ceilings).filter(SoakVerdict::isCeiling).min().orElse(Double.NaN);
            case CAPPED -> known.length == 0 ? Double.NaN : known[known.length - 1]; // the bound of the last moment
            default -> Double.NaN;
        };
        Verdict verdict;
        if (Double.isNaN(fit.slope())) {
            verdict = Verdict.NOT_MEASURED;
        } else if (role == Role.CAPPED && !Double.isNaN(ceiling)) {
            boolean quietlyFlat = fit.flat(limits.flat()) && 2 * fit.slopeError() <= limits.detectable();
            verdict = overCeiling(values, known) ? Verdict.OVER_CEILING
                    : quietlyFlat ? Verdict.FLAT : Verdict.UNDER_CEILING;
        } else if (fit.flat(limits.flat())) {
            verdict = 2 * fit.slopeError() <= limits.detectable() ? Verdict.FLAT : Verdict.INCONCLUSIVE;
        } else if (!Double.isNaN(ceiling) && Arrays.stream(values).filter(v -> !Double.isNaN(v)).max()
                .orElse(Double.NaN) <= ceiling && last < ceiling
                && converging(means[0], means[1], limits.flat(), ceiling - last)) {
            verdict = Verdict.BOUNDED;
        } else {
            verdict = Verdict.TRENDS;
        }
        return new SoakVerdict(verdict, role, fit, ceiling, last);
    }

    /**
     * Each block's {@code summary} (the mean or the least value) of the measured values, over consecutive blocks of
     * {@link #BLOCK_HOURS} (or a tenth of a shorter span) from the first sample, each at the mean time of its samples:
     * {@code [times, values]}, empty blocks left out; with {@link Summary#LEAST}, a block with fewer than half the
     * samples of the fullest is left out too (the window's last block often holds one sample, taken as the load winds
     * down).
     */
    static double[][] blocks(double[] hours, double[] values, Summary summary) {
        int[] measured = IntStream.range(0, values.length).filter(i -> !Double.isNaN(values[i])
                && !Double.isNaN(hours[i])).toArray();
        if (measured.length == 0) {
            return new double[][] {new double[0], new double[0]};
        }
        double origin = hours[measured[0]];
        double block = Math.min(BLOCK_HOURS, (hours[measured[measured.length - 1]] - origin) / MIN_BLOCKS);
        double[] t = new double[measured.length];
        double[] v = new double[measured.length];
        int[] counts = new int[measured.length];
        int blocks = 0;
        long current = Long.MIN_VALUE;
        int count = 0;
        for (int i : measured) {
            long b = block > 0 ? (long) Math.floor((hours[i] - origin) / block + 1e-9) : 0;
            if (b != current) {
                if (count > 0) {
                    counts[blocks] = count;
                    close(t, v, blocks++, count, summary);
                }
                current = b;
                count = 0;
                v[blocks] = summary == Summary.LEAST ? Double.POSITIVE_INFINITY : 0;
            }
            t[blocks] += hours[i];
            v[blocks] = summary == Summary.LEAST ? Math.min(v[blocks], values[i]) : v[blocks] + values[i];
            count++;
        }
        counts[blocks] = count;
        close(t, v, blocks++, count, summary);
        if (summary == Summary.LEAST) { // the least of a few samples sits higher than the least of a full block
            int full = Arrays.stream(counts, 0, blocks).max().orElse(0);
            int[] kept = IntStream.range(0, blocks).filter(b -> 2 * counts[b] >= full).toArray();
            return new double[][] {Arrays.stream(kept).mapToDouble(b -> t[b]).toArray(),
                Arrays.stream(kept).mapToDouble(b -> v[b]).toArray()};
        }
        return new double[][] {Arrays.copyOf(t, blocks), Arrays.copyOf(v, blocks)};
    }

    private static void close(double[] t, double[] v, int block, int count, Summary summary) {
        t[block] /= count;
        if (summary == Summary.MEAN) {
            v[block] /= count;
        }
    }

    private static boolean isCeiling(double c) {
        return c > 0 && Double.isFinite(c);
    }

    /**
     * Each sample's ceiling, where unread the last one read before it (the first one read, before any was): a capped
     * pool's bound may move with it (H2 keeps a multiple of its resident entries), and a sample whose bound was not
     * read is still held to the bound of its moment. Empty when no ceiling was read at all.
     */
    static double[] carried(double[] ceilings) {
        double first = Arrays.stream(ceilings).filter(SoakVerdict::isCeiling).findFirst().orElse(Double.NaN);
        if (Double.isNaN(first)) {
            return new double[0];
        }
        double[] known = new double[ceilings.length];
        double current = first;
        for (int i = 0; i < ceilings.length; i++) {
            current = isCeiling(ceilings[i]) ? ceilings[i] : current;
            known[i] = current;
        }
        return known;
    }

    /** Whether {@link #OVER_CEILING_SAMPLES} measured samples in a row are above their own ceilings. */
    static boolean overCeiling(double[] values, double[] ceilings) {
        int run = 0;
        for (int i = 0; i < values.length; i++) {
            if (Double.isNaN(values[i])) {
                continue;
            }
            run = values[i] > ceilings[i] ? run + 1 : 0;
            if (run >= OVER_CEILING_SAMPLES) {
                return true;
            }
        }
        return false;
    }

    /** Points each half of the window needs for its line: fewer and the pool is not shown to converge. */
    static final int MIN_HALF_POINTS = 3;

    /**
     * Whether the growth is ending within the headroom: the first half's slope exceeds the second's by more than two
     * standard errors of their difference, and the second half's upper rate (slope plus two standard errors) is
     * below {@code floor} or would take longer than {@link #HORIZON_HOURS} to use up {@code headroom}. False when a
     * half has fewer than {@link #MIN_HALF_POINTS} points.
     */
    static boolean converging(double[] hours, double[] values, double floor, double headroom) {
        double[] measured = IntStream.range(0, hours.length).filter(i -> !Double.isNaN(values[i]))
                .mapToDouble(i -> hours[i]).toArray();
        if (measured.length < 2 * MIN_HALF_POINTS) {
            return false;
        }
        double mid = (measured[0] + measured[measured.length - 1]) / 2;
        LineFit first = LineFit.of(hours, masked(hours, values, h -> h < mid));
        LineFit second = LineFit.of(hours, masked(hours, values, h -> h >= mid));
        if (first.points() < MIN_HALF_POINTS || second.points() < MIN_HALF_POINTS || Double.isNaN(first.slope())
                || Double.isNaN(second.slope())) {
            return false;
        }
        double differenceError = Math.hypot(first.slopeError(), second.slopeError());
        boolean slowing = first.slope() - second.slope() > 2 * differenceError;
        double upper = second.slope() + 2 * second.slopeError();
        boolean small = upper <= floor || headroom / upper > HORIZON_HOURS;
        return slowing && small && headroom > 0;
    }

    private static double[] masked(double[] hours, double[] values, DoublePredicate keep) {
        return IntStream.range(0, values.length).mapToDouble(i -> keep.test(hours[i]) ? values[i] : Double.NaN)
                .toArray();
    }

    /**
     * This verdict, or {@link Verdict#ABSENT} (skipped, passes) when never measured: for a series that may be absent,
     * an optional cache the service runs without.
     */
    public SoakVerdict absentIfNotMeasured() {
        return verdict == Verdict.NOT_MEASURED ? new SoakVerdict(Verdict.ABSENT, role, fit, ceiling, last) : this;
    }

    /**
     * Whether the series passes: a leak series FLAT, a pool FLAT or BOUNDED, a capped pool FLAT or UNDER_CEILING, a
     * shown or absent one always.
     */
    public boolean passes() {
        if (verdict == Verdict.ABSENT) {
            return true;
        }
        return switch (role) {
            case SHOWN -> true;
            case LEAK -> verdict == Verdict.FLAT;
            case POOL -> verdict == Verdict.FLAT || verdict == Verdict.BOUNDED;
            case CAPPED -> verdict == Verdict.FLAT || verdict == Verdict.UNDER_CEILING;
        };
    }

    /**
     * The verdict column: {@code FLAT}, {@code BOUNDED}, {@code TRENDS}, {@code INCONCLUSIVE}, {@code n/a}; "shown, "
     * before a shown one's.
     */
    public String label() {
        String v = switch (verdict) {
            case NOT_MEASURED -> "n/a (not measured)";
            case ABSENT -> "n/a (absent: skipped)";
            default -> verdict.name();
        };
        return role == Role.SHOWN ? "shown, " + v : v;
    }

    /**
     * The ceiling and, unless flat, the headroom in words ({@code "98.60 of 512.00 MB; reached in 26 h at this
     * slope"}), or what a pool lacks; empty for a series that is no pool.
     */
    public String ceilingText(String unit) {
        if ((role != Role.POOL && role != Role.CAPPED) || verdict == Verdict.ABSENT) {
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
