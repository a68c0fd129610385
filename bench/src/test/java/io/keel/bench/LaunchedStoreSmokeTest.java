package io.keel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keel.bench.report.SoakVerdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The CI smoke run of issue 5: the tool starts the REAL store (io.keel.store.StoreMain from this module's test class
 * path, which Maven builds first through the keel-store test dependency), seeds it, measures and writes a report.
 * Takes about a minute on a busy 2-core machine.
 */
class LaunchedStoreSmokeTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private static final String CP = System.getProperty("java.class.path");

    private JsonNode run(Path dir, String... args) throws IOException {
        // Plumbing, not validity, is under test: a busy CI machine must not turn these runs into exit 3.
        String[] all = Stream.concat(Stream.of(args), Stream.of("--store-classpath", CP, "--out", dir.toString(),
                "--no-wrk", "--template-cache", dir.resolve("templates").toString(), "--quiet-wait", "0s",
                "--max-dispatch-lag-p99", "10000", "--max-dispatch-lag", "60000", "--max-overflow", "1"))
                .toArray(String[]::new);
        int code = BenchMain.execute(all, out);
        String log = bytes.toString(StandardCharsets.UTF_8);
        assertThat(code).as(log).isZero();
        assertThat(log).contains("store ready at http://127.0.0.1:", "report: ");
        return new ObjectMapper().readTree(dir.resolve("report.json").toFile());
    }

    @Test
    void devLightQuickRunsAgainstTheRealStoreAndWritesReportAndPlots(@TempDir Path dir) throws IOException {
        long start = System.nanoTime();
        JsonNode json = run(dir, "dev-light", "--quick");

        assertThat((System.nanoTime() - start) / 1e9).as("quick profile under 2 minutes").isLessThan(120);
        assertThat(json.path("machine").path("serviceJvmFlags").asText()).isEqualTo("-Xms512m -Xmx512m -XX:MaxTenuringThreshold=2 -XX:TrimNativeHeapInterval=30000 -XX:MaxMetaspaceSize=201326592 -XX:MetaspaceSize=201326592 -XX:-ClassUnloadingWithConcurrentMark -Djdk.virtualThreadScheduler.parallelism=" + 2 * Runtime.getRuntime().availableProcessors() + " --add-modules=jdk.incubator.vector -XX:ReservedCodeCacheSize=100663296 -XX:MaxDirectMemorySize=67108864 -XX:+UseG1GC -XX:ThreadPriorityPolicy=1");
        assertThat(json.path("peaks").get(1).path("requestsPerSec").asDouble()).isPositive();
        JsonNode light = json.path("phases").get(0).path("classes").get(0);
        assertThat(light.path("name").asText()).isEqualTo("light-order");
        assertThat(light.path("ok").asLong()).isPositive();
        // Every answer is a 200; on a loaded CI machine some requests may get none in time (a timeout, or never sent
        // because the client's in-flight bound was reached), which the run's validity limits judge, not this test.
        assertThat(light.path("statuses").properties()).as("answers by status").singleElement()
                .satisfies(e -> assertThat(e.getKey()).isEqualTo("200"));
        assertThat(light.path("statuses").path("200").asLong()).isEqualTo(light.path("ok").asLong());
        assertThat(light.path("errors").properties()).as("requests without an answer, by kind")
                .allSatisfy(e -> assertThat(e.getKey()).isIn("timeout", "client-overflow"));
        assertThat(json.path("headlines").get(0).path("ratio").asDouble()).isPositive();
        assertThat(json.path("resources").get(1).path("rssBytes").asDouble()).as("RSS from /proc of the child")
                .isGreaterThan(50e6);
        assertThat(dir.resolve("report.md")).content().contains("Headlines", "light-order");
        assertThat(dir.resolve("memory.svg")).content().startsWith("<svg");
        assertThat(dir.resolve("latency-light-light-order.svg")).exists();
        assertThat(dir.resolve("service-store.log")).content().contains("store ready at", "shutting down");
        assertThat(dir.resolve("data-store-1")).as("data dir deleted after the run").doesNotExist();
        assertThat(dir.resolve("templates")).as("seeded data cached for the next run").isNotEmptyDirectory();
        assertThat(json.path("peaks").get(1).path("okPerServiceCpuSecond").asDouble()).isPositive();
    }

    @Test
    void heavyCostMeasuresServiceCpuPerThumbnailInvoiceAndLoginInThreeRounds(@TempDir Path dir) throws IOException {
        JsonNode json = run(dir, "heavy-cost", "--quick");

        JsonNode metrics = json.path("metrics");
        assertThat(metrics).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(metrics.get(i).path("name").asText()).endsWith("service CPU per request (median of 3)");
            assertThat(metrics.get(i).path("unit").asText()).isEqualTo("ms");
            assertThat(metrics.get(i).path("value").asDouble()).as(metrics.get(i).toString()).isPositive();
        }
        assertThat(metrics.get(2).path("name").asText()).startsWith("login");
        assertThat(json.path("phases")).hasSize(9);
        for (JsonNode phase : json.path("phases")) {
            JsonNode c = phase.path("classes").get(0);
            assertThat(c.path("ok").asLong()).as(phase.path("name").asText()).isPositive();
            assertThat(c.path("ok").asLong()).isEqualTo(c.path("completed").asLong());
        }
        assertThat(json.path("notes").toString()).contains("thumbnail service CPU ms per request by round: ");
    }

    @Test
    void aShortSoakSamplesTheRealStoreFitsSlopesAndPlotsThem(@TempDir Path dir) throws IOException {
        JsonNode json = run(dir, "soak", "--quick", "--duration", "4s", "--sample-every", "500ms",
                "--live-every", "1s");

        JsonNode figures = json.path("figures");
        assertThat(figures.path("soak-requests").asLong()).isPositive();
        assertThat(figures.path("soak-errors").asLong()).as(json.path("phases").toString()).isZero();
        assertThat(figures.path("soak-live-heaps").asInt()).as("a live histogram a second for 4 s")
                .isGreaterThanOrEqualTo(3);
        for (String series : new String[] {"live-heap", "live-heap-outside-H2's-page-cache", "heap-after-GC", "RSS",
            "heap-committed", "heap-resident", "code-cache", "metaspace", "RSS-outside-the-heap-and-JIT", "threads",
            "open-files", "open-files-outside-HTTP-connections", "sockets-in-CLOSE_WAIT", "H2-page-cache",
            "H2-entries-for-evicted-pages",
            "session-cache", "sign-in-failure-caches"}) {
            assertThat(figures.path("soak-" + series + "-slope-per-hour").isNumber()).as(series).isTrue();
            assertThat(figures.path("soak-" + series + "-slope-error-per-hour").asDouble()).as(series)
                    .isGreaterThanOrEqualTo(0);
        }
        assertThat(figures.path("soak-warmup-export-rows").asLong()).as("the warm-up export read every order")
                .isGreaterThanOrEqualTo(2_000);
        assertThat(figures.path("soak-H2-page-cache-ceiling").asDouble()).as("H2's CACHE_SIZE in MB").isPositive();
        assertThat(figures.path("soak-heap-resident-ceiling").asDouble()).as("-Xmx512m")
                .isCloseTo(512 * 1.048576, within(0.001));
        assertThat(figures.path("soak-RSS-ceiling").asDouble()).as("the planned budget: heap, metaspace, code cache, "
                + "direct memory and the native allowance").isGreaterThan((512 + 192 + 128) * 1.048576);
        assertThat(figures.path("soak-verdict").isNumber()).isTrue();
        assertThat(figures.path("soak-code-cache-ceiling").asDouble()).as("ReservedCodeCacheSize").isGreaterThan(40);
        assertThat(figures.path("soak-metaspace-ceiling").asDouble()).as("MaxMetaspaceSize, as ./keel start sets it")
                .isCloseTo(192 * 1.048576, within(0.001));
        assertThat(figures.path("soak-h2-cache-max-mb").asDouble()).isPositive();
        assertThat(json.path("headlines").get(0).path("name").asText()).isEqualTo("soak verdict");
        assertThat(json.path("headlines").get(1).path("name").asText())
                .isEqualTo("live heap outside H2's page cache slope");
        assertThat(json.path("headlines").get(1).path("unit").asText()).isEqualTo("MB/h");
        assertThat(dir.resolve("report.md")).content().contains("## Soak: slopes", "**Soak verdict: ", "| RSS | capped: ",
                "soak-rss.svg", "| live heap outside H2's page cache | leak: ", "| heap resident | shown: ",
                "| live heap | shown: ", "| H2 page cache | capped: ", "### Live heap: what grew", "after a full collection",
                SoakVerdict.RULE);
        assertThat(dir.resolve("soak-h2-page-cache.svg")).content().startsWith("<svg").contains("ceiling");
        assertThat(dir.resolve("soak-live-heap.svg")).content().startsWith("<svg").contains("fit ");
        assertThat(dir.resolve("soak-heap-after-gc.svg")).content().startsWith("<svg").contains("fit ");
        assertThat(new ObjectMapper().readTree(dir.resolve("soak-samples.json").toFile()).size())
                .as("about two samples a second for 4 s").isGreaterThanOrEqualTo(4);
    }

    @Test
    void aLiveHeapIntervalShorterThanTheSampleIntervalIsRefused(@TempDir Path dir) {
        int code = BenchMain.execute(new String[] {"soak", "--quick", "--duration", "4s", "--sample-every", "1s",
            "--live-every", "500ms", "--store-classpath", CP, "--out", dir.toString()}, out);
        assertThat(code).isEqualTo(2);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("--live-every must be 0 or --sample-every");
    }

    @Test
    void aSoakSampleIntervalLongerThanTheSoakIsRefused(@TempDir Path dir) {
        int code = BenchMain.execute(new String[] {"soak", "--quick", "--duration", "2s", "--sample-every", "5s",
            "--store-classpath", CP, "--out", dir.toString()}, out);
        assertThat(code).isEqualTo(2);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("--sample-every must be 200ms..");
    }

    @Test
    void aSoakSettleAsLongAsTheSoakIsRefused(@TempDir Path dir) {
        int code = BenchMain.execute(new String[] {"soak", "--quick", "--duration", "4s", "--settle", "4s",
            "--store-classpath", CP, "--out", dir.toString()}, out);
        assertThat(code).isEqualTo(2);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("--settle must be shorter than the soak (PT4S)");
    }

    @Test
    void exportScaleMeasuresTheRealExportOrReportsTheRouteMissing(@TempDir Path dir) throws IOException {
        JsonNode json = run(dir, "export-scale", "--db", "h2", "--sizes", "500,1000");

        JsonNode figures = json.path("figures");
        assertThat(figures.path("h2-1000-peak-rss-mb").asDouble()).isGreaterThan(50);
        assertThat(figures.path("h2-1000-raw-scan-rows-per-sec").asDouble()).as("raw in-process H2 scan")
                .isPositive();
        assertThat(json.path("headlines").get(0).path("reference").asText()).startsWith("raw in-process H2 scan");
        if (json.path("notes").toString().contains("answered 404: route missing")) {
            assertThat(figures.has("h2-1000-r1-rows")).isFalse();
        } else {
            assertThat(figures.path("h2-500-r1-rows").asLong()).isEqualTo(500);
            assertThat(figures.path("h2-1000-r2-rows").asLong()).isEqualTo(1000);
            assertThat(figures.path("h2-1000-r2-cold-rows-per-sec").asDouble()).as("warm-up export").isPositive();
            assertThat(json.path("headlines").get(0).path("ratio").asDouble()).isPositive();
            assertThat(json.path("headlines").get(1).path("ratio").asDouble()).isPositive();
        }
    }

    @Test
    void uploadScaleRoundTripsTheBytesOrReportsTheRouteMissing(@TempDir Path dir) throws IOException {
        JsonNode json = run(dir, "upload-scale", "--size", "8m");

        assertThat(json.path("machine").path("serviceJvmFlags").asText()).isEqualTo("-Xms256m -Xmx256m -XX:MaxTenuringThreshold=2 -XX:TrimNativeHeapInterval=30000 -XX:MaxMetaspaceSize=201326592 -XX:MetaspaceSize=201326592 -XX:-ClassUnloadingWithConcurrentMark -Djdk.virtualThreadScheduler.parallelism=" + 2 * Runtime.getRuntime().availableProcessors() + " --add-modules=jdk.incubator.vector -XX:ReservedCodeCacheSize=100663296 -XX:MaxDirectMemorySize=67108864 -XX:+UseG1GC -XX:ThreadPriorityPolicy=1");
        assertThat(json.path("figures").path("disk-write-fsync-mb-per-sec").asDouble()).isPositive();
        assertThat(json.path("figures").path("disk-read-mb-per-sec").asDouble()).isPositive();
        assertThat(json.path("headlines").get(0).path("reference").asText()).contains("fsynced");
        String notes = json.path("notes").toString();
        if (!notes.contains("route missing")) {
            assertThat(notes).doesNotContain("differs", "failed");
            assertThat(json.path("figures").path("warm-up-mb").asDouble()).as("the whole 8 MiB as the warm-up")
                    .isEqualTo(8.388608);
            assertThat(json.path("figures").path("upload-mb-per-sec").asDouble()).isPositive();
            assertThat(json.path("figures").path("download-mb-per-sec").asDouble()).isPositive();
        }
    }
}
