package io.keel.bench.report;

import io.keel.bench.BenchException;
import io.keel.bench.launch.StoreLocator;
import io.keel.bench.load.Validity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResultsDocTest {
    @Test
    void theCommittedBenchmarksDocIsExactlyWhatTheCommittedReportsGenerate() throws Exception {
        Path root = StoreLocator.repoRoot(Optional.empty(), Path.of(""));
        String committed = Files.readString(root.resolve("docs/benchmarks.md"), StandardCharsets.UTF_8);

        String generated = ResultsDoc.regenerate(committed, root.resolve("docs/results"), Validity.Rules.DEFAULTS);

        assertThat(generated).as("run ./keel bench docs and commit docs/benchmarks.md").isEqualTo(committed);
    }

    @Test
    void anOldReportsInvalidPhasesAreListedAndItsHeadlinesAreNotPresentedAsResults(@TempDir Path dir)
            throws Exception {
        Path results = dir.resolve("results");
        Files.createDirectories(results.resolve("dev-light"));
        Files.writeString(results.resolve("dev-light/report.json"), """
                {"scenario":"dev-light","startedAt":"t","gitCommit":"c","commandLine":"bench dev-light",
                 "machine":{"cores":2,"serviceJvmFlags":"-Xmx512m"},
                 "headlines":[{"name":"light-order p99 at 14431/s","value":969.7,"unit":"ms","reference":"health",
                   "referenceValue":365.0,"ratio":2.66,"meaning":"lower is better"}],
                 "phases":[{"name":"light","maxDispatchLagMs":107.1,"classes":[{"name":"light-order",
                   "completed":213474,"errors":{"client-overflow":176163}}]}]}
                """);
        String doc = "intro\n" + ResultsDoc.BEGIN + "\nstale\n" + ResultsDoc.END + "\noutro\n";

        String out = ResultsDoc.regenerate(doc, results, Validity.Rules.DEFAULTS);

        assertThat(out).startsWith("intro\n").endsWith(ResultsDoc.END + "\noutro\n").doesNotContain("stale");
        assertThat(out).as("a report from before the page probe names no price").contains("`; 2 cores; service `");
        assertThat(out).contains("`light`: max dispatch lag 107.1 ms > 50.0 ms",
                "45.21% of scheduled requests never sent");
        assertThat(out).contains("| light-order p99 at 14431/s | n/a |", "wrk's req/s counted non-2xx",
                "NOT A RESULT: old tool, see above; from an invalid phase",
                "had been published as 970 ms, ratio 2.66");
    }

    @Test
    void aSoaksSingleStallIsJudgedByTheMemoryRuleAndALatencyPhasesIsNot(@TempDir Path dir) throws Exception {
        Path results = dir.resolve("results");
        for (String scenario : new String[] {"soak", "prod-mix"}) {
            Files.createDirectories(results.resolve(scenario));
            Files.writeString(results.resolve(scenario + "/report.json"), """
                    {"scenario":"%s","startedAt":"t","gitCommit":"c","commandLine":"bench",
                     "machine":{"cores":2,"serviceJvmFlags":"-Xmx512m"},"metrics":[],"headlines":[],
                     "phases":[{"name":"%s-phase","maxDispatchLagMs":57.3,"p99DispatchLagMs":0.95,
                       "classes":[{"name":"light-order","completed":195310,"errors":{}}]}]}
                    """.formatted(scenario, scenario));
        }

        String out = ResultsDoc.render(results, Validity.Rules.DEFAULTS);

        assertThat(out).contains("`prod-mix-phase`: max dispatch lag 57.3 ms > 50.0 ms")
                .doesNotContain("`soak-phase`");
    }

    @Test
    void aNewReportShowsItsComparisonsAndHeadlines(@TempDir Path dir) throws Exception {
        Path results = dir.resolve("results");
        Files.createDirectories(results.resolve("upload-scale"));
        Files.writeString(results.resolve("upload-scale/report.json"), """
                {"scenario":"upload-scale","startedAt":"t","gitCommit":"c","commandLine":"bench upload-scale",
                 "machine":{"cores":2,"serviceJvmFlags":"-Xmx256m","freshPageMicros":13.1},"metrics":[],
                 "invalid":[],"phases":[],
                 "comparisons":[{"name":"upload MB/s","unit":"MB/s","keel":500.0,"reference":250.0,"ratio":2.0,
                   "higherIsBetter":true}],
                 "headlines":[{"name":"upload MB/s","value":500.0,"unit":"MB/s","reference":"fsynced write",
                   "referenceValue":1000.0,"ratio":0.5,"meaning":"higher is better"}]}
                """);

        String out = ResultsDoc.render(results, Validity.Rules.DEFAULTS);

        assertThat(out).contains("`; 2 cores, 13.10 µs per fresh page; service `-Xmx256m`",
                "| upload MB/s | 500 MB/s | 250 MB/s | **2.00** | higher is better |",
                "| upload MB/s | 500 MB/s | fsynced write 1000 | **0.50** | higher is better |")
                .doesNotContain("NOT A RESULT");
    }

    @Test
    void aDocWithoutTheMarkersIsRefused(@TempDir Path dir) {
        assertThatThrownBy(() -> ResultsDoc.regenerate("no markers", dir, Validity.Rules.DEFAULTS))
                .isInstanceOf(BenchException.class).hasMessageContaining("results:begin");
    }
}
