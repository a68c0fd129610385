package io.keel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keel.bench.scenario.FakeStore;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class BenchMainTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void devLightRunsAgainstARunningStoreAndWritesAReportWithRatios(@TempDir Path dir) throws Exception {
        try (FakeStore store = new FakeStore()) {
            int code = BenchMain.execute(new String[] {"dev-light", "--url", store.url().toString(), "--quick",
                "--no-wrk", "--duration", "500ms", "--connections", "4", "--out", dir.toString(),
                "--admin-token", "s3cret", "--max-dispatch-lag-p99", "5000", "--max-dispatch-lag", "10000",
                "--max-overflow", "1"}, out);

            assertThat(code).as(output()).isZero();
            JsonNode json = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
            assertThat(json.path("scenario").asText()).isEqualTo("dev-light");
            assertThat(json.path("commandLine").asText()).contains("--admin-token ***").doesNotContain("s3cret");
            assertThat(json.path("peaks").get(1).path("tool").asText()).startsWith("closed-loop java");
            assertThat(json.path("peaks").get(1).path("requestsPerSec").asDouble()).isPositive();
            JsonNode light = json.path("phases").get(0);
            assertThat(light.path("name").asText()).isEqualTo("light");
            assertThat(light.path("classes").get(0).path("ok").asLong()).isPositive();
            assertThat(json.path("headlines").get(0).path("ratio").asDouble()).isPositive();
            assertThat(json.path("resources").get(0).path("heapUsedBytes").asDouble()).isEqualTo(4.2e7);
            assertThat(json.path("notes").toString()).contains("health/live answered 404");
            assertThat(Files.readString(dir.resolve("report.md"))).contains("Headlines", "light-order");
            assertThat(output()).contains("peak measured with closed-loop java").contains("report: ");
            assertThat(store.metricsAuthorization()).as("scrapes send the operator token").isEqualTo("Bearer s3cret");
            assertThat(json.path("peaks").get(1).path("okPerSec").asDouble()).isPositive();
        }
    }

    @Test
    void prodMixReportsRoutesTheServiceDoesNotHaveInsteadOfCrashing(@TempDir Path dir) throws Exception {
        try (FakeStore store = new FakeStore()) {
            int code = BenchMain.execute(new String[] {"prod-mix", "--url", store.url().toString(), "--quick",
                "--rate", "40", "--duration", "500ms", "--out", dir.toString(), "--max-dispatch-lag-p99", "5000",
                "--max-dispatch-lag", "10000"}, out);

            assertThat(code).as(output()).isZero();
            JsonNode json = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
            String notes = json.path("notes").toString();
            // Streams (SSE, uploads) open during the settle time and still count in the measured phase.
            assertThat(notes).contains("'sse-subscribe'", "route missing", "CSV export readers skipped");
            JsonNode mix = json.path("phases").get(1);
            assertThat(mix.path("name").asText()).isEqualTo("light-with-storm");
            assertThat(mix.toString()).contains("\"light-order\"", "\"thumbnail\"", "\"upload\"");
            assertThat(json.path("headlines").get(0).path("name").asText()).isEqualTo("light-order p99 with storm");
            assertThat(json.path("figures").has("heavy-503-refusals")).isTrue();
            // The light load runs through the storm's 2 s settle (quick) at 40/s, so the window opens on it running.
            assertThat(json.path("figures").path("light-requests-in-storm-settle").asDouble())
                    .as("light requests answered during the storm's settle").isBetween(40.0, 100.0);
        }
    }

    @Test
    void stormPartsRunOnlyTheNamedPartsAndTheReportSaysTheStormWasPartial(@TempDir Path dir) throws Exception {
        try (FakeStore store = new FakeStore()) {
            int code = BenchMain.execute(new String[] {"prod-mix", "--url", store.url().toString(), "--quick",
                "--rate", "40", "--duration", "500ms", "--out", dir.toString(), "--max-dispatch-lag-p99", "5000",
                "--max-dispatch-lag", "10000", "--storm-parts", "Thumbnail,sse"}, out);

            assertThat(code).as(output()).isZero();
            JsonNode json = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
            assertThat(json.path("notes").toString()).contains("partial storm (--storm-parts thumbnail,sse)")
                    .doesNotContain("CSV export readers skipped");
            String mix = json.path("phases").get(1).toString();
            assertThat(mix).contains("\"light-order\"", "\"thumbnail\"", "\"sse-subscribe\"")
                    .doesNotContain("\"invoice-pdf\"", "\"login\"", "\"upload\"", "\"order-create\"");
        }
    }

    @Test
    void anUnknownStormPartAndStormPartsWithTheNaiveComparisonAreUsageErrors(@TempDir Path dir) {
        assertThat(BenchMain.execute(new String[] {"prod-mix", "--url", "http://127.0.0.1:1", "--out",
            dir.toString(), "--storm-parts", "thumbnail,pdf"}, out)).isEqualTo(2);
        assertThat(output()).contains("--storm-parts: unknown part 'pdf'; known: thumbnail,invoice,login,export,"
                + "upload,sse,orders");
        assertThat(BenchMain.execute(new String[] {"naive", "--url", "http://127.0.0.1:1", "--out",
            dir.toString(), "--storm-parts", "login"}, out)).isEqualTo(2);
        assertThat(output()).contains("--storm-parts applies to prod-mix");
    }

    @Test
    void anOverloadedGeneratorMarksThePhaseInvalidShowsItsFiguresAsNaAndExitsNonZero(@TempDir Path dir)
            throws Exception {
        try (FakeStore store = new FakeStore()) {
            // A dispatch-lag limit no real client meets stands in for an overloaded generator.
            int code = BenchMain.execute(new String[] {"dev-light", "--url", store.url().toString(), "--quick",
                "--no-wrk", "--rate", "200", "--duration", "500ms", "--connections", "2", "--out", dir.toString(),
                "--max-dispatch-lag-p99", "0.000001", "--max-dispatch-lag", "0.000001"}, out);

            assertThat(code).as(output()).isEqualTo(3);
            assertThat(output()).contains("phase light INVALID: p99 dispatch lag", "exit 3");
            JsonNode json = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
            assertThat(json.path("invalid").toString()).contains("phase light INVALID");
            JsonNode p99 = json.path("headlines").get(2);
            assertThat(p99.path("name").asText()).startsWith("light-order p99 at");
            assertThat(p99.path("value").asText()).isEqualTo("NaN");
            assertThat(p99.path("meaning").asText()).startsWith("INVALID");
            assertThat(json.path("phases").get(0).path("validity").path("reasons").toString())
                    .contains("dispatch lag");
            assertThat(Files.readString(dir.resolve("report.md"))).contains("## INVALID phases",
                    "## Phase `light` — INVALID");
        }
    }

    @Test
    void compareUrlRunsTheScenarioAgainstBothServicesAtTheSameRateAndReportsKeelOverReference(@TempDir Path dir)
            throws Exception {
        try (FakeStore keel = new FakeStore(); FakeStore reference = new FakeStore()) {
            int code = BenchMain.execute(new String[] {"dev-light", "--url", keel.url().toString(), "--quick",
                "--no-wrk", "--duration", "500ms", "--connections", "2", "--out", dir.toString(),
                "--compare-url", reference.url().toString(), "--max-dispatch-lag-p99", "5000",
                "--max-dispatch-lag", "10000", "--max-overflow", "1"}, out);

            assertThat(code).as(output()).isZero();
            ObjectMapper m = new ObjectMapper();
            JsonNode top = m.readTree(dir.resolve("report.json").toFile());
            JsonNode k = m.readTree(dir.resolve("keel/report.json").toFile());
            JsonNode r = m.readTree(dir.resolve("reference/report.json").toFile());
            assertThat(r.path("figures").path("light-rate-per-sec").asDouble())
                    .isEqualTo(k.path("figures").path("light-rate-per-sec").asDouble());
            JsonNode peak = top.path("comparisons").get(0);
            assertThat(peak.path("name").asText()).isEqualTo("peak GET /api/orders/{id}");
            assertThat(peak.path("higherIsBetter").asBoolean()).isTrue();
            assertThat(peak.path("ratio").asDouble()).isCloseTo(
                    peak.path("keel").asDouble() / peak.path("reference").asDouble(), Offset.offset(1e-9));
            assertThat(top.path("comparisons").toString()).contains("light-order p99 at", "\"higherIsBetter\":false");
            assertThat(Files.readString(dir.resolve("report.md"))).contains("Keel against the reference service",
                    "keel/report.md", "Keel ÷ reference");
            assertThat(output()).contains("== keel ==", "== reference ==");
        }
    }

    @Test
    void aPeerDirectoryThatIsNotAnInstalledPeerAndTwoReferencesAreUsageErrors(@TempDir Path dir) {
        assertThat(BenchMain.execute(new String[] {"dev-light", "--url", "http://127.0.0.1:1", "--compare-peer",
            dir.toString(), "--out", dir.resolve("out").toString()}, out)).isEqualTo(2);
        assertThat(output()).contains("is not an installed node-store peer", "npm ci");
        assertThat(BenchMain.execute(new String[] {"dev-light", "--url", "http://127.0.0.1:1", "--compare-peer",
            dir.toString(), "--compare-url", "http://127.0.0.1:2"}, out)).isEqualTo(2);
        assertThat(output()).contains("--compare-peer and --compare-url are alternatives");
    }

    @Test
    void refusesARemoteUrlAndAPidWithoutUrl() {
        assertThat(BenchMain.execute(new String[] {"dev-light", "--url", "http://example.com:8080"}, out))
                .isEqualTo(2);
        assertThat(output()).contains("refusing to send load to host 'example.com'");
        assertThat(BenchMain.execute(new String[] {"dev-light", "--pid", "1"}, out)).isEqualTo(2);
        assertThat(output()).contains("--pid only goes with --url");
    }

    @Test
    void scenariosThatMustStartTheStoreRefuseAnExternalUrl(@TempDir Path dir) {
        assertThat(BenchMain.execute(new String[] {"export-scale", "--url", "http://127.0.0.1:1", "--out",
            dir.toString()}, out)).isEqualTo(2);
        assertThat(output()).contains("export-scale starts the service itself");
    }

    @Test
    void scaleOutStartsItsOwnInstancesAndNeedsTwoInstanceCountsToCompare(@TempDir Path dir) {
        assertThat(BenchMain.execute(new String[] {"scale-out", "--url", "http://127.0.0.1:1", "--out",
            dir.toString()}, out)).isEqualTo(2);
        assertThat(output()).contains("scale-out starts the service itself");
        assertThat(BenchMain.execute(new String[] {"scale-out", "--url", "http://127.0.0.1:1", "--instances", "2",
            "--out", dir.toString()}, out)).isEqualTo(2);
        assertThat(output()).contains("--instances must name at least two counts in 1..8");
    }

    @Test
    void aStoreThatIsNotBuiltIsExplainedWithTheCommandToBuildIt(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("store"));
        Files.writeString(dir.resolve("store/pom.xml"), "<project/>");
        assertThat(BenchMain.execute(new String[] {"dev-light", "--repo", dir.toString(), "--out",
            dir.resolve("out").toString()}, out)).isEqualTo(2);
        assertThat(output()).contains("the store is not built", "mvn -o -B -q install -DskipTests");
    }

    @Test
    void sizesAndDatabasesAreValidated() {
        assertThat(BenchMain.execute(new String[] {"upload-scale", "--size", "lots"}, out)).isEqualTo(2);
        assertThat(BenchMain.execute(new String[] {"export-scale", "--url", "http://127.0.0.1:1", "--db", "oracle"},
                out)).isEqualTo(2);
        assertThat(output()).contains("--db must be h2, postgres or both");
        assertThat(new BenchMain.SizeConverter().convert("64m")).isEqualTo(64L << 20);
        assertThat(new BenchMain.SizeConverter().convert("1g")).isEqualTo(1L << 30);
    }

    @Test
    void badOptionValuesAreUsageErrors() {
        assertThat(BenchMain.execute(new String[] {"dev-light", "--url", "http://127.0.0.1:1", "--duration",
            "soon"}, out)).isEqualTo(2);
        assertThat(BenchMain.execute(new String[] {"dev-light", "--url", "http://127.0.0.1:1", "--rate", "-5"}, out))
                .isEqualTo(2);
        assertThat(output()).contains("--rate must be");
    }

    @Test
    void reloadAndCrashUnderLoadValidateTheirOptionsAndStartTheServiceThemselves(@TempDir Path dir) {
        assertThat(BenchMain.execute(new String[] {"reload-under-load", "--url", "http://127.0.0.1:1", "--out",
            dir.toString()}, out)).isEqualTo(2);
        assertThat(output()).contains("reload-under-load starts the service itself");
        assertThat(BenchMain.execute(new String[] {"crash", "--db", "oracle", "--url", "http://127.0.0.1:1",
            "--out", dir.toString()}, out)).isEqualTo(2);
        assertThat(output()).contains("--db must be h2, postgres or both, got 'oracle'");
        assertThat(BenchMain.execute(new String[] {"crash-under-load", "--order-rate", "-1", "--url",
            "http://127.0.0.1:1", "--out", dir.toString()}, out)).isEqualTo(2);
        assertThat(output()).contains("--order-rate must be in (0, 10000]");
        assertThat(BenchMain.execute(new String[] {"reload", "--store-classpath", "/x", "--out", dir.toString()},
                out)).isEqualTo(2);
        assertThat(output()).contains("--store-classpath does not apply");
    }
}
