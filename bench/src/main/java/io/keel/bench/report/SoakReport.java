package io.keel.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.keel.bench.BenchException;
import io.keel.bench.sample.SoakSampler;
import io.keel.bench.scenario.Soak;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The soak's own part of a report folder: {@code soak-samples.json}, one plot per series with its fitted line
 * ({@code soak-<series>.svg}), and a section appended to {@code report.md} with every slope per hour, its noise and
 * the verdict. Blocking file I/O. Stateless.
 */
public final class SoakReport {
    private SoakReport() {
    }

    /**
     * Writes the samples, the slopes table and one plot per series; {@code series} holds every sample's values, and
     * the lines are fitted over the samples from index {@code first} on ({@link Soak#firstFitted}).
     */
    public static void write(Path dir, List<SoakSampler.Sample> samples, List<Soak.Series> series, int first) {
        try {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(dir.resolve("soak-samples.json").toFile(), samples);
            double[] seconds = samples.stream().mapToDouble(SoakSampler.Sample::second).toArray();
            double[] hours = samples.stream().mapToDouble(s -> s.second() / 3600).toArray();
            double[] fitHours = Arrays.copyOfRange(hours, first, hours.length);
            StringBuilder md = new StringBuilder("\n## Soak: slopes\n\n")
                    .append(samples.size()).append(" samples; a least-squares line through each series from second ")
                    .append(fmt(seconds.length == 0 ? 0 : seconds[first])).append(" on (before it the JVM is still "
                            + "warming up: plotted, not fitted). Noise is two "
                            + "standard errors of the slope; a slope inside it (or below 1 MB/h, half a thread or "
                            + "descriptor per hour) is FLAT.\n\n")
                    .append("| series | slope per hour | noise (2 SE) | residual sd | verdict |\n")
                    .append("|---|---:|---:|---:|---|\n");
            List<String> plots = new ArrayList<>();
            for (Soak.Series s : series) {
                LineFit fit = LineFit.of(fitHours, Arrays.copyOfRange(s.values(), first, s.values().length));
                md.append("| ").append(s.name()).append(" | ").append(fmt(fit.slope())).append(' ').append(s.unit())
                        .append(" | ± ").append(fmt(2 * fit.slopeError())).append(" | ").append(fmt(fit.residualSd()))
                        .append(' ').append(s.unit()).append(" | ")
                        .append(Double.isNaN(fit.slope()) ? "n/a (not measured)" : fit.flat(s.flatPerHour())
                                ? "FLAT" : "TRENDS").append(" |\n");
                double[] line = new double[seconds.length];
                for (int i = 0; i < line.length; i++) {
                    line[i] = fit.intercept() + fit.slope() * hours[i];
                }
                String file = "soak-" + s.name().toLowerCase(Locale.ROOT).replace(' ', '-') + ".svg";
                Files.writeString(dir.resolve(file), SvgLineChart.render(s.name() + " during the soak", "second",
                        s.unit(), List.of(new SvgLineChart.Series(s.name(), seconds, s.values()),
                                new SvgLineChart.Series("fit " + fmt(fit.slope()) + " " + s.unit() + "/h", seconds,
                                        line))), StandardCharsets.UTF_8);
                plots.add(file);
            }
            md.append('\n');
            plots.forEach(p -> md.append("![").append(p).append("](").append(p).append(")\n"));
            Files.writeString(dir.resolve("report.md"), md, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new BenchException("could not write the soak report to " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }
}
