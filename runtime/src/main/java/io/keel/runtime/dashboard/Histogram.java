package io.keel.runtime.dashboard;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSupport;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;

import java.util.Arrays;
import java.util.Collection;
import java.util.OptionalDouble;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Cumulative bucket counts merged from several timers or distribution summaries (e.g. one
 * {@code http.server.requests} timer per route and status), so percentiles can be taken over all of them and over a time window (the difference of two snapshots).
 *
 * <p>Why buckets and not Micrometer's percentiles: the runtime publishes percentile histograms (aggregable in
 * Prometheus) but no client-side percentiles, and the Prometheus registry's buckets count since start, so a
 * window needs two snapshots anyway. Registries that keep no buckets (e.g. {@code SimpleMeterRegistry}) give an empty
 * histogram and therefore no percentiles. Immutable.
 *
 * @param boundsSeconds upper bounds of the buckets, ascending; seconds for timers, a summary's own unit otherwise
 * @param cumulative    how many values were at most the bound at the same index
 * @param count         all values, including those above the last bound
 */
@SuppressWarnings("ArrayRecordComponent") // a read-only snapshot of a scrape, never compared; boxing buckets would buy nothing
record Histogram(double[] boundsSeconds, double[] cumulative, double count) {
    static final Histogram EMPTY = new Histogram(new double[0], new double[0], 0);

    /**
     * Merges the meters' buckets over the union of their bounds. Meters of one family share bounds; for those that do
     * not, a meter contributes at each bound the count of its largest bound below it (an under-estimate, never more).
     */
    static Histogram merge(Collection<? extends HistogramSupport> meters) {
        if (meters.isEmpty()) {
            return EMPTY;
        }
        HistogramSnapshot[] snapshots = new HistogramSnapshot[meters.size()];
        boolean[] timed = new boolean[meters.size()];
        TreeSet<Double> union = new TreeSet<>();
        double count = 0;
        int i = 0;
        for (HistogramSupport meter : meters) {
            HistogramSnapshot snapshot = meter.takeSnapshot();
            timed[i] = meter instanceof Timer;
            snapshots[i++] = snapshot;
            count += snapshot.count();
            for (CountAtBucket bucket : snapshot.histogramCounts()) {
                union.add(bound(bucket, meter instanceof Timer));
            }
        }
        double[] bounds = union.stream().mapToDouble(Double::doubleValue).toArray();
        double[] cumulative = new double[bounds.length];
        for (int s = 0; s < snapshots.length; s++) {
            CountAtBucket[] own = snapshots[s].histogramCounts();
            int j = -1;
            for (int b = 0; b < bounds.length; b++) {
                while (j + 1 < own.length && bound(own[j + 1], timed[s]) <= bounds[b]) {
                    j++;
                }
                cumulative[b] += j < 0 ? 0 : own[j].count();
            }
        }
        return new Histogram(bounds, cumulative, count);
    }

    /** A timer's bucket bound in seconds, a distribution summary's in its own unit. */
    private static double bound(CountAtBucket bucket, boolean timed) {
        return timed ? bucket.bucket(TimeUnit.SECONDS) : bucket.bucket();
    }

    /**
     * What was recorded after {@code earlier}. When the two do not line up (different bounds, or counts that went
     * down because a meter was removed or the registry's buckets decay) the window cannot be known, and this
     * histogram itself is the best answer left.
     */
    Histogram since(Histogram earlier) {
        if (!Arrays.equals(boundsSeconds, earlier.boundsSeconds) || count < earlier.count) {
            return this;
        }
        double[] diff = new double[cumulative.length];
        for (int b = 0; b < diff.length; b++) {
            diff[b] = cumulative[b] - earlier.cumulative[b];
            if (diff[b] < 0) {
                return this;
            }
        }
        return new Histogram(boundsSeconds, diff, count - earlier.count);
    }

    /**
     * The {@code q}-quantile in seconds, interpolated linearly inside its bucket as Prometheus'
     * {@code histogram_quantile} does. Empty when nothing was recorded or there are no buckets; a quantile that falls
     * above the last bound is reported as that bound (the histogram cannot say more).
     */
    OptionalDouble quantile(double q) {
        if (q < 0 || q > 1) {
            throw new IllegalArgumentException("quantile was " + q + ", allowed: 0..1");
        }
        if (count <= 0 || boundsSeconds.length == 0) {
            return OptionalDouble.empty();
        }
        double rank = q * count;
        double previousBound = 0;
        double previousCount = 0;
        for (int b = 0; b < boundsSeconds.length; b++) {
            if (cumulative[b] >= rank && cumulative[b] > previousCount) {
                double fraction = (rank - previousCount) / (cumulative[b] - previousCount);
                return OptionalDouble.of(previousBound + (boundsSeconds[b] - previousBound) * Math.max(0, fraction));
            }
            previousBound = boundsSeconds[b];
            previousCount = cumulative[b];
        }
        return OptionalDouble.of(boundsSeconds[boundsSeconds.length - 1]);
    }
}
