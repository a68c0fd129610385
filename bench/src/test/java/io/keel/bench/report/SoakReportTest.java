package io.keel.bench.report;

import io.keel.bench.sample.LiveHeap;
import io.keel.bench.scenario.Soak;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SoakReportTest {
    private static LiveHeap heap(double second, long total, Map<String, Long> bytes) {
        Map<String, LiveHeap.ClassBytes> classes = new TreeMap<>();
        bytes.forEach((k, v) -> classes.put(k, new LiveHeap.ClassBytes(v / 10, v)));
        return new LiveHeap(second, total, classes);
    }

    @Test
    void theGrowthTableComparesTheFirstAndLastFittedHistograms() {
        String md = SoakReport.growthTable(List.of(
                heap(300, 30_000_000, Map.of("[B", 10_000_000L, "org.h2.mvstore.Chunk", 1_000L)),
                heap(900, 99_000_000, Map.of("[B", 1L)),
                heap(1800, 32_500_000, Map.of("[B", 11_000_000L, "org.h2.mvstore.Chunk", 501_000L))));

        assertThat(md).contains("30.00 MB at second 300, 32.50 MB at second 1800: +2.50 MB")
                .contains("| `[B` | 10000000 | 11000000 | +1000000 | +100000 |")
                .contains("| `org.h2.mvstore.Chunk` | 1000 | 501000 | +500000 | +50000 |");
        assertThat(md.indexOf("`[B`")).as("largest growth first").isLessThan(md.indexOf("Chunk"));
    }

    @Test
    void theGrowthTableSaysSoWhenThereIsNothingToCompare() {
        assertThat(SoakReport.growthTable(List.of(heap(1, 5, Map.of())))).contains("Fewer than two live histograms");
        assertThat(SoakReport.growthTable(List.of(heap(1, 5, Map.of("a", 5L)), heap(2, 4, Map.of("a", 4L)))))
                .contains("No class grew.");
    }

    @Test
    void aSparseSeriesIsPlottedThroughItsMeasuredPointsOnly() {
        SvgLineChart.Series s = SoakReport.measured("live heap", new double[] {0, 5, 10, 15},
                new double[] {30, Double.NaN, Double.NaN, 31});

        assertThat(s.x()).containsExactly(0, 15);
        assertThat(s.y()).containsExactly(30, 31);
    }

    @Test
    void theSlopesTableGivesEachSeriesItsRoleCeilingAndVerdict() {
        double[] hours = IntStream.range(0, 40).mapToDouble(i -> i / 100.0).toArray();
        double[] ceiling = new double[40];
        Arrays.fill(ceiling, 240);
        double[] none = new double[40];
        Arrays.fill(none, Double.NaN);
        List<Soak.Series> series = List.of(
                new Soak.Series("live heap", "MB", Arrays.stream(hours).map(h -> 25 + 4 * h).toArray(), none,
                        SoakVerdict.Limits.MEMORY_MB, SoakVerdict.Role.LEAK, "retained", false),
                new Soak.Series("code cache", "MB", Arrays.stream(hours).map(h -> 75 + 3 * (1 - Math.exp(-h / 0.05)))
                        .toArray(), ceiling, SoakVerdict.Limits.MEMORY_MB, SoakVerdict.Role.POOL, "the JIT", false),
                new Soak.Series("open files", "files", Arrays.stream(hours).map(h -> h < 0.2 ? 120 : 130).toArray(),
                        none, SoakVerdict.Limits.COUNT, SoakVerdict.Role.SHOWN, "the client's pool", false));

        String md = SoakReport.table(series, hours, 0);

        assertThat(md).contains("| live heap | leak: retained | 4.00 MB | ± 0.00 | 0.00 MB |  | TRENDS |")
                .contains("| code cache | pool: the JIT | ")
                .containsPattern("\\| 7[78]\\.[0-9]{2} of 240\\.00 MB; reached in [0-9.]+ h at this slope \\| BOUNDED \\|")
                .contains("| open files | shown: the client's pool | ").contains("| shown, TRENDS |");
    }
}
