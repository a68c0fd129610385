package io.keel.runtime.dashboard;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * The recent samples, oldest first, from which rates over the last few seconds (or the last minute) are taken.
 * Samples come from stats requests, not from a timer thread, so an idle dashboard costs nothing; a new sample is kept
 * only when the newest kept one is at least {@code spacing} old, and samples older than {@code retention} are dropped
 * except the newest of them (it anchors the longest window). Together with {@code capacity} that bounds memory however
 * often the stats are requested.
 *
 * <p>Not thread-safe: the owner serialises access.
 */
final class SampleWindow {
    private final int capacity;
    private final long spacingNanos;
    private final long retentionNanos;
    private final Deque<Sample> samples = new ArrayDeque<>();

    SampleWindow(int capacity, Duration spacing, Duration retention) {
        if (capacity < 2 || spacing.isNegative() || retention.compareTo(spacing) < 0) {
            throw new IllegalArgumentException("sample window capacity was " + capacity + ", spacing " + spacing
                    + ", retention " + retention + "; allowed: capacity >= 2, spacing >= 0, retention >= spacing");
        }
        this.capacity = capacity;
        this.spacingNanos = spacing.toNanos();
        this.retentionNanos = retention.toNanos();
    }

    /** Keeps {@code sample} unless the newest kept sample is too recent; drops what the windows no longer need. */
    void add(Sample sample) {
        Sample newest = samples.peekLast();
        if (newest == null || sample.nanos() - newest.nanos() >= spacingNanos) {
            samples.addLast(sample);
        }
        while (samples.size() > capacity) {
            samples.removeFirst();
        }
        // Keep one sample at or beyond the retention edge so the longest window still has a baseline.
        while (samples.size() > 2 && sample.nanos() - second().nanos() >= retentionNanos) {
            samples.removeFirst();
        }
    }

    /**
     * The sample to measure a window of {@code span} ending at {@code nowNanos} against: the newest one taken at
     * least {@code span} earlier, else the oldest one there is (a shorter window, which the caller reports).
     */
    Sample baseline(long nowNanos, Duration span) {
        long edge = nowNanos - span.toNanos();
        Sample chosen = samples.peekFirst();
        for (Sample s : samples) {
            if (s.nanos() - edge <= 0) {
                chosen = s;
            } else {
                break;
            }
        }
        if (chosen == null) {
            throw new IllegalStateException("the sample window is empty; add a sample first");
        }
        return chosen;
    }

    int size() {
        return samples.size();
    }

    private Sample second() {
        Iterator<Sample> it = samples.iterator();
        it.next();
        return it.next();
    }
}
