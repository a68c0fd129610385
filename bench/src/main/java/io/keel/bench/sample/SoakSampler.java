package io.keel.bench.sample;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.keel.bench.Loopback;
import io.keel.bench.load.HttpClients;
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
import java.util.function.Predicate;

/**
 * The soak's slow sampler: every {@code interval}, on its own platform thread, the figures a leak moves - heap after
 * the last GC ({@code keel_memory_heap_after_gc_bytes}) and after the last old-generation collection
 * ({@code keel_memory_heap_after_old_gc_bytes}), RSS and the heap's resident part ({@link ProcSmaps}, pid only; the
 * heap is committed whole at start, so its committed size says nothing about RSS), threads and open descriptors of the service process (from /proc
 * when its pid is known, else its metrics), the store's established HTTP connections and its sockets in CLOSE_WAIT
 * ({@link ProcSockets}, pid only), open HTTP connections and busy DB connections from its metrics - and every pool or
 * cache with a bound, each with that bound: the JVM's committed heap, code cache and metaspace (one pool each, as the
 * JVM reports them: {@code jvm_memory_committed_bytes} and {@code jvm_memory_max_bytes}), H2's page cache
 * ({@code keel_db_h2_cache_used_bytes}, {@code _max_bytes}), the session cache and the sign-in failure caches. Every
 * {@code liveEvery} (unless zero) it also takes a live heap histogram ({@link LiveHeap}: a full collection in the
 * service, a stop-the-world pause of some tens of milliseconds) and records its total as that sample's live heap:
 * heap after an ordinary GC moves with the collector's schedule, the live set only with what is really retained.
 * A failed read leaves NaN. Bounded: at most {@code maxSamples} samples and as many histograms. {@link #stop()} may
 * be called from any thread.
 */
public final class SoakSampler {
    /** Classes kept per live histogram: enough that a growing class is in it, small enough to keep every one. */
    public static final int HISTOGRAM_TOP = 200;

    /**
     * A pool or cache: its size (committed bytes of a JVM pool, what a cache holds) and its bound in the same unit;
     * NaN where unread, the bound also where unlimited. Immutable.
     */
    public record Pool(double size, double max) {
        static final Pool UNKNOWN = new Pool(Double.NaN, Double.NaN);
    }

