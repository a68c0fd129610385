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
import java.util.Optional;
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
 * Listens to every garbage collection and keeps the heap in use right after it (all heap pools); the collections that
 * show what is really live (chosen by {@link FloorSampler}: full collections, ZGC major cycles, the end of a G1
 * marking cycle) also feed that figure to a {@link HeapFloor}, whose slope is the leak signal. Meters:
 * {@code keel_memory_heap_after_gc_bytes}, {@code keel_memory_heap_floor_slope_bytes_per_second},
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
    private final FloorSampler sampler = new FloorSampler(this::sample);
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
                .description("Heap in use after the most recent collection that showed what is really live (full "
                        + "collection, ZGC major cycle, end of a G1 marking cycle): the latest floor sample, -1 before "
                        + "the first")
                .baseUnit("bytes")
                .register(registry);
        FunctionCounter.builder("keel.memory.old.reclaims", gc.reclaims, AtomicLong::get)
                .description("Samples of the heap floor: collections that showed what is really live (full, ZGC major, "
                        + "end of a G1 marking cycle)")
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
        Optional<FloorSampler.Kind> kind = kind(info.getGcName(), info.getGcAction(), !oldPools.isEmpty());
        if (kind.isEmpty()) {
            return;
        }
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
        if (kind.get() != FloorSampler.Kind.MARKING_DONE) {
            last.set(used); // G1's remark and cleanup pauses leave eden as it was: not "after GC"
        }
        sampler.accept(new FloorSampler.GcEvent(kind.get(), clock.getAsLong(), used, oldAfter < oldBefore));
    }

    /**
     * What a collection says about liveness, from its collector's name and action (as HotSpot reports them in JDK 25);
     * empty for notifications that carry no heap figures (ZGC's and Shenandoah's pauses).
     */
    static Optional<FloorSampler.Kind> kind(String gcName, String gcAction, boolean generational) {
        if (gcName.endsWith(" Pauses")) {
            return Optional.empty(); // the cycle's own notification follows, with the figures
        }
        if (gcName.equals("G1 Concurrent GC")) {
            return Optional.of(FloorSampler.Kind.MARKING_DONE); // remark and cleanup: both end the marking
        }
        if (!generational || gcAction.equals("end of major GC") || gcName.equals("ZGC Major Cycles")) {
            return Optional.of(FloorSampler.Kind.WHOLE_HEAP);
        }
        return Optional.of(FloorSampler.Kind.YOUNG);
    }

    private void sample(long atMillis, long heapBytes) {
        floor.record(atMillis, heapBytes);
        lastOld.set(heapBytes);
        reclaims.incrementAndGet();
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
