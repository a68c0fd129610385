package io.keel.bench.scenario;

import io.keel.bench.BalancedService;
import io.keel.bench.BenchException;
import io.keel.bench.KeelLauncher;
import io.keel.bench.ServiceSource;
import io.keel.bench.ServiceUnderTest;
import io.keel.bench.launch.LaunchSpec;
import io.keel.bench.launch.Psql;
import io.keel.bench.load.ClassResult;
import io.keel.bench.load.OpenLoopRunner;
import io.keel.bench.load.PeakResult;
import io.keel.bench.load.PhaseResult;
import io.keel.bench.report.Headline;
import io.keel.bench.report.InstanceTable;
import io.keel.bench.report.Metric;
import io.keel.bench.sample.ProcSampler;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Scenario 9, first half: the light mix through a real HAProxy in front of 1, then 2 (or {@code --instances})
 * store instances on one PostgreSQL schema. Per instance count: a closed-loop peak of {@code GET /api/orders/{id}},
 * then the light mix open loop at one fixed rate (half the first count's peak, or {@code --rate}) for every count,
 * with each instance's and HAProxy's CPU read from /proc around it. The table ({@link InstanceTable}) and the
 * headlines compare each count with the first. On a machine with few cores every instance, HAProxy, PostgreSQL and
 * the load generator share them, so a second instance shows its overhead, not scaling; the report says so. Blocking.
 */
public final class ScaleOut {
    /**
     * What to run.
     *
     * @param instances  instance counts, ascending, the first (normally 1) being the reference
     * @param pgUrl      PostgreSQL holding the shared schema (a fresh one, dropped after)
     * @param seedOrders orders seeded once into that schema
     */
    public record Options(List<Integer> instances, String pgUrl, long seedOrders) {
        public Options {
            instances = instances.stream().sorted().distinct().toList();
            if (instances.size() < 2 || instances.getFirst() < 1 || instances.getLast() > 8) {
                throw new BenchException("--instances must name at least two counts in 1..8, e.g. 1,2; got "
                        + instances);
            }
        }
    }

    /** What one instance count measured. */
    private record Measured(int instances, PeakResult peak, PhaseResult light, double rate, double storeCpuSeconds,
                            double haproxyCpuSeconds) {
        long ok() {
            return light.classes().stream().mapToLong(ClassResult::ok).sum();
        }
    }

    private ScaleOut() {
    }

    public static Outcome run(ServiceSource services, RunOptions options, Options so, PrintStream log) {
        LaunchSpec base = services.base("scale-out");
        Psql pg = Psql.parse(so.pgUrl());
        String schema = pg.createSchema();
        Combined combined = new Combined();
        List<Measured> results = new ArrayList<>();
        try {
            KeelLauncher launcher = new KeelLauncher(base.withDbUrl(Optional.of(pg.storeUrl(schema))));
            launcher.seed(services.dataDir("data-seed"), so.seedOrders(), services.outDir().resolve("seed.log"), log);
            double rate = options.rate();
            for (int n : so.instances()) {
                String label = label(n);
                try (BalancedService service = BalancedService.start(launcher, n, services, label, log)) {
                    ScenarioContext ctx = new ScenarioContext(service, options.forService(options.out(),
                            Optional.of(launcher.adminToken())), log);
                    Measured m = measure(ctx, service, rate);
                    rate = m.rate();
                    results.add(m);
                    record(combined, m, service);
                    combined.add(ctx.collect());
                    combined.addPeaks(List.of(m.peak()));
                    combined.addPhases(List.of(m.light()));
                }
            }
        } finally {
            pg.dropSchema(schema);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int most = so.instances().getLast();
        if (cores < 2 * most + 2) {
            combined.note("this machine has " + cores + " cores, shared by every instance, HAProxy, PostgreSQL and the "
                    + "load generator: more instances here show the overhead of each added instance (connections, "
                    + "JIT and GC per JVM, one more hop), not scaling. Scaling needs each instance on its own cores");
        }
        combined.note("every instance count runs the light mix at the same rate, " + (long) results.getFirst().rate()
                + "/s (" + (options.rate() > 0 ? "--rate" : "half the " + label(results.getFirst().instances())
                + " peak") + "); instances share one PostgreSQL schema seeded once with " + so.seedOrders()
                + " orders; HAProxy balances least-connections and checks /health/ready as deploy/haproxy/haproxy.cfg");
        return combined.write("scale-out", options, headlines(results), options.out());
    }

    private static Measured measure(ScenarioContext ctx, BalancedService service, double fixedRate) {
        ctx.monitor().start();
        LightLoad light = Setup.light(ctx);
        RunOptions opts = ctx.options();
        int n = service.instances().size();
        int conns = opts.quick() ? Math.min(16, opts.connections()) : opts.connections();
        Map<String, String> auth = Map.of("Authorization", "Bearer " + light.user().token());
        // Fresh JVMs: JIT and connection pools warm up before anything is measured, on every instance.
        Duration warm = opts.warmupDuration();
        ctx.log().println(label(n) + ": warming (not measured, " + warm.toSeconds() + " s)");
        ctx.monitor().phase("warmup-" + label(n));
        ctx.peakMeter().measure(LightLoad.ORDER, ctx.service().url(), auth, light.orderPaths(), conns, warm);

        ctx.beginPhase("peak-" + label(n));
        PeakResult peak = ctx.peakMeter().measure(LightLoad.ORDER, ctx.service().url(), auth, light.orderPaths(),
                conns, opts.peakDuration());
        ctx.endPhase();
        double rate = fixedRate > 0 ? fixedRate : Setup.lightRate(ctx, peak.okPerSec());

        ProcSampler proc = ProcSampler.system();
        double storeBefore = cpu(proc, service.instances());
        double haproxyBefore = cpu(proc, service.balancerPid());
        List<Double> each = service.instances().stream().map(s -> cpu(proc, List.of(s))).toList();
        ctx.beginPhase("light-" + label(n));
        ctx.log().println(label(n) + ": open loop at " + rate + "/s for " + opts.phaseDuration().toSeconds() + " s");
        PhaseResult phase;
        try (OpenLoopRunner open = OpenLoopRunner.create(ctx.limits())) {
            phase = ctx.check(open.runPhase("light-" + label(n), light.specs(rate, opts.phaseDuration())));
        }
        ctx.endPhase();
        double store = cpu(proc, service.instances()) - storeBefore;
        double haproxy = cpu(proc, service.balancerPid()) - haproxyBefore;
        List<Long> served = service.requestsPerInstance();
        for (int i = 0; i < n; i++) {
            double used = cpu(proc, List.of(service.instances().get(i))) - each.get(i);
            ctx.figure(InstanceTable.key(n, "instance-" + (i + 1) + "-cpu-percent"), 100 * used / phase.seconds());
            ctx.figure(InstanceTable.key(n, "instance-" + (i + 1) + "-requests"), served.get(i));
        }
        DevLight.noteMissing(ctx, phase);
        return new Measured(n, peak, phase, rate, store, haproxy);
    }

    private static void record(Combined c, Measured m, BalancedService service) {
        int n = m.instances();
        long ok = m.ok();
        double seconds = m.light().seconds();
        c.figure(InstanceTable.key(n, "peak-ok-per-sec"), m.peak().okPerSec());
        c.figure(InstanceTable.key(n, "light-rate-per-sec"), m.rate());
        c.figure(InstanceTable.key(n, "light-ok-per-sec"), ok / seconds);
        c.figure(InstanceTable.key(n, "light-p99-ms"), m.light().valid()
                ? m.light().get(LightLoad.ORDER.name()).latency().p99Ms() : Double.NaN);
        c.figure(InstanceTable.key(n, "store-cpu-us-per-request"), perRequest(m));
        c.figure(InstanceTable.key(n, "cpu-percent-per-instance"), 100 * m.storeCpuSeconds() / seconds / n);
        c.figure(InstanceTable.key(n, "haproxy-cpu-us-per-request"),
                ok > 0 ? 1e6 * m.haproxyCpuSeconds() / ok : Double.NaN);
        c.figure(InstanceTable.key(n, "light-errors"), (double) m.light().classes().stream()
                .mapToLong(ClassResult::errorCount).sum());
        c.metric(Metric.higher("peak through HAProxy, " + label(n), "req/s", m.peak().okPerSec()));
        c.note(label(n) + ": " + service.instances().size() + " store JVM(s) (" + service.jvmFlags() + ") and "
                + "HAProxy pid " + service.balancerPid());
    }

    private static List<Headline> headlines(List<Measured> results) {
        Measured first = results.getFirst();
        String ref = label(first.instances());
        List<Headline> out = new ArrayList<>();
        for (Measured m : results.subList(1, results.size())) {
            String name = label(m.instances());
            boolean valid = first.light().valid() && m.light().valid();
            out.add(Headline.of("peak GET /api/orders/{id} through HAProxy, " + name, m.peak().okPerSec(), "req/s",
                    ref, first.peak().okPerSec(), "above 1.0 = more throughput with more instances; on shared "
                            + "cores expect about 1.0 or below (see notes)"));
            out.add(Headline.of("GET /api/orders/{id} p99 at " + (long) m.rate() + "/s, " + name,
                    m.light().get(LightLoad.ORDER.name()).latency().p99Ms(), "ms", ref,
                    first.light().get(LightLoad.ORDER.name()).latency().p99Ms(), "1.0 = same latency; lower is better")
                    .validIf(valid, "load generator overloaded, see the phases"));
            out.add(Headline.of("store CPU per ok light request, " + name, perRequest(m), "µs", ref, perRequest(first),
                    "above 1.0 = each request costs more CPU when spread over more instances; lower is better"));
        }
        return out;
    }

    private static double perRequest(Measured m) {
        return m.ok() > 0 ? 1e6 * m.storeCpuSeconds() / m.ok() : Double.NaN;
    }

    private static double cpu(ProcSampler proc, List<ServiceUnderTest> services) {
        List<Long> pids = services.stream().flatMap(s -> s.pids().stream()).toList();
        return proc.sampleAlive(pids).map(ProcSampler.TreeSnapshot::cpuSeconds).orElse(Double.NaN);
    }

    private static double cpu(ProcSampler proc, long pid) {
        return proc.sample(pid).map(ProcSampler.TreeSnapshot::cpuSeconds).orElse(Double.NaN);
    }

    private static String label(int n) {
        return n == 1 ? "1-instance" : n + "-instances";
    }
}
