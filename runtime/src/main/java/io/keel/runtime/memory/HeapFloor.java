package io.keel.runtime.memory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The floor of heap-after-GC over a sliding window and its slope: the signal of a leak. The window is cut into
 * {@value #BUCKETS} buckets; each keeps the lowest heap-after-GC seen in it, so the sawtooth of ordinary collections
 * drops out and what remains is memory that no collection gave back. A least-squares line through the bucket floors
 * gives the slope; a leak is suspected when the floors span at least half the window and the slope is above the
 * threshold.
 *
 * <p>Thread-safe (synchronized; called once per GC and once per scrape). Bounded: at most {@value #BUCKETS} + 1
 * buckets. Times are in milliseconds from any fixed origin, so tests drive it with a fake clock.
 */
public final class HeapFloor {
    static final int BUCKETS = 10;
    private static final int MIN_POINTS = 3;

    private record Bucket(long start, long floor) {
    }

    private final long windowMillis;
    private final long bucketMillis;
    private final double thresholdPerSecond;
    private final Deque<Bucket> buckets = new ArrayDeque<>();

    /**
     * @param window           the sliding window the slope is fitted over
     * @param slopePerHour     floor growth in bytes per hour above which a leak is suspected
     */
    public HeapFloor(Duration window, long slopePerHour) {
        this.windowMillis = window.toMillis();
        this.bucketMillis = Math.max(1, windowMillis / BUCKETS);
        this.thresholdPerSecond = slopePerHour / 3600.0;
    }

    /** Records the heap in use right after a collection that ended at {@code atMillis}. */
    public synchronized void record(long atMillis, long heapBytes) {
        long start = atMillis - Math.floorMod(atMillis, bucketMillis);
        Bucket last = buckets.peekLast();
        if (last != null && last.start() == start) {
            if (heapBytes < last.floor()) {
                buckets.pollLast();
                buckets.addLast(new Bucket(start, heapBytes));
            }
        } else if (last == null || start > last.start()) {
            buckets.addLast(new Bucket(start, heapBytes));
        }
        expire(atMillis);
    }

    /** Bytes per second the floor grew over the window; NaN until the floors span half the window. */
    public synchronized double slopePerSecond(long nowMillis) {
        expire(nowMillis);
        if (buckets.size() < MIN_POINTS || buckets.peekLast().start() - buckets.peekFirst().start()
                < windowMillis / 2) {
            return Double.NaN;
        }
        double n = buckets.size();
        double sumX = 0;
        double sumY = 0;
        for (Bucket b : buckets) {
            sumX += b.start() / 1000.0;
            sumY += b.floor();
        }
        double meanX = sumX / n;
        double meanY = sumY / n;
        double num = 0;
        double den = 0;
        for (Bucket b : buckets) {
            double dx = b.start() / 1000.0 - meanX;
            num += dx * (b.floor() - meanY);
            den += dx * dx;
        }
        return num / den;
    }

    /** Whether the floor has grown faster than the threshold over (at least half) the window. */
    public boolean leakSuspected(long nowMillis) {
        double slope = slopePerSecond(nowMillis);
        return !Double.isNaN(slope) && slope > thresholdPerSecond;
    }

    public double thresholdPerSecond() {
        return thresholdPerSecond;
    }

    private void expire(long nowMillis) {
        while (!buckets.isEmpty() && buckets.peekFirst().start() + bucketMillis <= nowMillis - windowMillis) {
            buckets.pollFirst();
        }
    }
}
