package io.keel.store.orders;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;

/**
 * Distinct users seen in a sliding window (default 5 minutes), in bounded memory whatever the number of users: one
 * HyperLogLog sketch (2^12 registers, about 1.6% standard error) per minute, the window's answer being their union.
 * Memory is 4 KiB per minute bucket. Thread-safe and lock-free on the per-request path: a register update is a benign
 * race (max of two writes), and only the first sighting in a new bucket period takes the lock to rotate (a sighting
 * racing that rotation may be lost, which the estimate's error dwarfs).
 */
public final class ActiveUsers {
    private static final int P = 12;
    private static final int M = 1 << P;
    private static final double ALPHA = 0.7213 / (1 + 1.079 / M);

    private final Clock clock;
    private final long bucketMillis;
    private final byte[][] buckets;
    private final long[] bucketStart;
    /** The bucket period {@link #seen} last wrote to; when it still matches, no lock is needed. */
    private volatile long currentSlot = -1;

    public ActiveUsers(Clock clock, Duration window) {
        this.clock = clock;
        int count = (int) Math.max(1, window.toMinutes());
        this.bucketMillis = window.toMillis() / count;
        this.buckets = new byte[count][M];
        this.bucketStart = new long[count];
    }

    /** Records that {@code userId} was active now. */
    public void seen(long userId) {
        long hash = mix(userId);
        int index = (int) (hash >>> (64 - P));
        byte rank = (byte) (Long.numberOfLeadingZeros((hash << P) | (1L << (P - 1))) + 1);
        byte[] bucket = current();
        if (bucket[index] < rank) {
            bucket[index] = rank;
        }
    }

    /** Estimated distinct users in the window. */
    public synchronized long estimate() {
        long now = clock.millis();
        byte[] union = new byte[M];
        for (int b = 0; b < buckets.length; b++) {
            if (now - bucketStart[b] < bucketMillis * buckets.length) {
                for (int i = 0; i < M; i++) {
                    union[i] = (byte) Math.max(union[i], buckets[b][i]);
                }
            }
        }
        double sum = 0;
        int zeros = 0;
        for (byte r : union) {
            sum += 1.0 / (1L << r);
            if (r == 0) {
                zeros++;
            }
        }
        double estimate = ALPHA * M * M / sum;
        if (estimate <= 2.5 * M && zeros > 0) {
            estimate = M * Math.log((double) M / zeros);
        }
        return Math.round(estimate);
    }

    private byte[] current() {
        long slot = clock.millis() / bucketMillis;
        return slot == currentSlot ? buckets[(int) (slot % buckets.length)] : rotate(slot);
    }

    private synchronized byte[] rotate(long slot) {
        int index = (int) (slot % buckets.length);
        long start = slot * bucketMillis;
        if (bucketStart[index] != start) {
            bucketStart[index] = start;
            Arrays.fill(buckets[index], (byte) 0);
        }
        currentSlot = slot;
        return buckets[index];
    }

    /** SplitMix64 finaliser: spreads sequential ids over all 64 bits. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
