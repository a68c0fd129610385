package io.keel.runtime.lag;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Measures how late the virtual-thread scheduler runs ready work: a virtual thread sleeps a fixed interval and records
 * how much later than asked it woke up. When carriers are busy (CPU work or pinning on the carriers) this lag grows
 * long before request latency shows why.
 *
 * <p>Meters: {@code keel_scheduler_lag_seconds} (histogram with percentile buckets and SLO buckets 1 ms..5 s, so it
 * aggregates in Prometheus) and {@code keel_scheduler_lag_window_max_seconds} (largest lag within the last one to two
 * windows). Thread-safe; one virtual thread; no allocation per sample beyond Micrometer's. {@link #close} stops it.
 */
public final class SchedulerLagMonitor implements AutoCloseable {
    /** Blocks the monitor thread for the given time; a seam so tests can stall deterministically. */
    interface Sleeper {
        void sleep(Duration interval) throws InterruptedException;
    }

    private final Duration interval;
    private final long windowNanos;
    private final LongSupplier clock;
    private final Sleeper sleeper;
    private final Timer lag;
    private final Gauge windowMax;
    private final MeterRegistry registry;
    private final Thread thread;
    // Rolling maximum in two buckets: written only by the monitor thread, read by scrapes.
    private volatile long currentMaxNanos;
    private volatile long previousMaxNanos;
    private long windowStart;

    private SchedulerLagMonitor(MeterRegistry registry, Duration interval, Duration window, LongSupplier clock,
                                Sleeper sleeper) {
        if (!interval.isPositive() || window.compareTo(interval) < 0) {
            throw new IllegalArgumentException("scheduler lag interval was " + interval + " and window " + window
                    + ", allowed: interval > 0 and window >= interval");
        }
        this.registry = registry;
        this.interval = interval;
        this.windowNanos = window.toNanos();
        this.clock = clock;
        this.sleeper = sleeper;
        this.lag = Timer.builder("keel.scheduler.lag")
                .description("How much later than scheduled a sleeping virtual thread woke up")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
                .serviceLevelObjectives(ms(1), ms(5), ms(10), ms(25), ms(50), ms(100), ms(250), ms(500), ms(1000),
                        ms(2500), ms(5000))
                .register(registry);
        this.windowMax = Gauge.builder("keel.scheduler.lag.window.max", this, m -> m.maxLag().toNanos() / 1e9)
                .description("Largest scheduler lag in the last window").baseUnit("seconds")
                .strongReference(true).register(registry);
        this.windowStart = clock.getAsLong();
        this.thread = Thread.ofVirtual().name("keel-scheduler-lag").unstarted(this::loop);
    }

    /** Starts a monitor sampling every 100 ms with a 10 s max window. */
    public static SchedulerLagMonitor start(MeterRegistry registry) {
        return start(registry, Duration.ofMillis(100), Duration.ofSeconds(10));
    }

    /**
     * Starts a monitor.
     *
     * @param interval how long the probe sleeps between samples (smaller = finer, costlier); must be positive
     * @param window   span of the window-max gauge; at least {@code interval}
     */
    public static SchedulerLagMonitor start(MeterRegistry registry, Duration interval, Duration window) {
        return start(registry, interval, window, System::nanoTime, d -> Thread.sleep(d));
    }

    static SchedulerLagMonitor start(MeterRegistry registry, Duration interval, Duration window, LongSupplier clock,
                                     Sleeper sleeper) {
        var monitor = new SchedulerLagMonitor(registry, interval, window, clock, sleeper);
        monitor.thread.start();
        return monitor;
    }

    private void loop() {
        long intervalNanos = interval.toNanos();
        while (!Thread.currentThread().isInterrupted()) {
            long before = clock.getAsLong();
            try {
                sleeper.sleep(interval);
            } catch (InterruptedException e) {
                return; // closed
            }
            long now = clock.getAsLong();
            record(Math.max(0, now - before - intervalNanos), now);
        }
    }

    private void record(long lagNanos, long now) {
        lag.record(lagNanos, TimeUnit.NANOSECONDS);
        if (now - windowStart >= windowNanos) {
            previousMaxNanos = currentMaxNanos;
            currentMaxNanos = 0;
            windowStart = now;
        }
        if (lagNanos > currentMaxNanos) {
            currentMaxNanos = lagNanos;
        }
    }

    /** The largest lag seen in the current and the previous window. Non-blocking. */
    public Duration maxLag() {
        return Duration.ofNanos(Math.max(currentMaxNanos, previousMaxNanos));
    }

    /** Stops the probe thread and removes the meters; waits up to a second for the thread to end. */
    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            registry.remove(lag);
            registry.remove(windowMax);
        }
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }
}
