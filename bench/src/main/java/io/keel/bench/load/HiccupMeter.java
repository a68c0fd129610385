package io.keel.bench.load;

import io.keel.bench.sample.MachineLoad;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A hiccup meter, after Gil Tene's jHiccup: one platform thread of the load generator asks to sleep 1 ms, again and
 * again, and keeps the longest time a sleep overran. A pause it sees stopped the whole generator process (the
 * hypervisor taking the CPU, the kernel's scheduler, a safepoint of this JVM); a dispatch lag it did not see happened
 * inside the generator's dispatch path (its virtual-thread carriers busy, say). Once a second it also reads the
 * machine's steal time ({@code /proc/stat}: CPU time the hypervisor gave to other guests), and keeps the steal around
 * its longest pause. Bounded: one thread and a few fields; {@link #close()} stops the thread.
 */
final class HiccupMeter implements AutoCloseable {
    static final long SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long READ_STEAL_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final double MS_PER_JIFFY = 10; // USER_HZ is 100 on Linux

    private final long startNanos;
    private final MachineLoad machine;
    private final Runnable sleep;
    private final Thread thread;
    // written by the meter's thread; read by close() after joining it
    private long longestNanos;
    private long longestEndNanos;
    private long stealBeforeLongest = -1;
    private long stealAroundLongest = -1;

    /** {@code sleep} asks for {@link #SLEEP_NANOS}; tests give one that overruns. */
    HiccupMeter(long startNanos, MachineLoad machine, Runnable sleep, String name) {
        this.startNanos = startNanos;
        this.machine = machine;
        this.sleep = sleep;
        this.thread = Thread.ofPlatform().daemon().name("bench-hiccups-" + name).start(this::measure);
    }

    /** Starts a meter whose seconds count from {@code startNanos} ({@link System#nanoTime()}). */
    static HiccupMeter start(String name, long startNanos) {
        return new HiccupMeter(startNanos, MachineLoad.system(), () -> LockSupport.parkNanos(SLEEP_NANOS), name);
    }

    private void measure() {
        long steal = machine.stealJiffies();
        long stealRead = System.nanoTime();
        while (!Thread.currentThread().isInterrupted()) {
            long before = System.nanoTime();
            sleep.run();
            long after = System.nanoTime();
            if (after - before - SLEEP_NANOS > longestNanos) {
                longestNanos = after - before - SLEEP_NANOS;
                longestEndNanos = after;
                stealBeforeLongest = steal;
                stealAroundLongest = -1;
            }
            if (after - stealRead >= READ_STEAL_EVERY_NANOS) {
                steal = machine.stealJiffies();
                stealRead = after;
                if (stealAroundLongest < 0 && stealBeforeLongest >= 0 && steal >= 0) {
                    stealAroundLongest = steal - stealBeforeLongest;
                }
            }
        }
    }

    /** Stops the meter and returns its longest pause; the phase's largest dispatch lag comes from the recorder. */
    Stall stop(double maxLagMs, double maxLagAtSecond) {
        close();
        return new Stall(maxLagMs, maxLagAtSecond, longestNanos / 1e6,
                longestNanos == 0 ? Double.NaN : (longestEndNanos - startNanos) / 1e9,
                stealAroundLongest < 0 ? Double.NaN : stealAroundLongest * MS_PER_JIFFY);
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
