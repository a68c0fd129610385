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
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

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
    /** Where a virtual thread's scrape runs ({@link #scrape()}); its thread starts with the first such scrape. */
    private final ExecutorService scraper = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("keel-metrics-scrape").factory());

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

    /**
     * The Prometheus text exposition of every meter, written on {@link #scraper}'s platform thread when called from a
     * virtual one.
     *
     * <p>Why: the Prometheus client writes through a {@link java.io.BufferedWriter}, which since JDK 23 starts with a
     * 512-char buffer on a virtual thread and grows it to exactly what each write needs, up to 8,192 chars: a copy
     * of the whole buffer per label or number written. A 280 KB exposition (45 timers with percentile histograms)
     * allocated 17.8 MB per scrape on a virtual thread and 2.4 MB on a platform thread (all threads' allocated bytes
     * over 50 scrapes). In a JFR allocation profile of the prod-mix benchmark, which scrapes once a second, the
     * store's scrapes were 18% of its allocation under the storm and 53% without it, each byte bringing the next
     * young collection closer. Scrapes queue on the one thread; each takes milliseconds ({@code RuntimeMetricsTest}
     * shows where it runs).
     */
    public String scrape() {
        if (!Thread.currentThread().isVirtual()) {
            return registry.scrape();
        }
        try {
            return scraper.submit((Callable<String>) registry::scrape).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while scraping the metrics", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
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
        scraper.shutdownNow();
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
