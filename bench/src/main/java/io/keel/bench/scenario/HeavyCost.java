package io.keel.bench.scenario;

import io.keel.bench.load.ClassResult;
import io.keel.bench.load.ClosedLoopRunner;
import io.keel.bench.load.PhaseResult;
import io.keel.bench.load.RequestClass;
import io.keel.bench.load.RequestFactory;
import io.keel.bench.report.Metric;
import io.keel.bench.sample.ProcSampler;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * What one heavy request costs the service in CPU, independent of how busy the machine is: each heavy kind of the
 * prod-mix storm (the 2000x2000 JPEG thumbnail, an invoice PDF, a login) closed-loop alone, with as many connections
 * as cores, {@code --rounds} times (at least 3), each after every kind was warmed. Figure per kind: the service's
 * process-tree CPU (utime+stime from {@code /proc}, all worker processes and pool threads included) over the round ÷
 * ok answers, median of the rounds. Wall-clock rates are left out on purpose: on a shared machine they measure the
 * neighbours; CPU per operation is what sets the storm's heavy throughput once the cores are full. Needs the
 * service's pid. Blocking.
 */
public final class HeavyCost {
    static final int MIN_ROUNDS = 3;

    private HeavyCost() {
    }

    public static Outcome run(ScenarioContext ctx) {
        ctx.monitor().start();
        LightLoad light = Setup.light(ctx);
        var opts = ctx.options();
        if (ctx.service().pid().isEmpty()) {
            ctx.note("no service pid (--pid): CPU per request is n/a");
        }
        int cores = Runtime.getRuntime().availableProcessors();
        StoreClient store = ctx.store();
        String token = light.user().token();
        byte[] jpeg = TestImages.jpeg(2000, 2000, 1);
        AtomicLong next = new AtomicLong();
        List<String> paths = light.orderPaths();
        List<Kind> kinds = List.of(
                new Kind(Storm.THUMBNAIL, () -> Storm.thumbnail(store, token, jpeg)),
                new Kind(Storm.INVOICE, () -> store.get(paths.get((int) (next.getAndIncrement() % paths.size()))
                        + "/invoice.pdf", token)),
                new Kind(Storm.LOGIN, () -> store.loginRequest(light.user().email(), light.user().password())));
        Duration warm = opts.quick() ? Duration.ofSeconds(2) : Duration.ofSeconds(15);
        Duration each = opts.quick() ? Duration.ofSeconds(3) : Duration.ofSeconds(10);
        int rounds = Math.max(MIN_ROUNDS, opts.rounds());
        double[][] perOp = new double[kinds.size()][rounds];
        List<PhaseResult> phases = new ArrayList<>();
        try (ClosedLoopRunner closed = ClosedLoopRunner.create(ctx.limits())) {
            ctx.monitor().phase("warmup");
            ctx.log().println("warm-up (not measured): every heavy kind closed-loop for " + warm.toSeconds() + " s");
            kinds.forEach(k -> closed.runPhase("warmup-" + k.cls().name(), k.cls(), k.requests(), cores, warm));

            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < kinds.size(); i++) {
                    Kind k = kinds.get(i);
                    String phase = k.cls().name() + "-r" + (r + 1);
                    ctx.beginPhase(phase);
                    double before = serviceCpuSeconds(ctx);
                    PhaseResult p = closed.runPhase(phase, k.cls(), k.requests(), cores, each);
                    double cpu = serviceCpuSeconds(ctx) - before;
                    ctx.endPhase();
                    ClassResult c = p.get(k.cls().name());
                    perOp[i][r] = c.ok() > 0 ? cpu * 1000 / c.ok() : Double.NaN;
                    phases.add(p);
                }
            }
        }
        for (int i = 0; i < kinds.size(); i++) {
            String name = kinds.get(i).cls().name();
            ctx.metric(Metric.lower(name + " service CPU per request (median of " + rounds + ")", "ms",
                    median(perOp[i])));
            ctx.note(name + " service CPU ms per request by round: " + Arrays.stream(perOp[i])
                    .mapToObj(v -> String.format(Locale.ROOT, "%.2f", v)).collect(Collectors.joining(" ")));
        }
        return ctx.finish("heavy-cost", List.of(), List.of(), phases);
    }

    private static double serviceCpuSeconds(ScenarioContext ctx) {
        var pid = ctx.service().pid();
        if (pid.isEmpty()) {
            return Double.NaN;
        }
        return ProcSampler.system().sample(pid.getAsLong()).map(ProcSampler.TreeSnapshot::cpuSeconds)
                .orElse(Double.NaN);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private record Kind(RequestClass cls, RequestFactory requests) {
    }
}
