package io.keel.runtime.dashboard;

import io.micrometer.core.instrument.Timer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Computes the {@code /api/stats} document from the registry: current gauges read directly, rates and windowed
 * percentiles from the difference between the current sample and one taken about {@link #RATE_WINDOW} earlier (a
 * service's figures choose their own window, up to {@link Figure#MAX_WINDOW}). A figure whose meter is missing is
 * null. It names the runtime's own meters only; what a service adds comes through {@link Figures}.
 *
 * <p>Thread-safe: one lock serialises sampling; a document younger than {@link #REUSE} is served again, so any number
 * of pollers costs at most a few registry walks per second. Blocks only on gauges whose functions block.
 */
final class StatsCollector {
    static final Duration RATE_WINDOW = Duration.ofSeconds(10);
    static final Duration REUSE = Duration.ofMillis(250);
    private static final int MAX_SAMPLES = 256;

    private final MeterReader meters;
    private final Figures figures;
    private final LongSupplier nanoClock;
    private final Clock wallClock;
    private final SampleWindow window = new SampleWindow(MAX_SAMPLES, Duration.ofMillis(500), Figure.MAX_WINDOW);
    private final ReentrantLock lock = new ReentrantLock();
    private Map<String, Object> last;
    private long lastNanos;

    StatsCollector(MeterReader meters, Figures figures, LongSupplier nanoClock, Clock wallClock) {
        this.meters = meters;
        this.figures = figures;
        this.nanoClock = nanoClock;
        this.wallClock = wallClock;
        window.add(Sample.take(meters, figures, nanoClock.getAsLong()));
    }

    /** The current document; a fresh one unless the previous is younger than {@link #REUSE}. */
    Map<String, Object> stats() {
        lock.lock();
        try {
            long now = nanoClock.getAsLong();
            if (last == null || now - lastNanos >= REUSE.toNanos()) {
                Sample current = Sample.take(meters, figures, now);
                last = Collections.unmodifiableMap(build(current, window.baseline(now, RATE_WINDOW),
                        span -> window.baseline(now, span)));
                lastNanos = now;
                window.add(current);
            }
            return last;
        } finally {
            lock.unlock();
        }
    }

    private Map<String, Object> build(Sample now, Sample recent, Function<Duration, Sample> baseline) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("time", Instant.now(wallClock).toString());
        doc.put("uptimeSeconds", round(meters.seconds("process.uptime"), 1));
        doc.put("windowSeconds", round(now.seconds(recent), 2));
        doc.put("http", http(now, recent));
        doc.put("memory", memory(now, recent));
        doc.put("cpu", cpu());
        doc.put("scheduler", scheduler(now, recent));
        doc.put("cpuPool", cpuPool(now, recent));
        doc.put("sse", sse());
        doc.put("figures", figures.render(now, baseline));
        return doc;
    }

    private Map<String, Object> http(Sample now, Sample recent) {
        Map<String, Object> http = new LinkedHashMap<>();
        double requests = now.requests() - recent.requests();
        double errors = now.serverErrors() - recent.serverErrors();
        http.put("requestsTotal", (long) now.requests());
        http.put("requestsPerSecond", rate(requests, now.seconds(recent)));
        http.put("serverErrorsTotal", (long) now.serverErrors());
        http.put("serverErrorsPerSecond", rate(errors, now.seconds(recent)));
        http.put("serverErrorRatio", requests > 0 && errors >= 0 ? round(errors / requests, 4) : null);
        double clientErrors = now.clientErrors() - recent.clientErrors();
        http.put("clientErrorsTotal", (long) now.clientErrors());
        http.put("clientErrorsPerSecond", rate(clientErrors, now.seconds(recent)));
        http.put("clientErrorRatio", requests > 0 && clientErrors >= 0 ? round(clientErrors / requests, 4) : null);
        http.put("rejectedBeforeRoutingTotal", whole(meters.count("keel.http.rejected.requests")));
        http.put("connectionsOpen", whole(meters.value("keel.http.connections.active")));
        http.put("connectionsRefusedTotal", whole(meters.count("keel.http.connections.refused")));
        http.put("headerTimeoutsTotal", whole(meters.count("keel.http.header.timeouts")));
        Histogram latency = now.latency().since(recent.latency());
        http.put("latencyP50Ms", millis(latency.quantile(0.5)));
        http.put("latencyP99Ms", millis(latency.quantile(0.99)));
        http.put("latencyP999Ms", millis(latency.quantile(0.999)));
        http.put("inFlight", whole(meters.value("keel.http.inflight.requests")));
        http.put("shedTotal", whole(meters.count("keel.requests.shed")));
        http.put("shedPerSecond", rateIfPresent(meters.count("keel.requests.shed"), now.shed() - recent.shed(),
                now.seconds(recent)));
        return http;
    }

    private Map<String, Object> memory(Sample now, Sample recent) {
        Map<String, Object> memory = new LinkedHashMap<>();
        memory.put("heapUsedBytes", whole(meters.value("jvm.memory.used", "area", "heap")));
        memory.put("heapCommittedBytes", whole(meters.value("jvm.memory.committed", "area", "heap")));
        memory.put("heapMaxBytes", whole(meters.positiveValue("jvm.memory.max", "area", "heap")));
        memory.put("liveDataAfterGcBytes", whole(meters.value("jvm.gc.live.data.size")));
        memory.put("rssBytes", whole(meters.value("process.resident.memory.bytes")));
        // -1 before the first collection, NaN until the leak window can judge: both shown as "no figure"
        memory.put("heapAfterGcBytes", whole(meters.value("keel.memory.heap.after.gc").stream()
                .filter(v -> v >= 0).findFirst()));
        memory.put("heapFloorSlopeBytesPerSecond", round(meters.value("keel.memory.heap.floor.slope").stream()
                .filter(v -> !Double.isNaN(v)).findFirst(), 1));
        memory.put("leakSuspected", whole(meters.value("keel.memory.leak.suspected")));
        Collection<Timer> pauses = meters.timers("jvm.gc.pause");
        boolean gc = !pauses.isEmpty();
        memory.put("gcPausesTotal", gc ? pauses.stream().mapToLong(Timer::count).sum() : null);
        memory.put("gcPauseMaxMs", gc ? round(pauses.stream()
                .mapToDouble(t -> t.max(TimeUnit.MILLISECONDS)).max().orElse(0), 3) : null);
        double seconds = now.seconds(recent);
        double paused = now.gcPauseSeconds() - recent.gcPauseSeconds();
        // share of wall time spent in pauses over the window
        memory.put("gcPauseFraction", gc && seconds > 0 && paused >= 0 ? round(paused / seconds, 5) : null);
        return memory;
    }

    private Map<String, Object> cpu() {
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("processUsage", round(meters.value("process.cpu.usage"), 4));
        cpu.put("systemUsage", round(meters.value("system.cpu.usage"), 4));
        cpu.put("processors", whole(meters.value("system.cpu.count")));
        return cpu;
    }

    private Map<String, Object> scheduler(Sample now, Sample recent) {
        Map<String, Object> scheduler = new LinkedHashMap<>();
        Histogram lag = now.schedulerLag().since(recent.schedulerLag());
        scheduler.put("lagP99Ms", millis(lag.quantile(0.99)));
        OptionalDouble max = meters.value("keel.scheduler.lag.window.max");
        scheduler.put("lagMaxMs", max.isPresent() ? round(max.getAsDouble() * 1000, 3) : null);
        scheduler.put("virtualThreadsQueued", whole(meters.value("keel.vthread.queued")));
        return scheduler;
    }

    private Map<String, Object> cpuPool(Sample now, Sample recent) {
        Map<String, Object> pool = new LinkedHashMap<>();
        pool.put("active", whole(meters.value("keel.cpu.pool.active")));
        pool.put("queued", whole(meters.value("keel.cpu.pool.queued")));
        pool.put("size", whole(meters.value("keel.cpu.pool.size")));
        pool.put("queueCapacity", whole(meters.value("keel.cpu.pool.queue.capacity")));
        OptionalDouble rejected = meters.count("keel.cpu.pool.rejected");
        pool.put("rejectedTotal", whole(rejected));
        pool.put("rejectedPerSecond", rateIfPresent(rejected, now.cpuRejected() - recent.cpuRejected(),
                now.seconds(recent)));
        return pool;
    }

    private Map<String, Object> sse() {
        Map<String, Object> sse = new LinkedHashMap<>();
        sse.put("clients", whole(meters.value("keel.sse.clients")));
        sse.put("droppedTotal", whole(meters.count("keel.sse.dropped")));
        return sse;
    }

    private static Double rateIfPresent(OptionalDouble meter, double delta, double seconds) {
        return meter.isPresent() ? rate(delta, seconds) : null;
    }

    /** Events per second; null when the window is empty or a counter went backwards (its meter was replaced). */
    static Double rate(double delta, double seconds) {
        return seconds > 0 && delta >= 0 ? round(delta / seconds, 3) : null;
    }

    static Long whole(OptionalDouble value) {
        return value.isPresent() ? Math.round(value.getAsDouble()) : null;
    }

    static Double round(OptionalDouble value, int digits) {
        return value.isPresent() ? round(value.getAsDouble(), digits) : null;
    }

    static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }

    private static Double millis(OptionalDouble seconds) {
        return seconds.isPresent() ? round(seconds.getAsDouble() * 1000, 3) : null;
    }
}