    /**
     * One reading; NaN where a figure could not be read. Immutable.
     *
     * @param httpConnections      open HTTP connections as the service counts them (however many its clients keep)
     * @param storeHttpEstablished the service process's established sockets on its HTTP port, from /proc
     * @param closeWait            the service process's sockets in CLOSE_WAIT, any port: closed by the peer, not by it
     * @param h2FileBytes          the embedded H2 file's size: H2's page cache cannot hold more than the file
     * @param h2NonResident        the entries H2's page cache keeps for evicted pages, and H2's bound on them
     * @param h2NonResidentEntryBytes what one such entry holds on the heap (its entry object and weak reference, as
     *                             the live histogram of the same moment sizes them); NaN without a histogram
     * @param rssFileBytes         the part of RSS mapped from files (RssFile): code of the JDK and libraries, the CDS
     *                             archive; NaN without the process id
     */
    public record Sample(double second, double heapAfterGcBytes, double heapAfterOldGcBytes, double rssBytes,
                         double heapResidentBytes, double rssBudgetBytes, double threads, double openFiles, double httpConnections, double dbConnections,
                         double liveHeapBytes, Pool heap, Pool codeCache, Pool metaspace, Pool h2Cache,
                         Pool sessionCache, Pool loginCaches, double storeHttpEstablished, double closeWait,
                         double h2FileBytes, Pool h2NonResident, double h2NonResidentEntryBytes,
                         double rssFileBytes) {
        /**
         * RSS outside the heap and the JIT: thread stacks, the collector's and compilers' own structures, malloc (H2,
         * native libraries), direct buffers. The heap counts with its resident part (committed is the whole heap from
         * the start); code cache and metaspace with their committed size, which is nearly all resident once used.
         */
        public double rssOutsideHeapAndJitBytes() {
            return rssBytes - heapResidentBytes - codeCache.size() - metaspace.size();
        }

        /**
         * The live heap without H2's page cache (its resident pages, and the entries it keeps for evicted ones), each
         * bounded by H2 and judged on its own: what the service retains besides them. PostgreSQL has no H2 cache (its
         * gauges are absent): the live heap itself. NaN when the metrics of this moment could not be read (the
         * heap's own gauge is missing), or when H2 counted entries the histogram could not size: subtracting nothing
         * there would put a spike into the line.
         */
        public double liveHeapOutsideH2CacheBytes() {
            if (Double.isNaN(heap.max())) {
                return Double.NaN;
            }
            return liveHeapBytes - (Double.isNaN(h2Cache.size()) ? 0 : h2Cache.size()) - h2NonResidentBytes();
        }

        /** The heap H2's non-resident entries take: 0 without the count (no H2), NaN with a count but no size. */
        public double h2NonResidentBytes() {
            return Double.isNaN(h2NonResident.size()) ? 0 : h2NonResident.size() * h2NonResidentEntryBytes;
        }

        /**
         * Descriptors that are not established HTTP connections: files, the listening socket, DB connections, and
         * HTTP connections the service failed to close. How many connections a client keeps open is the client's
         * choice; these are the service's.
         */
        public double filesOutsideHttpConnections() {
            return openFiles - storeHttpEstablished;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The classes of one non-resident entry of H2's page cache: the entry, and its weak reference to the page. */
    static final String H2_ENTRY = "org.h2.mvstore.cache.CacheLongKeyLIRS$Entry";
    static final String WEAK_REFERENCE = "java.lang.ref.WeakReference";

    private final OptionalLong pid;
    private final int httpPort;
    private final URI metrics;
    private final Map<String, String> headers;
    private final Duration interval;
    private final Duration liveEvery;
    private final URI histogram;
    private final int maxSamples;
    private final PrintStream log;
    private final HttpClient client = HttpClients.newClient(Duration.ofSeconds(2));
    private final List<Sample> samples = new ArrayList<>();
    private final List<LiveHeap> liveHeaps = new ArrayList<>();
    private final long start = System.nanoTime();
    private Thread thread;
    private final Set<URI> failureLogged = ConcurrentHashMap.newKeySet();

    /**
     * What the soak assumes the JVM's memory outside its configured ceilings may take at most: thread stacks (a
     * few hundred KB touched of each platform thread's), the collector's remembered sets and card table, the
     * compilers' arenas, malloc of H2 and native libraries. 128 MiB: an allowance, not a JVM setting.
     */
    public static final double NATIVE_ALLOWANCE_BYTES = 128 << 20;

    /**
     * @param service   the service's base URL: its port is the one it accepts HTTP on; {@code /metrics} its
     *                  Prometheus endpoint
     * @param liveEvery how often to take a live heap histogram from {@code /admin/heap/histogram} on the same
     *                  service; {@link Duration#ZERO} never
     */
    public SoakSampler(OptionalLong pid, URI service, Map<String, String> headers, Duration interval,
                       Duration liveEvery, int maxSamples, PrintStream log) {
        this.pid = pid;
        this.metrics = Loopback.require(service.resolve("/metrics"));
        this.httpPort = service.getPort() >= 0 ? service.getPort()
                : "https".equalsIgnoreCase(service.getScheme()) ? 443 : 80;
        this.histogram = service.resolve("/admin/heap/histogram?live=true&top=" + HISTOGRAM_TOP);
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
        ProcSockets.Counts sockets = pid.isPresent() ? ProcSockets.read(pid.getAsLong(), httpPort)
                : new ProcSockets.Counts(value(m, "process_files_open_files"), Double.NaN, Double.NaN);
        Pool heapPool = jvmPool(m, labels -> "heap".equals(labels.get("area")));
        Pool codeCache = jvmPool(m, labels -> "nonheap".equals(labels.get("area")) && isCodeCache(labels.get("id")));
        // "Metaspace" includes the compressed class space, which the JVM also reports as a pool of its own
        Pool metaspace = jvmPool(m, labels -> "Metaspace".equals(labels.get("id")));
        double heapResident = pid.isPresent() ? ProcSmaps.heapResidentBytes(pid.getAsLong(), heapPool.max())
                : Double.NaN;
        return new Sample(second, heap >= 0 ? heap : Double.NaN, heapOld >= 0 ? heapOld : Double.NaN, rss,
                heapResident, rssBudget(heapPool, codeCache, metaspace, value(m, "keel_memory_direct_limit_bytes")),
                threads,
                sockets.openFiles(), value(m, "keel_http_connections_active"), value(m, "hikaricp_connections_active"),
                live != null ? live.totalBytes() : Double.NaN,
                heapPool, codeCache, metaspace,
                new Pool(value(m, "keel_db_h2_cache_used_bytes"), value(m, "keel_db_h2_cache_max_bytes")),
                new Pool(value(m, "cache_size", Map.of("cache", "sessions")), value(m, "keel_session_cache_max")),
                new Pool(value(m, "keel_cache_entries"), value(m, "keel_cache_max_entries")),
                sockets.httpEstablished(), sockets.closeWait(), value(m, "keel_db_h2_file_size_bytes"),
                new Pool(value(m, "keel_db_h2_cache_entries", Map.of("state", "nonresident")),
                        value(m, "keel_db_h2_cache_nonresident_max_entries")),
                live != null ? live.instanceBytes(H2_ENTRY) + live.instanceBytes(WEAK_REFERENCE) : Double.NaN,
                pid.isPresent() ? ProcStatus.fileRssBytes(pid.getAsLong()) : Double.NaN);
    }

    /**
     * The RSS the JVM was planned to stay within: max heap + ReservedCodeCacheSize + MaxMetaspaceSize (each as the
     * JVM reports it in {@code jvm_memory_max_bytes}) + MaxDirectMemorySize ({@code keel_memory_direct_limit_bytes})
     * + {@link #NATIVE_ALLOWANCE_BYTES}; NaN when a ceiling is unknown or unlimited (no plan to judge against).
     */
    static double rssBudget(Pool heap, Pool codeCache, Pool metaspace, double directLimit) {
        return heap.max() + codeCache.max() + metaspace.max() + (directLimit > 0 ? directLimit : Double.NaN)
                + NATIVE_ALLOWANCE_BYTES;
    }

    /** The code heaps of a segmented code cache, or the one code cache of an unsegmented one. */
    static boolean isCodeCache(String poolId) {
        return poolId != null && (poolId.startsWith("CodeHeap") || poolId.equals("CodeCache"));
    }

    /**
     * The committed bytes of the JVM memory pools whose labels pass {@code pools}, and the sum of their maxima; the
     * maximum NaN when no pool has one (a pool without a limit reports -1: G1's eden and survivor spaces, whose limit
     * is the old generation's, which is the heap's; metaspace without {@code MaxMetaspaceSize}).
     */
    static Pool jvmPool(PrometheusText m, Predicate<Map<String, String>> pools) {
        if (m == null) {
            return Pool.UNKNOWN;
        }
        double committed = Double.NaN;
        double max = Double.NaN;
        for (PrometheusText.Sample s : m.samples()) {
            if (!pools.test(s.labels())) {
                continue;
            }
            if (s.name().equals("jvm_memory_committed_bytes")) {
                committed = (Double.isNaN(committed) ? 0 : committed) + s.value();
            } else if (s.name().equals("jvm_memory_max_bytes") && s.value() >= 0) {
                max = (Double.isNaN(max) ? 0 : max) + s.value();
            }
        }
        return new Pool(committed, max);
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
}
