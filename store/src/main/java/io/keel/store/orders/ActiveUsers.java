package io.keel.store.orders;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Distinct users seen in a sliding window (default 5 minutes), in bounded memory whatever the number of users: one
 * HyperLogLog sketch (2^12 registers, standard error 1.04/sqrt(4096) = 1.6%) per minute, the window's answer being
 * their union. Memory is 4 KiB per minute bucket.
 *
 * <p>Thread-safe and lock-free: {@link #seen} (once per signed-in request) raises one register with a compare-and-set
 * (usually a single read: once a register holds a rank, most sightings find it already high enough), and a new minute
 * replaces its bucket with a fresh one (period and zeroed registers together) by one compare-and-set, so no sighting
 * of the new minute can land in registers that are about to be cleared. Only a sighting that read the old bucket just
 * before the swap and writes just after it is lost. {@link #estimate} reads without locking and may miss a sighting
 * made at the same instant. Apache DataSketches' HLL would replace the sketch but not the windowing, and it is not
 * thread-safe, so each update would need a lock again; this sketch is 100 lines and tested for its error bound.
 */
public final class ActiveUsers {
    private static final int P = 12;
    private static final int M = 1 << P;
    private static final double ALPHA = 0.7213 / (1 + 1.079 / M);
    private static final VarHandle REGISTER = MethodHandles.arrayElementVarHandle(byte[].class);

    private final Clock clock;
    private final long bucketMillis;
    private final AtomicReferenceArray<Bucket> buckets;

    /** One minute's registers and the period (clock millis / bucketMillis) they count; -1 = none yet. */
    @SuppressWarnings("ArrayRecordComponent") // the registers are shared mutable state by design, never compared
    private record Bucket(long period, byte[] registers) {
    }

    public ActiveUsers(Clock clock, Duration window) {
        this.clock = clock;
        int count = (int) Math.max(1, window.toMinutes());
        this.bucketMillis = window.toMillis() / count;
        this.buckets = new AtomicReferenceArray<>(count);
        for (int b = 0; b < count; b++) {
            buckets.set(b, new Bucket(-1, new byte[M]));
        }
    }

    /** Records that {@code userId} was active now. Lock-free. */
    public void seen(long userId) {
        long hash = mix(userId);
        int index = (int) (hash >>> (64 - P));
        byte rank = (byte) (Long.numberOfLeadingZeros((hash << P) | (1L << (P - 1))) + 1);
        long period = clock.millis() / bucketMillis;
        int b = (int) (period % buckets.length());
        Bucket bucket = buckets.get(b);
        while (bucket.period() < period) { // a new minute: its fresh bucket replaces the old one's
            Bucket fresh = new Bucket(period, new byte[M]);
            if (buckets.compareAndSet(b, bucket, fresh)) {
                bucket = fresh;
            } else {
                bucket = buckets.get(b); // another thread won; use (or, if still older, replace) what it put
            }
        }
        byte[] registers = bucket.registers();
        byte current;
        while ((current = (byte) REGISTER.getOpaque(registers, index)) < rank) {
            if (REGISTER.compareAndSet(registers, index, current, rank)) {
                return;
            }
        }
    }

    /** Estimated distinct users in the window. Lock-free; allocates one 4 KiB union. */
    public long estimate() {
        long now = clock.millis() / bucketMillis;
        byte[] union = new byte[M];
        for (int b = 0; b < buckets.length(); b++) {
            Bucket bucket = buckets.get(b);
            if (bucket.period() >= 0 && now - bucket.period() < buckets.length()) {
                byte[] registers = bucket.registers();
                for (int i = 0; i < M; i++) {
                    union[i] = (byte) Math.max(union[i], (byte) REGISTER.getOpaque(registers, i));
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
            estimate = M * Math.log((double) M / zeros); // linear counting: more precise for small counts
        }
        return Math.round(estimate);
    }

    /** SplitMix64 finaliser: spreads sequential ids over all 64 bits. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
