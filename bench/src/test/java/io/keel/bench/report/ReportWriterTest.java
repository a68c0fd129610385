package io.keel.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keel.bench.load.ClassResult;
import io.keel.bench.load.LatencySummary;
import io.keel.bench.load.PeakResult;
import io.keel.bench.load.PhaseResult;
import io.keel.bench.load.SecondStats;
import io.keel.bench.load.Validity;
import io.keel.bench.sample.ResourceSample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;

import static org.assertj.core.api.Assertions.assertThat;

class ReportWriterTest {
    static BenchReport sample() {
        ClassResult order = new ClassResult("light-order", 1000, 990, Map.of("status-5xx", 10L),
                Map.of("200", 990L, "503", 10L), new LatencySummary(1000, 1.25, 2.5, 12.5, 48.75, 130.0, 1.5),
                new LatencySummary(990, 1.2, 2.4, 11.0, 40.0, 120.0, 1.4), 495.0,
                List.of(new SecondStats(1, 500, 1.2, 11.0, 60.0), new SecondStats(2, 500, 1.3, 13.0, 130.0)));
        ClassResult upload = new ClassResult("upload", 3, 0, Map.of("status-4xx", 3L), Map.of("404", 3L),
                LatencySummary.EMPTY, LatencySummary.EMPTY, 0, List.of(new SecondStats(1, 0, 0, 0, 0), new SecondStats(2, 3, 1, 1, 1)));
        PhaseResult phase = new PhaseResult("light-with-storm", "open-loop", 2.0, 0.8, 0.5, List.of(order, upload),
                Validity.UNCHECKED);
        return new BenchReport("prod-mix", "2025-01-01T00:00:00Z", "abc123", "bench prod-mix --admin-token ***",
                MachineInfo.detect("-Xmx256m"),
                List.of(Headline.of("light p99 mix vs alone", 12.5, "ms", "light p99 alone", 5.0, "1.0 = no cost")),
                List.of(Metric.lower("light p99 with storm", "ms", 12.5)),
                List.of(new Comparison("light p99 with storm", "ms", 12.5, 25.0, 0.5, false)),
                List.of(PeakResult.of("light-order", "closed-loop java (16 connections)", 4321.0, 43210, 0, 1.1,
                        7.7, 10.0).withServiceCpu(5.0)),
                List.of(phase), Map.of("heavy-503-refusals", 10.0),
                List.of(new ResourceSample(0, "alone", 200e6, Double.NaN, 50e6, 1.0, 0, 0, 0, 1),
                        new ResourceSample(1, "mix", 300e6, 150.0, 80e6, 3.5, 4, 2, 0, 2)),
                List.of("route POST /api/uploads answered 404"), List.of());
    }

    @Test
    void writesJsonMarkdownAndSvgFilesContainingTheNumbers(@TempDir Path dir) throws Exception {
        Path md = ReportWriter.write(sample(), dir);

        JsonNode json = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
        assertThat(json.path("scenario").asText()).isEqualTo("prod-mix");
        assertThat(json.path("headlines").get(0).path("ratio").asDouble()).isEqualTo(2.5);
        assertThat(json.path("phases").get(0).path("classes").get(0).path("latency").path("p99Ms").asDouble())
                .isEqualTo(12.5);
        assertThat(json.path("peaks").get(0).path("requestsPerSec").asDouble()).isEqualTo(4321.0);
        assertThat(json.path("resources").get(0).path("cpuPercent").asText()).isEqualTo("NaN");
        assertThat(json.path("machine").path("cores").asInt()).isPositive();
        assertThat(json.path("machine").path("serviceJvmFlags").asText()).isEqualTo("-Xmx256m");
        assertThat(json.path("machine").path("freshPageMicros").asDouble()).isPositive();

        String text = Files.readString(md);
        assertThat(text).contains("# Keel benchmark: prod-mix", "**2.50**", "12.5", "48.8", "4321",
                "upload (route missing: all 404)", "status-5xx=10", "| 300 | 80.0 |", "`abc123`",
                "--admin-token ***", "route POST /api/uploads answered 404", "![memory.svg](memory.svg)",
                "| light p99 with storm | 12.5 ms | 25.0 ms | **0.50** | lower is better |", "8642",
                " µs per fresh 4 KiB page (a page fault's price here; compare runs only where it is similar)");

        List<Path> svgs;
        try (Stream<Path> files = Files.list(dir)) {
            svgs = files.filter(p -> p.toString().endsWith(".svg")).sorted().toList();
        }
        assertThat(svgs).extracting(p -> p.getFileName().toString()).containsExactly("cpu-lag.svg",
                "latency-light-with-storm-light-order.svg", "latency-light-with-storm-upload.svg", "memory.svg",
                "throughput-light-with-storm.svg");
        for (Path svg : svgs) {
            byte[] bytes = Files.readAllBytes(svg);
            var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(bytes));
            assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
        }
        String latency = Files.readString(dir.resolve("latency-light-with-storm-light-order.svg"),
                StandardCharsets.UTF_8);
        assertThat(latency).contains("<polyline", "p99", "latency of light-order in light-with-storm", ">150<", ">0.5<");
    }

    @Test
    void aNaNPointBreaksTheLineInsteadOfDrawingZero() {
        String svg = SvgLineChart.render("t", "x", "y", List.of(new SvgLineChart.Series("s",
                new double[] {0, 1, 2, 3, 4}, new double[] {1, 2, Double.NaN, 4, 5})));
        assertThat(svg.split("<polyline", -1)).hasSize(3);
    }

    @Test
    void ticksAreRoundNumbers() {
        assertThat(SvgLineChart.niceStep(130)).isEqualTo(50);
        assertThat(SvgLineChart.niceStep(9)).isEqualTo(2);
        assertThat(SvgLineChart.niceStep(0.012)).isEqualTo(0.005);
    }

    @Test
    void headlineRatioIsNaNWithoutAReference() {
        assertThat(Headline.of("x", 1, "ms", "none", 0, "").ratio()).isNaN();
        assertThat(Headline.of("x", 3, "ms", "ref", 2, "").ratio()).isEqualTo(1.5);
    }
}
