package io.keel.bench.sample;

import io.keel.bench.Loopback;
import io.keel.bench.load.HttpClients;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Samples the service about once per second on its own platform thread: /proc figures of its process trees (when its
 * pids are known), combined with the latest scrape of its {@code GET /metrics}, which a second thread takes, so a slow
 * scrape never delays a sample. A late sample does not cause catch-up samples: CPU % is always averaged over the real
 * interval since the previous sample, and left out (NaN) for intervals shorter than {@link #MIN_CPU_INTERVAL_S}, which
 * would turn scheduling jitter into "205%" on 2 cores. Scheduler lag is the store's windowed gauge
 * {@code keel_scheduler_lag_window_max_seconds} (largest lag of the last second or two), never a decaying histogram
 * max. Keeps at most {@code maxSamples} samples (later ones are dropped and counted). A scrape that fails leaves NaN,
 * reported once on {@code log}. Thread-safe: {@link #phase(String)} and {@link #stop()} may be called from any thread.
 */
public final class ResourceMonitor implements AutoCloseable {
    /** Shortest interval over which a CPU % is computed. */
    static final double MIN_CPU_INTERVAL_S = 0.5;

    private final ProcSampler proc;
    private final List<Long> pids;
    private final Optional<URI> metrics;
    private final Map<String, String> headers;
    private final HttpClient client;
    private final PrintStream log;
    private final int maxSamples;
    private final List<ResourceSample> samples = new ArrayList<>();
    private final long start = System.nanoTime();
    private volatile String phase = "setup";
    private volatile boolean metricsFailureLogged;
    private volatile Optional<PrometheusText> latest = Optional.empty();
    private Thread thread;
    private volatile Thread scraper;
    private double lastCpuSeconds = Double.NaN;
    private long lastCpuNanos;
    private long dropped;

    public ResourceMonitor(ProcSampler proc, List<Long> pids, Optional<URI> metricsUri, Map<String, String> headers,
                           PrintStream log, int maxSamples) {
        this.proc = proc;
        this.pids = List.copyOf(pids);
        this.metrics = metricsUri.map(Loopback::require);
        this.headers = Map.copyOf(headers);
        this.client = HttpClients.newClient(Duration.ofSeconds(2));
        this.log = log;
        this.maxSamples = maxSamples;
    }

    /** Starts the sampling thread; returns this. */
    public synchronized ResourceMonitor start() {
        if (thread == null) {
            latest = scrape();
            thread = Thread.ofPlatform().daemon().name("bench-resources").start(this::loop);
            if (metrics.isPresent()) {
                scraper = Thread.ofPlatform().daemon().name("bench-metrics-scrape").start(this::scrapeLoop);
            }
        }
        return this;
    }

    /** Labels the following samples with {@code name}. */
    public void phase(String name) {
        this.phase = name;
    }

    /** Stops sampling (takes one last sample) and returns all samples in time order. */
    public List<ResourceSample> stop() {
        Thread t;
        Thread s;
        synchronized (this) {
            t = thread;
            s = scraper;
        }
        if (s != null) {
            s.interrupt();
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            if (dropped > 0) {
                log.println("resource sampling kept " + maxSamples + " samples and dropped " + dropped);
            }
            return List.copyOf(samples);
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** Takes one sample now and stores it (also used by tests). */
    public ResourceSample sampleNow() {
        long now = System.nanoTime();
        double rss = Double.NaN;
        double cpuPercent = Double.NaN;
        if (!pids.isEmpty()) {
            var snap = proc.sampleAlive(pids);
            if (snap.isPresent()) {
                rss = snap.get().rssBytes();
                double cpu = snap.get().cpuSeconds();
                if (!Double.isNaN(lastCpuSeconds) && (now - lastCpuNanos) / 1e9 >= MIN_CPU_INTERVAL_S) {
                    cpuPercent = 100.0 * (cpu - lastCpuSeconds) / ((now - lastCpuNanos) / 1e9);
                }
                if (Double.isNaN(lastCpuSeconds) || (now - lastCpuNanos) / 1e9 >= MIN_CPU_INTERVAL_S) {
                    lastCpuSeconds = cpu;
                    lastCpuNanos = now;
                }
            }
        }
        // Without the scraper thread (a sample taken directly), scrape here.
        Optional<PrometheusText> m = scraper == null ? scrape() : latest;
        if (Double.isNaN(rss)) {
            rss = value(m, t -> t.sum("process_resident_memory_bytes", Map.of()));
        }
        ResourceSample s = new ResourceSample(Math.round((now - start) / 1e8) / 10.0, phase, rss, cpuPercent,
                value(m, t -> t.sum("jvm_memory_used_bytes", Map.of("area", "heap"))),
                value(m, t -> or(t.max("keel_scheduler_lag_window_max_seconds", Map.of()),
                        t.max("nodejs_eventloop_lag_max_seconds", Map.of()))) * 1000,
                value(m, t -> t.sum("keel_cpu_pool_active", Map.of())),
                value(m, t -> t.sum("keel_cpu_pool_queued", Map.of())),
                value(m, t -> t.sum("keel_cpu_pool_rejected_total", Map.of())),
                value(m, t -> t.sum("hikaricp_connections_active", Map.of())));
        synchronized (this) {
            if (samples.size() < maxSamples) {
                samples.add(s);
            } else {
                dropped++;
            }
        }
        return s;
    }

    private void scrapeLoop() {
        while (!Thread.currentThread().isInterrupted()) {
            long start = System.nanoTime();
            latest = scrape();
            try {
                TimeUnit.NANOSECONDS.sleep(Math.max(100_000_000L, 1_000_000_000L - (System.nanoTime() - start)));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void loop() {
        long next = System.nanoTime();
        while (true) {
            sampleNow();
            // A late sample moves the schedule instead of being followed by catch-up samples.
            next = Math.max(next + 1_000_000_000L, System.nanoTime() + 500_000_000L);
            try {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            } catch (InterruptedException e) {
                sampleNow();
                return;
            }
        }
    }

    private Optional<PrometheusText> scrape() {
        if (metrics.isEmpty()) {
            return Optional.empty();
        }
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(metrics.get()).timeout(Duration.ofSeconds(2)).GET();
            headers.forEach(b::header);
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                logOnce("GET " + metrics.get() + " answered " + r.statusCode() + "; metrics series will be NaN");
                return Optional.empty();
            }
            return Optional.of(PrometheusText.parse(r.body()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) {
            logOnce("scraping " + metrics.get() + " failed: " + e + "; metrics series will be NaN");
            return Optional.empty();
        }
    }

    private void logOnce(String message) {
        if (!metricsFailureLogged) {
            metricsFailureLogged = true;
            log.println(message);
        }
    }

    private static OptionalDouble or(OptionalDouble a, OptionalDouble b) {
        return a.isPresent() ? a : b;
    }

    private static double value(Optional<PrometheusText> m,
                                Function<PrometheusText, OptionalDouble> f) {
        return m.map(f).filter(OptionalDouble::isPresent).map(OptionalDouble::getAsDouble).orElse(Double.NaN);
    }
}
