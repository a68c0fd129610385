package io.keel.microbench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * CPU time the benchmark thread spent per iteration, next to JMH's own figures: on a shared machine wall time per
 * operation includes waiting for a core, CPU time does not. Report {@code cpuNanos / ops}: both are totals per
 * iteration ({@link AuxCounters.Type#EVENTS}), so their ratio is the CPU nanoseconds one operation cost.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class CpuTime {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public long cpuNanos;
    public long ops;
    private long start;

    @Setup(Level.Iteration)
    public void start() {
        cpuNanos = 0;
        ops = 0;
        start = THREADS.getCurrentThreadCpuTime();
    }

    @TearDown(Level.Iteration)
    public void stop() {
        cpuNanos = THREADS.getCurrentThreadCpuTime() - start;
    }
}
