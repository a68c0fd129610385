package io.keel.bench.scenario;

import io.keel.bench.load.PeakResult;
import io.keel.bench.load.PhaseResult;
import io.keel.bench.report.BenchReport;
import io.keel.bench.report.Headline;
import io.keel.bench.report.MachineInfo;
import io.keel.bench.report.Metric;
import io.keel.bench.report.ReportWriter;
import io.keel.bench.sample.ResourceSample;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One report built from several services measured one after the other in the same invocation (protected then
 * naive; one store per export size). Resource samples are laid end to end on one time axis, so the memory plot
 * shows every run. Not thread-safe: used by the scenario thread.
 */
public final class Combined {
    private final String startedAt = Instant.now().toString();
    private final Map<String, Double> figures = new LinkedHashMap<>();
    private final Set<String> notes = new LinkedHashSet<>();
    private final List<ResourceSample> resources = new ArrayList<>();
    private final List<PeakResult> peaks = new ArrayList<>();
    private final List<PhaseResult> phases = new ArrayList<>();
    private final Set<String> jvmFlags = new LinkedHashSet<>();
    private final List<Metric> metrics = new ArrayList<>();
    private final List<String> invalid = new ArrayList<>();

    /** Adds one service's collection; its samples start one second after the previous service's last one. */
    public void add(ScenarioContext.Collected c) {
        double offset = resources.isEmpty() ? 0 : resources.getLast().second() + 1;
        for (ResourceSample s : c.resources()) {
            resources.add(new ResourceSample(s.second() + offset, s.phase(), s.rssBytes(), s.cpuPercent(),
                    s.heapUsedBytes(), s.schedulerLagMs(), s.cpuPoolActive(), s.cpuPoolQueued(),
                    s.cpuPoolRejected(), s.dbActive()));
        }
        figures.putAll(c.figures());
        notes.addAll(c.notes());
        jvmFlags.add(c.serviceJvmFlags());
        metrics.addAll(c.metrics());
        invalid.addAll(c.invalid());
    }

    public void addPeaks(List<PeakResult> p) {
        peaks.addAll(p);
    }

    public void addPhases(List<PhaseResult> p) {
        phases.addAll(p);
    }

    public void figure(String name, double value) {
        figures.put(name, value);
    }

    public void metric(Metric m) {
        metrics.add(m);
    }

    public void note(String note) {
        notes.add(note);
    }

    /** Largest RSS among samples whose phase starts with {@code phasePrefix}; NaN when none. */
    public double peakRss(String phasePrefix) {
        return resources.stream().filter(s -> s.phase().startsWith(phasePrefix)).mapToDouble(ResourceSample::rssBytes)
                .filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
    }

    /** Writes report.md/json and plots to {@code out}. */
    public Outcome write(String scenario, RunOptions options, List<Headline> headlines, Path out) {
        BenchReport report = new BenchReport(scenario, startedAt, BenchReport.readGitCommit(),
                options.commandLine(), MachineInfo.detect(String.join(" | ", jvmFlags)), headlines, metrics,
                List.of(), peaks, phases, figures, resources, List.copyOf(notes), invalid);
        return new Outcome(ReportWriter.write(report, out), report);
    }
}
