package io.keel.bench.sample;

import io.keel.bench.BenchException;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Waits, bounded, for a quiet machine before a measured phase: until other processes used at most
 * {@code maxOtherShare} of the CPU over one {@code window}, or {@code maxWait} has passed (then the phase runs
 * anyway and the share is printed and noted). Immutable; {@link #await} blocks.
 *
 * @param maxWait       longest wait; zero = do not wait (only measure)
 * @param maxOtherShare 0..1, e.g. 0.1 = 10% of all cores
 * @param window        length of one measurement of the share
 */
public record QuietWait(Duration maxWait, double maxOtherShare, Duration window) {
    public static final QuietWait NONE = new QuietWait(Duration.ZERO, 1, Duration.ofMillis(200));

    public QuietWait {
        if (maxWait.isNegative() || !(maxOtherShare >= 0 && maxOtherShare <= 1) || window.isNegative()
                || window.isZero()) {
            throw new BenchException("--quiet-wait must be >= 0, --quiet-max-other in 0..100%, window > 0; got "
                    + maxWait + ", " + maxOtherShare + ", " + window);
        }
    }

    /** Blocks until quiet or {@code maxWait}; returns the last measured share of other processes (NaN if none). */
    public double await(MachineLoad load, Supplier<List<Long>> ours, PrintStream log, String phase) {
        if (maxWait.isZero()) {
            return Double.NaN;
        }
        long end = System.nanoTime() + maxWait.toNanos();
        double share;
        do {
            MachineLoad.Reading a = load.read(ours.get());
            sleep(window);
            share = load.read(ours.get()).otherShareSince(a);
            if (Double.isNaN(share) || share <= maxOtherShare) {
                return share;
            }
            log.println("waiting for a quiet machine before " + phase + ": other processes use "
                    + MachineLoad.percent(share) + " of the CPU (limit " + MachineLoad.percent(maxOtherShare) + ")");
        } while (System.nanoTime() < end);
        log.println("machine still busy after " + maxWait.toSeconds() + " s; measuring " + phase + " anyway");
        return share;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while waiting for a quiet machine", e);
        }
    }
}
