package io.keel.runtime.memory;

import io.keel.runtime.config.Settings;

import java.time.Duration;
import java.util.Map;

/**
 * How the JVM's memory is split and how a leak is recognised. Read once at start; immutable.
 *
 * @param maxHeap          heap ceiling; 0 = size it from the cgroup memory limit ({@code KEEL_MAX_HEAP}, 0)
 * @param maxMetaspace     class metadata ceiling, {@code -XX:MaxMetaspaceSize} ({@code KEEL_MAX_METASPACE}, 192m)
 * @param codeCache        JIT code cache, {@code -XX:ReservedCodeCacheSize} ({@code KEEL_CODE_CACHE}, 96m)
 * @param maxDirectMemory  NIO direct buffers, {@code -XX:MaxDirectMemorySize} ({@code KEEL_MAX_DIRECT_MEMORY}, 64m)
 * @param threadStacks     room kept for platform thread stacks ({@code KEEL_THREAD_STACK_RESERVE}, 64m: 64 threads
 *                         of 1 MiB; virtual thread stacks live on the heap)
 * @param nativePercent    share of the budget kept for GC structures, malloc arenas and other native memory
 *                         ({@code KEEL_NATIVE_OVERHEAD_PERCENT}, 10)
 * @param heapDumpsKept    heap dumps kept in {@code <data>/dumps}, newest first ({@code KEEL_HEAP_DUMPS_KEPT}, 3)
 * @param leakWindow       sliding window over which the heap-after-GC floor's slope is fitted
 *                         ({@code KEEL_LEAK_WINDOW}, 30m)
 * @param leakSlopePerHour floor growth per hour that counts as a suspected leak ({@code KEEL_LEAK_SLOPE}, 64m)
 */
public record MemorySettings(
        long maxHeap,
        long maxMetaspace,
        long codeCache,
        long maxDirectMemory,
        long threadStacks,
        int nativePercent,
        int heapDumpsKept,
        Duration leakWindow,
        long leakSlopePerHour) {

    private static final long MB = 1024 * 1024;
    private static final long TB = MB * MB;

    /** Reads every memory key; fails at the first invalid value, naming key, value and range. */
    public static MemorySettings from(Settings s) {
        return new MemorySettings(
                s.bytes("max-heap", 0, 0, TB),
                s.bytes("max-metaspace", 192 * MB, 32 * MB, 64L * 1024 * MB),
                s.bytes("code-cache", 96 * MB, 16 * MB, 2048 * MB),
                s.bytes("max-direct-memory", 64 * MB, MB, TB),
                s.bytes("thread-stack-reserve", 64 * MB, 0, 64L * 1024 * MB),
                s.integer("native-overhead-percent", 10, 0, 50),
                s.integer("heap-dumps-kept", 3, 1, 100),
                s.duration("leak-window", Duration.ofMinutes(30), Duration.ofSeconds(20), Duration.ofDays(7)),
                s.bytes("leak-slope", 64 * MB, 1024, TB));
    }

    /** Defaults only: for tests and embedding. */
    public static MemorySettings defaults() {
        return from(Settings.of(Map.of()));
    }
}
