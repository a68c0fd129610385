package io.keel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keel.bench.load.Validity;
import io.keel.bench.report.InstanceTable;
import io.keel.bench.report.ResultsDoc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scale-out scenario end to end with tiny phases: the real store (from this module's test class path) twice
 * over, once as one and once as two instances on a fresh schema of {@code KEEL_TEST_PG_URL}, behind a real HAProxy
 * (installed by .ci/run); the report holds the 1-vs-2 table that {@code ./keel bench docs} renders. Plumbing, not
 * speed, is under test: the validity limits are opened so a busy machine cannot fail it. About a minute.
 */
@EnabledIfEnvironmentVariable(named = "KEEL_TEST_PG_URL", matches = ".+")
class ScaleOutSmokeTest {
    @Test
    void oneAndTwoInstancesBehindHaproxyGiveTheTableAndBothInstancesServe(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Path report = dir.resolve("results/scale-out");
        int code = BenchMain.execute(new String[] {"scale-out", "--quick", "--duration", "2s", "--seed-orders", "100",
            "--pg-url", System.getenv("KEEL_TEST_PG_URL"), "--store-classpath", System.getProperty("java.class.path"),
            "--out", report.toString(), "--no-wrk", "--quiet-wait", "0s", "--max-dispatch-lag-p99", "10000",
            "--max-dispatch-lag", "60000", "--max-overflow", "1"}, out);
        String log = bytes.toString(StandardCharsets.UTF_8);

        assertThat(code).as(log).isZero();
        assertThat(log).contains("haproxy at http://127.0.0.1:", "report: ");
        JsonNode json = new ObjectMapper().readTree(report.resolve("report.json").toFile());
        JsonNode figures = json.path("figures");
        for (int n = 1; n <= 2; n++) {
            assertThat(figures.path(InstanceTable.key(n, "peak-ok-per-sec")).asDouble()).as(n + " peak").isPositive();
            assertThat(figures.path(InstanceTable.key(n, "light-ok-per-sec")).asDouble()).isPositive();
            assertThat(figures.path(InstanceTable.key(n, "store-cpu-us-per-request")).asDouble()).isPositive();
            assertThat(figures.path(InstanceTable.key(n, "haproxy-cpu-us-per-request")).asDouble()).isPositive();
        }
        assertThat(figures.path(InstanceTable.key(2, "instance-1-requests")).asLong()).as("HAProxy sent to both")
                .isPositive();
        assertThat(figures.path(InstanceTable.key(2, "instance-2-requests")).asLong()).isPositive();
        assertThat(report.resolve("haproxy-2-instances.cfg")).content()
                .containsPattern("server store1 127\\.0\\.0\\.1:\\d+ check")
                .containsPattern("server store2 127\\.0\\.0\\.1:\\d+ check");
        if (Runtime.getRuntime().availableProcessors() < 6) {
            assertThat(json.path("notes").toString()).contains("not scaling");
        }
        assertThat(report.resolve("report.md")).content().contains("## By instance count",
                "| figure | 1 instance | 2 instances | 2 ÷ 1 |");
        String docs = ResultsDoc.render(report.getParent(), Validity.Rules.DEFAULTS);
        assertThat(docs).contains("### scale-out", "| figure | 1 instance | 2 instances | 2 ÷ 1 |");
        try (Stream<Path> files = Files.list(report)) {
            assertThat(files.filter(p -> p.getFileName().toString().startsWith("data-")))
                    .as("data dirs deleted after the run").isEmpty();
        }
    }
}
