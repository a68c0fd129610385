package io.keel.runtime.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jdk.management.VirtualThreadSchedulerMXBean;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The service's Prometheus registry with the JVM and process meters bound: memory pools, GC, threads, classes,
 * heap pressure, CPU, open files, uptime, resident set size (read from /proc, which Micrometer lacks), and the
 * virtual-thread scheduler (pool size, mounted and queued virtual threads). Pinned and failed-to-start virtual threads
 * are counted by {@link io.keel.runtime.lag.PinnedThreadMonitor}, the one JFR stream for them: Micrometer's
 * {@code VirtualThreadMetrics} is not bound, since it would run a second stream over the same events and register
 * the scheduler gauges below a second time under other names.
 *
 * <p>One instance per server; {@link #close()} stops the binders that run JFR streams or GC listeners.
 */
public final class RuntimeMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    private RuntimeMetrics(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    public static RuntimeMetrics create() {
        RuntimeMetrics metrics = new RuntimeMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        metrics.bind();
        return metrics;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    private void bind() {
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        closeables.add(gc);
        JvmHeapPressureMetrics pressure = new JvmHeapPressureMetrics();
        pressure.bindTo(registry);
        closeables.add(pressure);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        ProcessMemory memory = new ProcessMemory();
        Gauge.builder("process.resident.memory.bytes", memory, ProcessMemory::residentBytes)
                .description("Resident set size of this process, from /proc/self/status")
                .baseUnit("bytes")
                .strongReference(true)
                .register(registry);
        Gauge.builder("process.virtual.memory.bytes", memory, ProcessMemory::virtualBytes)
                .description("Virtual memory size of this process, from /proc/self/status")
                .baseUnit("bytes")
                .strongReference(true)
                .register(registry);
        bindVirtualThreadScheduler();
    }

    private void bindVirtualThreadScheduler() {
        VirtualThreadSchedulerMXBean scheduler =
                ManagementFactory.getPlatformMXBean(VirtualThreadSchedulerMXBean.class);
        Gauge.builder("keel.vthread.scheduler.parallelism", scheduler, VirtualThreadSchedulerMXBean::getParallelism)
                .description("Target parallelism of the virtual thread scheduler (carrier threads)")
                .register(registry);
        Gauge.builder("keel.vthread.scheduler.pool.size", scheduler, VirtualThreadSchedulerMXBean::getPoolSize)
                .description("Carrier threads started by the virtual thread scheduler")
                .register(registry);
        Gauge.builder("keel.vthread.mounted", scheduler, VirtualThreadSchedulerMXBean::getMountedVirtualThreadCount)
                .description("Virtual threads currently mounted on a carrier")
                .register(registry);
        Gauge.builder("keel.vthread.queued", scheduler, VirtualThreadSchedulerMXBean::getQueuedVirtualThreadCount)
                .description("Virtual threads queued to run, waiting for a carrier")
                .register(registry);
    }

    @Override
    public void close() {
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception e) {
                // closing a binder cannot fail in a way the caller could act on
            }
        }
        registry.close();
    }
}
