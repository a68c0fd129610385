package io.keel.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.keel.bench.BenchException;
import io.keel.bench.load.ClassResult;
import io.keel.bench.load.PhaseResult;
import io.keel.bench.load.SecondStats;
import io.keel.bench.sample.ResourceSample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Writes a report folder: {@code report.json} (Jackson; NaN as the string "NaN"), {@code report.md} and SVG plots
 * (latency percentiles over time per phase and class, throughput per phase, memory, CPU and scheduler lag).
 * Blocking file I/O. Stateless.
 */
public final class ReportWriter {
    private ReportWriter() {
    }

    /** Writes everything under {@code dir} (created if needed) and returns the Markdown file. */
    public static Path write(BenchReport report, Path dir) {
        try {
            Files.createDirectories(dir);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(dir.resolve("report.json").toFile(), report);
            List<String> plots = new ArrayList<>();
            for (PhaseResult p : report.phases()) {
                for (ClassResult c : p.classes()) {
                    plots.add(svg(dir, "latency-" + p.name() + "-" + c.name() + ".svg", SvgLineChart.render(
                            "latency of " + c.name() + " in " + p.name(), "second of phase", "ms", List.of(
                                    classSeries(c, "p50", SecondStats::p50Ms),
                                    classSeries(c, "p99", SecondStats::p99Ms),
                                    classSeries(c, "max", SecondStats::maxMs)))));
                }
                plots.add(svg(dir, "throughput-" + p.name() + ".svg", SvgLineChart.render(
                        "completed requests per second in " + p.name(), "second of phase", "requests/s",
                        p.classes().stream().map(c -> classSeries(c, c.name(), s -> s.count())).toList())));
            }
            if (!report.resources().isEmpty()) {
                plots.add(svg(dir, "memory.svg", SvgLineChart.render("service memory", "second", "MB", List.of(
                        resourceSeries(report, "RSS", s -> s.rssBytes() / 1e6),
                        resourceSeries(report, "heap used", s -> s.heapUsedBytes() / 1e6)))));
                plots.add(svg(dir, "cpu-lag.svg", SvgLineChart.render("service CPU and scheduler lag", "second",
                        "% of one core / ms", List.of(resourceSeries(report, "CPU %", ResourceSample::cpuPercent),
                                resourceSeries(report, "scheduler lag ms", ResourceSample::schedulerLagMs),
                                resourceSeries(report, "CPU pool queued", ResourceSample::cpuPoolQueued)))));
            }
            Path md = dir.resolve("report.md");
            Files.writeString(md, MarkdownReport.render(report, plots), StandardCharsets.UTF_8);
            return md;
        } catch (IOException e) {
            throw new BenchException("could not write the report to " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String svg(Path dir, String name, String content) throws IOException {
        Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
        return name;
    }

    private static SvgLineChart.Series classSeries(ClassResult c, String name, ToDoubleFunction<SecondStats> f) {
        List<SecondStats> s = c.series();
        double[] x = new double[s.size()];
        double[] y = new double[s.size()];
        for (int i = 0; i < s.size(); i++) {
            x[i] = s.get(i).second();
            // A second without completions has no percentile: a gap, not a drop to zero.
            y[i] = s.get(i).count() == 0 && !name.equals(c.name()) ? Double.NaN : f.applyAsDouble(s.get(i));
        }
        return new SvgLineChart.Series(name, x, y);
    }

    private static SvgLineChart.Series resourceSeries(BenchReport r, String name,
                                                      ToDoubleFunction<ResourceSample> f) {
        List<ResourceSample> s = r.resources();
        double[] x = new double[s.size()];
        double[] y = new double[s.size()];
        for (int i = 0; i < s.size(); i++) {
            x[i] = s.get(i).second();
            y[i] = f.applyAsDouble(s.get(i));
        }
        return new SvgLineChart.Series(name, x, y);
    }
}
