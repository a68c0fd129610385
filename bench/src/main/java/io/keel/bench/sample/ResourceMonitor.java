package io.keel.bench.sample;

import io.keel.bench.Loopback;
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
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Samples the service once per second on its own platform thread: /proc figures of its process tree (when its pid
 * is known) and a few series scraped from its {@code GET /metrics}. Keeps at most {@code maxSamples} samples (later
 * ones are dropped and counted). A scrape that fails is a NaN in that sample, reported once on {@code log}.
 * Thread-safe: {@link #phase(String)} and {@link #stop()} may be called from any thread.
 */
public final class ResourceMonitor implements AutoCloseable {
    private final ProcSampler proc;
    private final OptionalLong pid;
    private final Optional<URI> metrics;
    private final Map<String, String> headers;
    private final HttpClient client;
    private final PrintStream log;
    private final int maxSamples;
    private final List<ResourceSample> samples = new ArrayList<>();
    private final long start = System.nanoTime();
    private volatile String phase = "setup";
    private volatile boolean metricsFailureLogged;
    private Thread thread;
    private double lastCpuSeconds = Double.NaN;
    private long lastCpuNanos;
    private long dropped;

    public ResourceMonitor(ProcSampler proc, OptionalLong pid, Optional<URI> metricsUri, Map<String, String> headers,
                           PrintStream log, int maxSamples) {
        this.proc = proc;
        this.pid = pid;
        this.metrics = metricsUri.map(Loopback::require);
        this.headers = Map.copyOf(headers);
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        this.log = log;
        this.maxSamples = maxSamples;
    }

    /** Starts the sampling thread; returns this. */
    public synchronized ResourceMonitor start() {
        if (thread == null) {
            thread = Thread.ofPlatform().daemon().name("bench-resources").start(this::loop);
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
        synchronized (this) {
            t = thread;
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
        if (pid.isPresent()) {
            var snap = proc.sample(pid.getAsLong());
            if (snap.isPresent()) {
                rss = snap.get().rssBytes();
                double cpu = snap.get().cpuSeconds();
                if (!Double.isNaN(lastCpuSeconds) && now > lastCpuNanos) {
                    cpuPercent = 100.0 * (cpu - lastCpuSeconds) / ((now - lastCpuNanos) / 1e9);
                }
                lastCpuSeconds = cpu;
                lastCpuNanos = now;
            }
        }
        Optional<PrometheusText> m = scrape();
        if (Double.isNaN(rss)) {
            rss = value(m, t -> t.sum("process_resident_memory_bytes", Map.of()));
        }
        ResourceSample s = new ResourceSample(Math.round((now - start) / 1e8) / 10.0, phase, rss, cpuPercent,
                value(m, t -> t.sum("jvm_memory_used_bytes", Map.of("area", "heap"))),
                value(m, t -> or(t.max("keel_scheduler_lag_seconds", Map.of()),
                        t.max("keel_scheduler_lag_seconds_max", Map.of()))) * 1000,
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

    private void loop() {
        long next = System.nanoTime();
        while (true) {
            sampleNow();
            next += 1_000_000_000L;
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
                                java.util.function.Function<PrometheusText, OptionalDouble> f) {
        return m.map(f).filter(OptionalDouble::isPresent).map(OptionalDouble::getAsDouble).orElse(Double.NaN);
    }
}
