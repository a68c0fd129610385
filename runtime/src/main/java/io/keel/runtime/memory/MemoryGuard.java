package io.keel.runtime.memory;

import io.keel.runtime.health.HealthCheck;
import io.keel.runtime.metrics.ProcessMemory;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;

/**
 * Memory pressure, judged the way that predicts an OutOfMemoryError or an OOM kill: heap still in use right after the
 * last garbage collection, as a share of the maximum heap, and (when a limit is set) the process's resident set size.
 * Over either bound the service sheds work that allocates (heavy and streaming requests answer 503) and reports not
 * ready, so a load balancer moves traffic elsewhere while GC catches up. Light requests keep being served.
 *
 * <p>Thread-safe; each check reads MXBeans and /proc (microseconds), no caching needed at request rates.
 */
public final class MemoryGuard {
    private final double heapLimitRatio;
    private final long rssLimitBytes;
    private final List<MemoryPoolMXBean> heapPools;
    private final ProcessMemory process = new ProcessMemory();
    private final long maxHeap = Runtime.getRuntime().maxMemory();

    /**
     * @param heapLimitRatio share of the max heap live after GC beyond which memory is under pressure (0..1]
     * @param rssLimitBytes  resident set size beyond which memory is under pressure; 0 = no RSS limit
     */
    public MemoryGuard(double heapLimitRatio, long rssLimitBytes, MeterRegistry registry) {
        this.heapLimitRatio = heapLimitRatio;
        this.rssLimitBytes = rssLimitBytes;
        this.heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP && p.isCollectionUsageThresholdSupported())
                .toList();
        Gauge.builder("keel.memory.heap.after.gc.ratio", this, MemoryGuard::heapAfterGcRatio)
                .description("Heap in use after the last GC divided by the max heap")
                .strongReference(true)
                .register(registry);
        Gauge.builder("keel.memory.pressure", this, g -> g.underPressure() ? 1 : 0)
                .description("1 while the service sheds allocating work because of memory pressure")
                .strongReference(true)
                .register(registry);
        Gauge.builder("keel.memory.rss.limit.bytes", () -> rssLimitBytes)
                .description("The configured resident set size limit; 0 when none is set")
                .baseUnit("bytes")
                .register(registry);
        Gauge.builder("keel.memory.heap.limit.ratio", () -> heapLimitRatio)
                .description("The configured share of the max heap live after GC at which shedding starts")
                .register(registry);
    }

    /** Heap in use right after the most recent collection of each heap pool, over the max heap. */
    public double heapAfterGcRatio() {
        long used = 0;
        for (MemoryPoolMXBean pool : heapPools) {
            MemoryUsage usage = pool.getCollectionUsage();
            if (usage != null) {
                used += usage.getUsed();
            }
        }
        return maxHeap > 0 ? (double) used / maxHeap : 0;
    }

    public boolean underPressure() {
        if (heapAfterGcRatio() > heapLimitRatio) {
            return true;
        }
        return rssLimitBytes > 0 && process.residentBytes() > rssLimitBytes;
    }

    /** Readiness: down while under pressure, with the figures that explain why. */
    public HealthCheck healthCheck() {
        return () -> {
            String detail = String.format("heap after GC %.0f%% of max (limit %.0f%%), rss %.0f MiB%s",
                    heapAfterGcRatio() * 100, heapLimitRatio * 100, process.residentBytes() / 1048576.0,
                    rssLimitBytes > 0 ? " (limit " + rssLimitBytes / 1048576 + " MiB)" : "");
            return underPressure() ? HealthCheck.Result.down(detail) : HealthCheck.Result.up(detail);
        };
    }
}
