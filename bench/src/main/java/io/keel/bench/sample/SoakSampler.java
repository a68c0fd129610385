package io.keel.bench.sample;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The soak's slow sampler: every {@code interval}, on its own platform thread, the figures a leak moves - heap after
 * the last GC ({@code keel_memory_heap_after_gc_bytes}) and after the last old-generation collection
 * ({@code keel_memory_heap_after_old_gc_bytes}, what is really live), RSS, threads and open descriptors of the service process
 * (from /proc when its pid is known, else its metrics), the JVM's committed heap and non-heap (code cache and
 * metaspace: what the JIT and class loading grow), open HTTP connections and busy DB connections. Every
 * {@code liveEvery} (unless zero) it also takes a live heap histogram ({@link LiveHeap}: a full collection in the
 * service, a stop-the-world pause of some tens of milliseconds) and records its total as that sample's live heap:
 * heap after an ordinary GC moves with the collector's schedule, the live set only with what is really retained.
 * A failed read leaves NaN. Bounded: at most {@code maxSamples} samples and as many histograms. {@link #stop()} may
 * be called from any thread.
 */
public final class SoakSampler {
    /** Classes kept per live histogram: enough that a growing class is in it, small enough to keep every one. */
    public static final int HISTOGRAM_TOP = 200;

    /** One reading; NaN where a figure could not be read. Immutable. */
    public record Sample(double second, double heapAfterGcBytes, double heapAfterOldGcBytes, double rssBytes,
                         double threads, double openFiles, double httpConnections, double dbConnections,
                         double liveHeapBytes, double heapCommittedBytes, double nonHeapCommittedBytes) {
        /**
         * RSS outside the JVM's memory pools: thread stacks, the collector's and compilers' own structures, malloc
         * (H2, native libraries), direct buffers. Committed pools need not be resident, so this is a lower bound
         * that moves with what the pools do not explain.
         */
        public double rssOutsidePoolsBytes() {
            return rssBytes - heapCommittedBytes - nonHeapCommittedBytes;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OptionalLong pid;
    private final URI metrics;
    private final Map<String, String> headers;
    private final Duration interval;
    private final Duration liveEvery;
    private final URI histogram;
    private final int maxSamples;
    private final PrintStream log;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Sample> samples = new ArrayList<>();
    private final List<LiveHeap> liveHeaps = new ArrayList<>();
    private final long start = System.nanoTime();
    private Thread thread;
    private final Set<URI> failureLogged = ConcurrentHashMap.newKeySet();

    /**
     * @param metrics   the service's Prometheus endpoint
     * @param liveEvery how often to take a live heap histogram from {@code /admin/heap/histogram} on the same
     *                  service; {@link Duration#ZERO} never
     */
    public SoakSampler(OptionalLong pid, URI metrics, Map<String, String> headers, Duration interval,
                       Duration liveEvery, int maxSamples, PrintStream log) {
        this.pid = pid;
        this.metrics = Loopback.require(metrics);
        this.histogram = metrics.resolve("/admin/heap/histogram?live=true&top=" + HISTOGRAM_TOP);
        this.headers = Map.copyOf(headers);
        this.interval = interval;
        this.liveEvery = liveEvery;
        this.maxSamples = maxSamples;
        this.log = log;
    }

    public synchronized SoakSampler start() {
        if (thread == null) {
            thread = Thread.ofPlatform().daemon().name("bench-soak-sampler").start(this::loop);
        }
        return this;
    }

    /** The live heap histograms taken so far, in time order. */
    public synchronized List<LiveHeap> liveHeaps() {
        return List.copyOf(liveHeaps);
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
        long nextLive = next;
        while (!Thread.currentThread().isInterrupted()) {
            LiveHeap live = null;
            if (!liveEvery.isZero() && System.nanoTime() - nextLive >= 0) {
                nextLive += liveEvery.toNanos();
                live = liveHeap();
            }
            Sample s = sampleNow(live);
            synchronized (this) {
                if (samples.size() < maxSamples) {
                    samples.add(s);
                    if (live != null) {
                        liveHeaps.add(live);
                    }
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

    Sample sampleNow(LiveHeap live) {
        double second = live != null ? live.second() : seconds();
        PrometheusText m = scrape();
        double heap = value(m, "keel_memory_heap_after_gc_bytes");
        double heapOld = value(m, "keel_memory_heap_after_old_gc_bytes");
        double rss = pid.isPresent() ? ProcStatus.rssBytes(pid.getAsLong()) : value(m, "process_resident_memory_bytes");
        double threads = pid.isPresent() ? threads(pid.getAsLong()) : Double.NaN;
        double files = pid.isPresent() ? openFiles(pid.getAsLong()) : value(m, "process_files_open_files");
        return new Sample(second, heap >= 0 ? heap : Double.NaN, heapOld >= 0 ? heapOld : Double.NaN, rss, threads, files,
                value(m, "keel_http_connections_active"), value(m, "hikaricp_connections_active"),
                live != null ? live.totalBytes() : Double.NaN,
                value(m, "jvm_memory_committed_bytes", Map.of("area", "heap")),
                value(m, "jvm_memory_committed_bytes", Map.of("area", "nonheap")));
    }

    private double seconds() {
        return Math.round((System.nanoTime() - start) / 1e8) / 10.0;
    }

    /** A live histogram, or null (logged once) when the service does not give one. */
    private LiveHeap liveHeap() {
        double second = seconds();
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(histogram).timeout(Duration.ofSeconds(30)).GET();
            headers.forEach(b::header);
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                return LiveHeap.parse(second, JSON.readTree(r.body()));
            }
            logOnce(histogram, "GET " + histogram + " answered " + r.statusCode()
                    + "; the live heap series will be NaN");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            logOnce(histogram, "live heap histogram from " + histogram + " failed: " + e
                    + "; the live heap series will be NaN");
        }
        return null;
    }

    private PrometheusText scrape() {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(5)).GET();
            headers.forEach(b::header);
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                return PrometheusText.parse(r.body());
            }
            logOnce(metrics, "GET " + metrics + " answered " + r.statusCode() + "; soak metric series will be NaN");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            logOnce(metrics, "scraping " + metrics + " failed: " + e + "; soak metric series will be NaN");
        }
        return null;
    }

    /** Logs the first failure of each endpoint. */
    private void logOnce(URI endpoint, String message) {
        if (failureLogged.add(endpoint)) {
            log.println(message);
        }
    }

    private static double value(PrometheusText m, String name) {
        return value(m, name, Map.of());
    }

    private static double value(PrometheusText m, String name, Map<String, String> labels) {
        if (m == null) {
            return Double.NaN;
        }
        OptionalDouble v = m.sum(name, labels);
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
