package io.keel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keel.bench.scenario.FakeStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
                "--admin-token", "s3cret"}, out);

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
        }
    }

    @Test
    void prodMixReportsRoutesTheServiceDoesNotHaveInsteadOfCrashing(@TempDir Path dir) throws Exception {
        try (FakeStore store = new FakeStore()) {
            int code = BenchMain.execute(new String[] {"prod-mix", "--url", store.url().toString(), "--quick",
                "--rate", "40", "--duration", "500ms", "--out", dir.toString()}, out);

            assertThat(code).as(output()).isZero();
            JsonNode json = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
            String notes = json.path("notes").toString();
            assertThat(notes).contains("'thumbnail'", "'invoice-pdf'", "'sse-subscribe'", "route missing",
                    "CSV export readers skipped");
            JsonNode mix = json.path("phases").get(1);
            assertThat(mix.path("name").asText()).isEqualTo("light-with-storm");
            assertThat(mix.toString()).contains("\"light-order\"", "\"thumbnail\"", "\"upload\"");
            assertThat(json.path("headlines").get(0).path("name").asText()).isEqualTo("light-order p99 with storm");
            assertThat(json.path("figures").has("heavy-503-refusals")).isTrue();
        }
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
        assertThat(output()).contains("export-scale starts the store itself");
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
}
