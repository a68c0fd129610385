package io.keel.bench.report;

import io.keel.bench.load.PeakResult;
import io.keel.bench.load.PhaseResult;
import io.keel.bench.sample.ResourceSample;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Everything one benchmark invocation measured; serialised as report.json and rendered as report.md. Immutable.
 *
 * @param gitCommit   {@code git rev-parse HEAD} of the working directory, or "unknown"
 * @param commandLine the exact invocation, secrets masked
 * @param metrics     the scenario's headline figures, for a comparison against another service
 * @param comparisons Keel against a reference service in the same invocation ({@code --compare-peer/--compare-url});
 *                    empty without one
 * @param figures     further named numbers (heavy-work throughput, export MB/s, 503 count...)
 * @param notes       things the reader must know: missing routes, fallbacks, warnings
 * @param invalid     phases the tool marked invalid, with the reason; their figures are n/a
 */
public record BenchReport(String scenario, String startedAt, String gitCommit, String commandLine,
                          MachineInfo machine, List<Headline> headlines, List<Metric> metrics,
                          List<Comparison> comparisons, List<PeakResult> peaks, List<PhaseResult> phases,
                          Map<String, Double> figures, List<ResourceSample> resources, List<String> notes,
                          List<String> invalid) {
    public BenchReport {
        headlines = List.copyOf(headlines);
        metrics = List.copyOf(metrics);
        comparisons = List.copyOf(comparisons);
        peaks = List.copyOf(peaks);
        phases = List.copyOf(phases);
        figures = Map.copyOf(figures);
        resources = List.copyOf(resources);
        notes = List.copyOf(notes);
        invalid = List.copyOf(invalid);
    }

    /** True when no phase was marked invalid. */
    public boolean valid() {
        return invalid.isEmpty();
    }

    private static final AtomicReference<String> COMMIT = new AtomicReference<>();

    /** Largest non-NaN value of a resource series, or NaN. */
    public double peak(ToDoubleFunction<ResourceSample> f) {
        return resources.stream().mapToDouble(f).filter(d -> !Double.isNaN(d)).max().orElse(Double.NaN);
    }

    /**
     * {@code git rev-parse HEAD} in the current directory, if git and a repository are there, read once: the first
     * call (BenchMain makes it at start) fixes it, so a commit made while a long run goes on is not credited with it.
     */
    public static String readGitCommit() {
        String known = COMMIT.get();
        if (known == null) {
            COMMIT.compareAndSet(null, gitHead());
            known = COMMIT.get();
        }
        return known;
    }

    private static String gitHead() {
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), UTF_8).strip();
            boolean done = p.waitFor(5, TimeUnit.SECONDS);
            return Optional.of(out).filter(o -> done && p.exitValue() == 0 && o.matches("[0-9a-f]{40}"))
                    .orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
