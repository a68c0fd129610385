package io.keel.runtime.memory;

import io.keel.runtime.config.Settings;

import java.time.Duration;
import java.util.Map;

import static io.keel.runtime.KeelSettingTable.*;

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

    /** Reads every memory key; fails at the first invalid value, naming key, value and range. */
    public static MemorySettings from(Settings s) {
        return new MemorySettings(
                s.bytes(MAX_HEAP),
                s.bytes(MAX_METASPACE),
                s.bytes(CODE_CACHE),
                s.bytes(MAX_DIRECT_MEMORY),
                s.bytes(THREAD_STACK_RESERVE),
                s.integer(NATIVE_OVERHEAD_PERCENT),
                s.integer(HEAP_DUMPS_KEPT),
                s.duration(LEAK_WINDOW),
                s.bytes(LEAK_SLOPE));
    }

    /** Defaults only: for tests and embedding. */
    public static MemorySettings defaults() {
        return from(Settings.of(Map.of()));
    }
}
