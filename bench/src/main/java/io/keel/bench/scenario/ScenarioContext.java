package io.keel.bench.scenario;

import io.keel.bench.ServiceUnderTest;
import io.keel.bench.load.HttpClients;
import io.keel.bench.load.LoadLimits;
import io.keel.bench.load.PeakMeter;
import io.keel.bench.load.PeakResult;
import io.keel.bench.load.PhaseResult;
import io.keel.bench.load.Validity;
import io.keel.bench.report.BenchReport;
import io.keel.bench.report.Headline;
import io.keel.bench.report.MachineInfo;
import io.keel.bench.report.Metric;
import io.keel.bench.report.ReportWriter;
import io.keel.bench.sample.MachineLoad;
import io.keel.bench.sample.ProcSampler;
import io.keel.bench.sample.ResourceMonitor;
import io.keel.bench.sample.ResourceSample;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a scenario runs with: the service, options, a shared HTTP client, a resource monitor, and the notes,
 * figures, headline metrics and phase verdicts it collects for the report. Used by one scenario thread;
 * the collections are synchronized because storm parts add notes from their own threads.
 */
public final class ScenarioContext {
    private final ServiceUnderTest service;
    private final RunOptions options;
    private final PrintStream log;
    private final HttpClient client;
    private final StoreClient store;
    private final ResourceMonitor monitor;
    private final MachineLoad machine = MachineLoad.system();
    private final String startedAt = Instant.now().toString();
    private final List<String> notes = new ArrayList<>();
    private final List<String> invalid = new ArrayList<>();
    private final List<Metric> metrics = new ArrayList<>();
    private final Map<String, Double> figures = new LinkedHashMap<>();
    private String phase = "setup";
    private MachineLoad.Reading phaseStart;
    private long phaseStartNanos;
    private long generatorCpuAtStart;

    public ScenarioContext(ServiceUnderTest service, RunOptions options, PrintStream log) {
        this.service = service;
        this.options = options;
        this.log = log;
        this.client = HttpClients.newClient(Duration.ofSeconds(5));
        this.store = new StoreClient(service.url(), client);
        // The operator token also opens /metrics and /api/stats once the store requires it there.
        Map<String, String> adminHeader = options.adminToken().map(t -> Map.of("Authorization", "Bearer " + t))
                .orElse(Map.of());
        this.monitor = new ResourceMonitor(ProcSampler.system(), service.pids(),
                Optional.of(service.url().resolve("/metrics")), adminHeader, log, 7_200);
        if (service.pids().isEmpty()) {
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
        return new PeakMeter(limits(), log, options.useWrk(), service.pids(), options.generatorCpus());
    }

    /** Processes whose CPU is "ours": this JVM's tree (wrk, launched services) and the service's tree. */
    private List<Long> ours() {
        List<Long> pids = new ArrayList<>();
        pids.add(ProcessHandle.current().pid());
        pids.addAll(service.pids());
        return pids;
    }

    /**
     * Starts a measured phase: waits (bounded) for a quiet machine, labels the resource samples, and prints the CPU
     * share other processes used at its start; {@link #endPhase()} prints it over the phase.
     */
    public void beginPhase(String name) {
        double before = options.quiet().await(machine, this::ours, log, name);
        monitor.phase(name);
        phase = name;
        phaseStart = machine.read(ours());
        phaseStartNanos = System.nanoTime();
        generatorCpuAtStart = generatorCpuNanos();
        log.println("phase " + name + " starts" + (Double.isNaN(before) ? "" : "; other processes used "
                + MachineLoad.percent(before) + " of the CPU just before"));
    }

    /**
     * Ends the phase begun last: prints and records the CPU share others used during it, and the CPU this JVM (the
     * load generator) used, in percent of one core: a generator that needs a large part of a 2-core machine takes it
     * from the service it measures.
     */
    public void endPhase() {
        if (phaseStart == null) {
            return;
        }
        MachineLoad.Reading end = machine.read(ours());
        double share = end.otherShareSince(phaseStart);
        double refaulted = end.refaultedMbSince(phaseStart);
        double generator = (generatorCpuNanos() - generatorCpuAtStart) / (double) (System.nanoTime() - phaseStartNanos);
        phaseStart = null;
        log.println("phase " + phase + " ends; other processes used " + MachineLoad.percent(share)
                + " of the CPU during it, the load generator " + MachineLoad.percent(generator) + " of one core"
                + (Double.isNaN(refaulted) ? "" : String.format(Locale.ROOT,
                "; the kernel read back %.1f MB of file pages it had dropped", refaulted)));
        figure(phase + "-other-cpu-share-percent", share * 100);
        figure(phase + "-generator-cpu-percent-of-a-core", generator * 100);
        if (!Double.isNaN(refaulted)) {
            figure(phase + "-file-refaults-mb", refaulted);
        }
    }

    /**
     * Judges a phase against the validity rules, says so on the console when invalid and where its largest dispatch
     * lag came from in any case; returns the judged phase.
     */
    public PhaseResult check(PhaseResult p) {
        return check(p, options.rules());
    }

    /** As {@link #check(PhaseResult)} for a phase judged on memory and failed requests, not latency (the soak). */
    public PhaseResult checkMemoryPhase(PhaseResult p) {
        return check(p, options.rules().forMemoryPhase());
    }

    private PhaseResult check(PhaseResult p, Validity.Rules rules) {
        PhaseResult checked = p.checked(rules);
        String stall = p.stall().describe();
        if (!checked.valid()) {
            String msg = "phase " + p.name() + " INVALID: " + String.join("; ", checked.validity().reasons())
                    + (stall.isEmpty() ? "" : " (" + stall + ")");
            log.println(msg);
            synchronized (this) {
                invalid.add(msg);
            }
        } else if (!stall.isEmpty()) {
            log.println("phase " + p.name() + ": " + stall);
        }
        return checked;
    }

    public synchronized void note(String note) {
        log.println("note: " + note);
        notes.add(note);
    }

    public synchronized void figure(String name, double value) {
        figures.put(name, value);
    }

    public synchronized void metric(Metric m) {
        metrics.add(m);
    }

    /**
     * Stops the monitor and hands over what this context collected, for a report that combines several services
     * (naive comparison, export-scale). Call once, instead of {@link #finish}.
     */
    public Collected collect() {
        var resources = monitor.stop();
        synchronized (this) {
            return new Collected(service.jvmFlags(), Map.copyOf(figures), List.copyOf(notes), resources,
                    List.copyOf(metrics), List.copyOf(invalid));
        }
    }

    /** Figures, notes, resource samples, metrics and verdicts of one context. Immutable. */
    public record Collected(String serviceJvmFlags, Map<String, Double> figures, List<String> notes,
                            List<ResourceSample> resources, List<Metric> metrics, List<String> invalid) {
    }

    /** Assembles the report and writes it to the output folder. */
    public Outcome finish(String scenario, List<Headline> headlines, List<PeakResult> peaks,
                          List<PhaseResult> phases) {
        var resources = monitor.stop();
        BenchReport report;
        synchronized (this) {
            report = new BenchReport(scenario, startedAt, BenchReport.readGitCommit(), options.commandLine(),
                    MachineInfo.detect(service.jvmFlags()), headlines, metrics, List.of(), peaks, phases, figures,
                    resources, notes, invalid);
        }
        return new Outcome(ReportWriter.write(report, options.out()), report);
    }

    private static long generatorCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
