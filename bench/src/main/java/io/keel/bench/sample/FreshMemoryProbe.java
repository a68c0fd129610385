package io.keel.bench.sample;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * What this machine charges a process for a page of memory it has never touched: {@link #BYTES} taken from the
 * allocator (large enough that glibc maps it fresh and unmaps it on free), every 4 KiB page written once, then
 * given back; the median of {@link #ROUNDS} rounds, per page. It is the price of a page fault, which a virtual
 * machine's hypervisor sets more than its guest does: on session 12's 2-core machine a fresh page cost 13 µs (0.26
 * GB/s, against 7-16 GB/s for the same bytes in transparent huge pages), and every service that maps memory per
 * request paid it (libsodium's Argon2: 4,864 faults per login; docs/benchmarks.md, session 12). So the report prints
 * it beside the cores: two runs compare only where it is similar. Stateless.
 */
public final class FreshMemoryProbe {
    static final long BYTES = 64L << 20;
    static final int ROUNDS = 3;
    private static final long PAGE = 4096;

    private FreshMemoryProbe() {
    }

    /** Median microseconds per fresh 4 KiB page; takes well under a second even where a fault costs 15 µs. */
    public static double microsPerPage() {
        double[] rounds = new double[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) {
            long start = System.nanoTime();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment memory = arena.allocate(BYTES, PAGE);
                for (long offset = 0; offset < BYTES; offset += PAGE) {
                    memory.set(ValueLayout.JAVA_BYTE, offset, (byte) 1);
                }
            }
            rounds[i] = (System.nanoTime() - start) / 1e3 / (BYTES / PAGE);
        }
        Arrays.sort(rounds);
        return rounds[ROUNDS / 2];
    }
}
