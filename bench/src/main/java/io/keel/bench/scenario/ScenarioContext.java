package io.keel.bench.scenario;

import io.keel.bench.ServiceUnderTest;
import io.keel.bench.load.LoadLimits;
import io.keel.bench.load.PeakMeter;
import io.keel.bench.report.BenchReport;
import io.keel.bench.report.MachineInfo;
import io.keel.bench.report.ReportWriter;
import io.keel.bench.sample.ProcSampler;
import io.keel.bench.sample.ResourceMonitor;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a scenario runs with: the service, options, a shared HTTP client, a resource monitor, and the notes and
 * figures it collects for the report. Used by one scenario thread; notes/figures are synchronized because storm
 * parts add to them from their own threads.
 */
public final class ScenarioContext {
    private final ServiceUnderTest service;
    private final RunOptions options;
    private final PrintStream log;
    private final HttpClient client;
    private final StoreClient store;
    private final ResourceMonitor monitor;
    private final String startedAt = Instant.now().toString();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, Double> figures = new LinkedHashMap<>();

    public ScenarioContext(ServiceUnderTest service, RunOptions options, PrintStream log) {
        this.service = service;
        this.options = options;
        this.log = log;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        this.store = new StoreClient(service.url(), client);
        Map<String, String> adminHeader = options.adminToken().map(t -> Map.of("Authorization", "Bearer " + t))
                .orElse(Map.of());
        this.monitor = new ResourceMonitor(ProcSampler.system(), service.pid(),
                java.util.Optional.of(service.url().resolve("/metrics")), adminHeader, log, 7_200);
        if (service.pid().isEmpty()) {
            note("service pid unknown (pass --pid): RSS comes from /metrics process_resident_memory_bytes if any");
        }
    }

    public ServiceUnderTest service() {
        return service;
    }

    public RunOptions options() {
        return options;
    }

    public PrintStream log() {
        return log;
    }

    public HttpClient client() {
        return client;
    }

    public StoreClient store() {
        return store;
    }

    public ResourceMonitor monitor() {
        return monitor;
    }

    public LoadLimits limits() {
        return LoadLimits.DEFAULTS;
    }

    public PeakMeter peakMeter() {
        return new PeakMeter(limits(), log, options.useWrk());
    }

    public synchronized void note(String note) {
        log.println("note: " + note);
        notes.add(note);
    }

    public synchronized void figure(String name, double value) {
        figures.put(name, value);
    }

    /**
     * Stops the monitor and hands over what this context collected, for a report that combines several services
     * (naive comparison, export-scale). Call once, instead of {@link #finish}.
     */
    public Collected collect() {
        var resources = monitor.stop();
        synchronized (this) {
            return new Collected(service.jvmFlags(), Map.copyOf(figures), List.copyOf(notes), resources);
        }
    }

    /** Figures, notes and resource samples of one context. Immutable. */
    public record Collected(String serviceJvmFlags, Map<String, Double> figures, List<String> notes,
                            List<io.keel.bench.sample.ResourceSample> resources) {
    }

    /** Assembles the report and writes it to the output folder; returns the Markdown file. */
    public Path finish(String scenario, List<io.keel.bench.report.Headline> headlines,
                       List<io.keel.bench.load.PeakResult> peaks, List<io.keel.bench.load.PhaseResult> phases) {
        var resources = monitor.stop();
        BenchReport report;
        synchronized (this) {
            report = new BenchReport(scenario, startedAt, BenchReport.readGitCommit(), options.commandLine(),
                    MachineInfo.detect(service.jvmFlags()), headlines, peaks, phases, figures, resources, notes);
        }
        return ReportWriter.write(report, options.out());
    }
}
