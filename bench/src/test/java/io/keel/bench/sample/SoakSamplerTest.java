package io.keel.bench.sample;

import com.fasterxml.jackson.databind.ObjectMapper;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SoakSamplerTest {
    /** What Micrometer's JvmMemoryMetrics exports for a G1 JVM with -Xmx512m and no MaxMetaspaceSize. */
    private static final PrometheusText POOLS = PrometheusText.parse("""
            jvm_memory_committed_bytes{area="heap",id="G1 Eden Space"} 6.0E7
            jvm_memory_committed_bytes{area="heap",id="G1 Old Gen"} 3.6E7
            jvm_memory_committed_bytes{area="heap",id="G1 Survivor Space"} 4000000.0
            jvm_memory_committed_bytes{area="nonheap",id="CodeHeap 'non-nmethods'"} 3000000.0
            jvm_memory_committed_bytes{area="nonheap",id="CodeHeap 'profiled nmethods'"} 1.2E7
            jvm_memory_committed_bytes{area="nonheap",id="CodeHeap 'non-profiled nmethods'"} 5000000.0
            jvm_memory_committed_bytes{area="nonheap",id="Metaspace"} 5.5E7
            jvm_memory_committed_bytes{area="nonheap",id="Compressed Class Space"} 7000000.0
            jvm_memory_max_bytes{area="heap",id="G1 Eden Space"} -1.0
            jvm_memory_max_bytes{area="heap",id="G1 Old Gen"} 5.36870912E8
            jvm_memory_max_bytes{area="heap",id="G1 Survivor Space"} -1.0
            jvm_memory_max_bytes{area="nonheap",id="CodeHeap 'non-nmethods'"} 5828608.0
            jvm_memory_max_bytes{area="nonheap",id="CodeHeap 'profiled nmethods'"} 1.22916864E8
            jvm_memory_max_bytes{area="nonheap",id="CodeHeap 'non-profiled nmethods'"} 1.22916864E8
            jvm_memory_max_bytes{area="nonheap",id="Metaspace"} -1.0
            jvm_memory_max_bytes{area="nonheap",id="Compressed Class Space"} 1.073741824E9
            """);

    @Test
    void theHeapsCeilingIsTheSumOfThePoolsThatHaveOneWhichIsXmxForG1() {
        SoakSampler.Pool heap = SoakSampler.jvmPool(POOLS, labels -> "heap".equals(labels.get("area")));

        assertThat(heap.size()).isEqualTo(100e6);
        assertThat(heap.max()).isEqualTo(512 << 20);
    }

    @Test
    void theCodeCacheIsItsCodeHeapsAndItsCeilingReservedCodeCacheSize() {
        SoakSampler.Pool code = SoakSampler.jvmPool(POOLS, labels -> SoakSampler.isCodeCache(labels.get("id")));

        assertThat(code.size()).isEqualTo(20e6);
        assertThat(code.max()).as("the default ReservedCodeCacheSize, 240 MiB, as the JVM splits and aligns it")
                .isEqualTo(5_828_608.0 + 2 * 122_916_864.0);
        assertThat(SoakSampler.isCodeCache("CodeCache")).as("unsegmented").isTrue();
        assertThat(SoakSampler.isCodeCache("Metaspace")).isFalse();
    }

    @Test
    void metaspaceWithoutMaxMetaspaceSizeHasNoCeilingAndItsClassSpaceIsNotCountedTwice() {
        SoakSampler.Pool meta = SoakSampler.jvmPool(POOLS, labels -> "Metaspace".equals(labels.get("id")));

        assertThat(meta.size()).as("Metaspace already includes the compressed class space").isEqualTo(55e6);
        assertThat(meta.max()).isNaN();
    }

    @Test
    void noMetricsReadAsUnknownPools() {
        SoakSampler.Pool none = SoakSampler.jvmPool(null, labels -> true);

        assertThat(none.size()).isNaN();
        assertThat(none.max()).isNaN();
        assertThat(SoakSampler.jvmPool(POOLS, labels -> false).size()).isNaN();
    }

    /** The top of a JDK 25 G1 heap of -Xms512m -Xmx512m at 0xe0000000, as smaps showed it: three adjacent mappings. */
    private static final List<String> SMAPS = List.of(
            "b2150000-bf000000 ---p 00000000 00:00 0 ",
            "Size:             211648 kB",
            "Rss:                   0 kB",
            "e0000000-ffe00000 rw-p 00000000 00:00 0 ",
            "Size:             522240 kB",
            "KernelPageSize:        4 kB",
            "Rss:              124764 kB",
            "VmFlags: rd wr mr mw me ac ",
            "ffe00000-fff24000 rw-p 00dc9000 fe:00 328742                             /usr/lib/jvm/x/lib/server/"
                    + "classes.jsa",
            "Size:               1168 kB",
            "Rss:                1168 kB",
            "fff24000-100000000 rw-p 00000000 00:00 0 ",
            "Size:                880 kB",
            "Rss:                   0 kB",
            "7f0000000000-7f0000100000 rw-p 00000000 00:00 0 ",
            "Size:               1024 kB",
            "Rss:                1024 kB");

    @Test
    void theHeapsResidentSizeIsTheRssOfTheAdjacentMappingsThatSpanExactlyTheMaximumHeap() {
        assertThat(ProcSmaps.heapResidentBytes(SMAPS, 512L << 20)).as("the anonymous part and the CDS heap region")
                .isEqualTo((124_764 + 1168) * 1024.0);
        assertThat(ProcSmaps.heapResidentBytes(SMAPS, 256L << 20)).as("no run of that size").isNaN();
    }

    @Test
    void theHeapOfThisJvmIsFoundInItsOwnSmaps() {
        long max = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
        double resident = ProcSmaps.heapResidentBytes(ProcessHandle.current().pid(), max);

        assertThat(resident).isPositive().isLessThanOrEqualTo(max);
        assertThat(ProcSmaps.heapResidentBytes(Long.MAX_VALUE, max)).as("process gone").isNaN();
    }

    @Test
    void theRssBudgetIsEveryCeilingPlusTheNativeAllowanceAndUnknownWithoutOne() {
        SoakSampler.Pool heap = new SoakSampler.Pool(512e6, 512e6);
        SoakSampler.Pool code = new SoakSampler.Pool(20e6, 96e6);
        SoakSampler.Pool meta = new SoakSampler.Pool(55e6, 192e6);

        assertThat(SoakSampler.rssBudget(heap, code, meta, 64e6)).isEqualTo(864e6 + (128 << 20));
        assertThat(SoakSampler.rssBudget(heap, code, new SoakSampler.Pool(55e6, Double.NaN), 64e6))
                .as("metaspace unlimited").isNaN();
        assertThat(SoakSampler.rssBudget(heap, code, meta, Double.NaN)).as("direct limit unread").isNaN();
    }

    @Test
    void aSampleReadsTheStoresCacheGaugesAndAnAbsentSessionCacheReadsAsUnknown() throws IOException {
        String withSessions = """
                cache_size{cache="sessions"} 3.0
                keel_session_cache_max 10000.0
                keel_cache_entries{cache="login-accounts"} 2.0
                keel_cache_entries{cache="login-addresses"} 1.0
                keel_cache_max_entries{cache="login-accounts"} 10000.0
                keel_cache_max_entries{cache="login-addresses"} 10000.0
                keel_db_h2_cache_used_bytes 1.2E7
                keel_db_h2_cache_max_bytes 1.6E7
                keel_db_h2_cache_entries{state="resident"} 4000.0
                keel_db_h2_cache_entries{state="nonresident"} 20000.0
                keel_db_h2_cache_nonresident_max_entries 48000.0
                keel_memory_direct_limit_bytes 6.7108864E7
                jvm_memory_max_bytes{area="heap",id="G1 Old Gen"} 5.36870912E8
                """;
        String[] body = {withSessions};
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/metrics", exchange -> {
            byte[] b = body[0].getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, b.length);
            exchange.getResponseBody().write(b);
            exchange.close();
        });
        server.start();
        try {
            URI service = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
            SoakSampler sampler = new SoakSampler(OptionalLong.empty(), service, Map.of(), Duration.ofSeconds(1),
                    Duration.ZERO, 10, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

            SoakSampler.Sample on = sampler.sampleNow(null);
            assertThat(on.sessionCache()).isEqualTo(new SoakSampler.Pool(3, 10_000));
            assertThat(on.loginCaches()).as("both failure caches").isEqualTo(new SoakSampler.Pool(3, 20_000));
            assertThat(on.h2Cache()).isEqualTo(new SoakSampler.Pool(12e6, 16e6));
            assertThat(on.h2NonResident()).isEqualTo(new SoakSampler.Pool(20_000, 48_000));
            assertThat(on.h2NonResidentEntryBytes()).as("no histogram with this sample").isNaN();
            assertThat(on.h2NonResidentBytes()).as("a count without a size").isNaN();

            LiveHeap live = LiveHeap.parse(5, new ObjectMapper().readTree("""
                    {"live":true,"totalBytes":30000000,"top":[
                     {"className":"org.h2.mvstore.cache.CacheLongKeyLIRS$Entry","instances":30000,"bytes":1920000},
                     {"className":"java.lang.ref.WeakReference","instances":25000,"bytes":800000}]}"""));
            SoakSampler.Sample withLive = sampler.sampleNow(live);
            assertThat(withLive.h2NonResidentEntryBytes()).as("an entry of 64 bytes and a weak reference of 32")
                    .isEqualTo(96);
            assertThat(withLive.liveHeapOutsideH2CacheBytes()).as("30 MB - 12 MB of pages - 20,000 x 96 bytes")
                    .isEqualTo(30e6 - 12e6 - 1.92e6);
            LiveHeap unsized = LiveHeap.parse(6, new ObjectMapper().readTree("""
                    {"live":true,"totalBytes":30000000,"top":[{"className":"[B","instances":5,"bytes":9000000}]}"""));
            assertThat(sampler.sampleNow(unsized).liveHeapOutsideH2CacheBytes())
                    .as("H2 counted entries this histogram cannot size: no value rather than a spike").isNaN();
            body[0] = "";
            assertThat(sampler.sampleNow(live).liveHeapOutsideH2CacheBytes())
                    .as("metrics unread at this moment: nothing known to subtract").isNaN();
            body[0] = withSessions;

            body[0] = withSessions.lines().filter(l -> !l.contains("sessions") && !l.contains("session_cache"))
                    .reduce("", (a, l) -> a + l + "\n");
            SoakSampler.Sample off = sampler.sampleNow(null);
            assertThat(off.sessionCache().size()).isNaN();
            assertThat(off.loginCaches()).isEqualTo(new SoakSampler.Pool(3, 20_000));
        } finally {
            server.stop(0);
        }
    }
}
