package io.keel.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.keel.bench.BenchException;
import io.keel.bench.sample.LiveHeap;
import io.keel.bench.sample.SoakSampler;
import io.keel.bench.scenario.Soak;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The soak's own part of a report folder: {@code soak-samples.json}, one plot per series with its fitted line
 * ({@code soak-<series>.svg}), and a section appended to {@code report.md} with every slope per hour, its noise and
 * the verdict of {@link SoakVerdict}, whose rule it quotes. Blocking file I/O. Stateless.
 */
public final class SoakReport {
    static final int GROWTH_ROWS = 15;

    private SoakReport() {
    }

    /**
     * Writes the samples, the slopes table and one plot per series; {@code series} holds every sample's values, and
     * the lines are fitted over the samples from index {@code first} on ({@link Soak#firstFitted}).
     */
    public static void write(Path dir, String verdict, List<SoakSampler.Sample> samples, List<Soak.Series> series,
                             int first, List<LiveHeap> fittedLive) {
        try {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(dir.resolve("soak-samples.json").toFile(), samples);
            double[] seconds = samples.stream().mapToDouble(SoakSampler.Sample::second).toArray();
            double[] hours = samples.stream().mapToDouble(s -> s.second() / 3600).toArray();
            StringBuilder md = new StringBuilder("\n## Soak: slopes\n\n**Soak verdict: ").append(verdict)
                    .append("** (headline `soak verdict`, figure `soak-verdict`)\n\n")
                    .append(samples.size()).append(" samples, fitted from second ")
                    .append(fmt(seconds.length == 0 ? 0 : seconds[first])).append(" on (before it: plotted, not "
                            + "fitted). ").append(SoakVerdict.RULE).append("\n\n");
            List<String> plots = new ArrayList<>();
            md.append(table(series, hours, first));
            for (Soak.Series s : series) {
                LineFit fit = s.judge(hours, first).fit();
                double[] line = new double[seconds.length];
                for (int i = 0; i < line.length; i++) {
                    line[i] = fit.intercept() + fit.slope() * hours[i];
                }
                List<SvgLineChart.Series> lines = new ArrayList<>(List.of(measured(s.name(), seconds, s.values()),
                        new SvgLineChart.Series("fit " + fmt(fit.slope()) + " " + s.unit() + "/h", seconds, line)));
                SvgLineChart.Series ceiling = measured("ceiling", seconds, s.ceilings());
                if (ceiling.x().length > 0) {
                    lines.add(ceiling);
                }
                String file = "soak-" + s.name().toLowerCase(Locale.ROOT).replace(' ', '-') + ".svg";
                Files.writeString(dir.resolve(file), SvgLineChart.render(s.name() + " during the soak", "second",
                        s.unit(), lines), StandardCharsets.UTF_8);
                plots.add(file);
            }
            md.append('\n').append(growthTable(fittedLive)).append('\n');
            plots.forEach(p -> md.append("![").append(p).append("](").append(p).append(")\n"));
            Files.writeString(dir.resolve("report.md"), md, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new BenchException("could not write the soak report to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The slopes table: one row per series with its role, slope, noise, spread, ceiling and verdict. */
    static String table(List<Soak.Series> series, double[] hours, int first) {
        StringBuilder md = new StringBuilder("| series | judged as | slope per hour | noise (2 SE) | residual sd | "
                + "ceiling | verdict |\n|---|---|---:|---:|---:|---|---|\n");
        for (Soak.Series s : series) {
            SoakVerdict v = s.judge(hours, first);
            LineFit fit = v.fit();
            md.append("| ").append(s.name()).append(" | ").append(s.role().label()).append(": ").append(s.why())
                    .append(" | ").append(fmt(fit.slope())).append(' ').append(s.unit()).append(" | ± ")
                    .append(fmt(2 * fit.slopeError())).append(" | ").append(fmt(fit.residualSd())).append(' ')
                    .append(s.unit()).append(" | ").append(v.ceilingText(s.unit())).append(" | ").append(v.label())
                    .append(" |\n");
        }
        return md.toString();
    }

    /** The classes that grew most between the first and the last fitted live histogram, as a markdown section. */
    static String growthTable(List<LiveHeap> fitted) {
        StringBuilder md = new StringBuilder("### Live heap: what grew\n\n");
        if (fitted.size() < 2) {
            return md.append("Fewer than two live histograms in the fitted window: nothing to compare.\n").toString();
        }
        LiveHeap from = fitted.getFirst();
        LiveHeap to = fitted.getLast();
        md.append(String.format(Locale.ROOT, "Live heap (after a full collection) %.2f MB at second %.0f, %.2f MB at "
                + "second %.0f: %+.2f MB. The classes that grew most (of the %d largest in each histogram):%n%n",
                from.totalBytes() / 1e6, from.second(), to.totalBytes() / 1e6, to.second(),
                (to.totalBytes() - from.totalBytes()) / 1e6, SoakSampler.HISTOGRAM_TOP));
        List<LiveHeap.Growth> grown = LiveHeap.growth(from, to, GROWTH_ROWS);
        if (grown.isEmpty()) {
            return md.append("No class grew.\n").toString();
        }
        md.append("| class | bytes then | bytes now | growth | instances growth |\n|---|---:|---:|---:|---:|\n");
        for (LiveHeap.Growth g : grown) {
            md.append("| `").append(g.className()).append("` | ").append(g.from().bytes()).append(" | ")
                    .append(g.to().bytes()).append(" | ").append(String.format(Locale.ROOT, "%+d", g.bytes()))
                    .append(" | ").append(String.format(Locale.ROOT, "%+d", g.instances())).append(" |\n");
        }
        return md.toString();
    }

    /**
     * A series' measured points without its NaN ones, so that a sparse series (the live heap, one point in many
     * samples) draws as a line and a failed read is bridged rather than drawn as a gap.
     */
    static SvgLineChart.Series measured(String name, double[] x, double[] y) {
        int[] kept = IntStream.range(0, y.length).filter(i -> !Double.isNaN(y[i])).toArray();
        double[] kx = new double[kept.length];
        double[] ky = new double[kept.length];
        for (int i = 0; i < kept.length; i++) {
            kx[i] = x[kept[i]];
            ky[i] = y[kept[i]];
        }
        return new SvgLineChart.Series(name, kx, ky);
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }
}
