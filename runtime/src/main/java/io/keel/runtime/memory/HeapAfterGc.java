package io.keel.runtime.memory;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Listens to every garbage collection and keeps the heap in use right after it (all heap pools); after collections
 * that gave back old-generation space it also feeds that figure to a {@link HeapFloor}, whose slope is the leak signal. Meters: {@code keel_memory_heap_after_gc_bytes}, {@code keel_memory_heap_floor_slope_bytes_per_second},
 * {@code keel_memory_leak_suspected} (0/1) and {@code keel_memory_leak_threshold_bytes_per_second}. Old generation
 * after GC, metaspace, classes, buffers, threads and descriptors come from Micrometer's JVM binders (see
 * {@code RuntimeMetrics}); this adds only what they lack.
 *
 * <p>The listener runs on the JMX notification thread, once per collection, and takes microseconds.
 * {@link #close()} removes it.
 */
public final class HeapAfterGc implements AutoCloseable {
    private final HeapFloor floor;
    private final LongSupplier clock;
    private final AtomicLong last = new AtomicLong(-1);
    private final AtomicLong lastOld = new AtomicLong(-1);
    private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
    private final Set<String> oldPools = heapPools.stream()
            .filter(name -> name.contains("Old") || name.contains("Tenured")).collect(Collectors.toSet());
    private final AtomicLong reclaims = new AtomicLong();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = this::onNotification;

    private HeapAfterGc(HeapFloor floor, LongSupplier clock) {
        this.floor = floor;
        this.clock = clock;
    }

    /** Starts listening and registers the meters. */
    public static HeapAfterGc start(MemorySettings settings, MeterRegistry registry) {
        HeapAfterGc gc = new HeapAfterGc(new HeapFloor(settings.leakWindow(), settings.leakSlopePerHour()),
                System::currentTimeMillis);
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (bean instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(gc.listener, null, null);
                gc.emitters.add(emitter);
            }
        }
        Gauge.builder("keel.memory.heap.after.gc", gc.last, AtomicLong::get)
                .description("Heap in use right after the most recent garbage collection (-1 before the first)")
                .baseUnit("bytes")
                .register(registry);
        Gauge.builder("keel.memory.heap.after.old.gc", gc.lastOld, AtomicLong::get)
                .description("Heap in use right after the most recent collection that gave back old-generation space "
                        + "(-1 before the first): what is really live")
                .baseUnit("bytes")
                .register(registry);
        FunctionCounter.builder("keel.memory.old.reclaims", gc.reclaims, AtomicLong::get)
                .description("Collections that gave back old-generation space: the samples of the heap floor")
                .register(registry);
        Gauge.builder("keel.memory.heap.floor.slope", gc, g -> g.floor.slopePerSecond(g.clock.getAsLong()))
                .description("Growth of the heap-after-GC floor over the leak window (KEEL_LEAK_WINDOW); NaN until "
                        + "half the window has data")
                .baseUnit("bytes.per.second")
                .register(registry);
        Gauge.builder("keel.memory.leak.suspected", gc, g -> g.floor.leakSuspected(g.clock.getAsLong()) ? 1 : 0)
                .description("1 while the heap-after-GC floor grows faster than KEEL_LEAK_SLOPE over KEEL_LEAK_WINDOW")
                .register(registry);
        Gauge.builder("keel.memory.leak.threshold", gc.floor, HeapFloor::thresholdPerSecond)
                .description("The floor growth (KEEL_LEAK_SLOPE) above which a leak is suspected")
                .baseUnit("bytes.per.second")
                .register(registry);
        Gauge.builder("keel.memory.direct.limit", VmOptions::maxDirectMemory)
                .description("Ceiling of NIO direct buffers (-XX:MaxDirectMemorySize); compare jvm_buffer_memory_used_bytes")
                .baseUnit("bytes")
                .register(registry);
        return gc;
    }

    private void onNotification(Notification notification, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info =
                GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        long used = 0;
        long oldBefore = 0;
        long oldAfter = 0;
        Map<String, MemoryUsage> before = info.getGcInfo().getMemoryUsageBeforeGc();
        for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(pool.getKey())) {
                used += pool.getValue().getUsed();
            }
            if (oldPools.contains(pool.getKey())) {
                oldAfter += pool.getValue().getUsed();
                oldBefore += before.get(pool.getKey()).getUsed();
            }
        }
        last.set(used);
        // Only a collection that gave back old-generation space (G1 mixed, remark or cleanup, any full GC) shows
        // what is really live: after a young collection the old generation holds everything ever promoted, so that
        // figure climbs between old collections even without a leak. One-generation collectors qualify every time.
        if (oldPools.isEmpty() || oldAfter < oldBefore) {
            floor.record(clock.getAsLong(), used);
            lastOld.set(used);
            reclaims.incrementAndGet();
        }
    }

    @Override
    public void close() {
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(listener);
            } catch (ListenerNotFoundException e) {
                // already gone
            }
        }
    }
}
