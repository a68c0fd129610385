package io.keel.bench.sample;

import io.keel.bench.Loopback;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The soak's slow sampler: every {@code interval}, on its own platform thread, the figures a leak moves - heap after
 * the last GC ({@code keel_memory_heap_after_gc_bytes}) and after the last old-generation collection
 * ({@code keel_memory_heap_after_old_gc_bytes}, what is really live), RSS, threads and open descriptors of the service process
 * (from /proc when its pid is known, else its metrics), open HTTP connections and busy DB connections. A failed read
 * leaves NaN. Bounded: at most {@code maxSamples}. {@link #stop()} may be called from any thread.
 */
public final class SoakSampler {
    /** One reading; NaN where a figure could not be read. Immutable. */
    public record Sample(double second, double heapAfterGcBytes, double heapAfterOldGcBytes, double rssBytes,
                         double threads, double openFiles, double httpConnections, double dbConnections) {
    }

    private final OptionalLong pid;
    private final URI metrics;
    private final Map<String, String> headers;
    private final Duration interval;
    private final int maxSamples;
    private final PrintStream log;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Sample> samples = new ArrayList<>();
    private final long start = System.nanoTime();
    private Thread thread;
    private boolean failureLogged;

    public SoakSampler(OptionalLong pid, URI metrics, Map<String, String> headers, Duration interval,
                       int maxSamples, PrintStream log) {
        this.pid = pid;
        this.metrics = Loopback.require(metrics);
        this.headers = Map.copyOf(headers);
        this.interval = interval;
        this.maxSamples = maxSamples;
        this.log = log;
    }

    public synchronized SoakSampler start() {
        if (thread == null) {
            thread = Thread.ofPlatform().daemon().name("bench-soak-sampler").start(this::loop);
        }
        return this;
    }

    /** Stops sampling and returns the samples in time order. */
    public List<Sample> stop() {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            return List.copyOf(samples);
        }
    }

    private void loop() {
        long next = System.nanoTime();
        while (!Thread.currentThread().isInterrupted()) {
            Sample s = sampleNow();
            synchronized (this) {
                if (samples.size() < maxSamples) {
                    samples.add(s);
                }
            }
            next += interval.toNanos();
            long wait = next - System.nanoTime();
            try {
                if (wait > 0) {
                    Thread.sleep(Duration.ofNanos(wait));
                } else {
                    next = System.nanoTime(); // late: move the schedule, no catch-up burst
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    Sample sampleNow() {
        double second = Math.round((System.nanoTime() - start) / 1e8) / 10.0;
        PrometheusText m = scrape();
        double heap = value(m, "keel_memory_heap_after_gc_bytes");
        double heapOld = value(m, "keel_memory_heap_after_old_gc_bytes");
        double rss = pid.isPresent() ? ProcStatus.rssBytes(pid.getAsLong()) : value(m, "process_resident_memory_bytes");
        double threads = pid.isPresent() ? threads(pid.getAsLong()) : Double.NaN;
        double files = pid.isPresent() ? openFiles(pid.getAsLong()) : value(m, "process_files_open_files");
        return new Sample(second, heap >= 0 ? heap : Double.NaN, heapOld >= 0 ? heapOld : Double.NaN, rss, threads, files,
                value(m, "keel_http_connections_active"), value(m, "hikaricp_connections_active"));
    }

    private PrometheusText scrape() {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(5)).GET();
            headers.forEach(b::header);
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                return PrometheusText.parse(r.body());
            }
            logOnce("GET " + metrics + " answered " + r.statusCode() + "; soak metric series will be NaN");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            logOnce("scraping " + metrics + " failed: " + e + "; soak metric series will be NaN");
        }
        return null;
    }

    private void logOnce(String message) {
        if (!failureLogged) {
            failureLogged = true;
            log.println(message);
        }
    }

    private static double value(PrometheusText m, String name) {
        if (m == null) {
            return Double.NaN;
        }
        OptionalDouble v = m.sum(name, Map.of());
        return v.isPresent() ? v.getAsDouble() : Double.NaN;
    }

    /** "Threads:" of /proc/<pid>/status: every thread of the JVM, platform threads only (virtual ones are not). */
    static double threads(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("Threads:")) {
                    return Double.parseDouble(line.substring(8).strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    static double openFiles(long pid) {
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return fds.count();
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
