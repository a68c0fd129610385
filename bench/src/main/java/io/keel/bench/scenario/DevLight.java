package io.keel.bench.scenario;

import io.keel.bench.load.ClassResult;
import io.keel.bench.load.LoadSpec;
import io.keel.bench.load.OpenLoopRunner;
import io.keel.bench.load.PeakResult;
import io.keel.bench.load.PhaseResult;
import io.keel.bench.load.RateSchedule;
import io.keel.bench.load.RequestClass;
import io.keel.bench.report.Headline;
import io.keel.bench.report.Metric;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Scenario 1, "development": only light requests. Measures closed-loop peak of {@code GET /api/orders/{id}}, then
 * latency open-loop at 50% of that peak. Reference, measured the same way in the same run: {@code GET /health/live},
 * the cheapest route of the same server stack, so the ratios show what the application adds. Both routes are warmed
 * before either peak is measured, so neither meets a cold JVM. Peaks are ok answers per second and per CPU-second of
 * the service (the client shares the cores). Blocking.
 */
public final class DevLight {
    static final RequestClass HEALTH = RequestClass.of("health-live");

    private DevLight() {
    }

    public static Outcome run(ScenarioContext ctx) {
        ctx.monitor().start();
        LightLoad light = Setup.light(ctx);
        var opts = ctx.options();
        int conns = opts.quick() ? Math.min(16, opts.connections()) : opts.connections();
        Map<String, String> auth = Map.of("Authorization", "Bearer " + light.user().token());
        List<String> health = List.of("/health/live");

        ctx.monitor().phase("peak-warmup");
        Duration warm = opts.quick() ? Duration.ofSeconds(1) : Duration.ofSeconds(5);
        ctx.log().println("warming both peak routes (not measured, " + warm.toSeconds() + " s each)");
        ctx.peakMeter().measure(LightLoad.ORDER, ctx.service().url(), auth, light.orderPaths(), conns, warm);
        ctx.peakMeter().measure(HEALTH, ctx.service().url(), Map.of(), health, conns, warm);

        ctx.log().println("measuring closed-loop peak (" + opts.peakDuration().toSeconds() + " s each)");
        ctx.beginPhase("peak");
        PeakResult peak = ctx.peakMeter().measure(LightLoad.ORDER, ctx.service().url(), auth, light.orderPaths(),
                conns, opts.peakDuration());
        PeakResult ref = ctx.peakMeter().measure(HEALTH, ctx.service().url(), Map.of(), health, conns,
                opts.peakDuration());
        ctx.endPhase();
        ctx.note("peak measured with " + peak.tool() + "; peaks count ok answers only (non-2xx apart)");
        double rate = Setup.lightRate(ctx, peak.okPerSec());
        ctx.figure("light-rate-per-sec", rate);

        PhaseResult lightPhase;
        PhaseResult refPhase;
        try (OpenLoopRunner open = OpenLoopRunner.create(ctx.limits())) {
            ctx.beginPhase("light");
            ctx.log().println("open loop at " + rate + "/s for " + opts.phaseDuration().toSeconds() + " s");
            lightPhase = ctx.check(open.runPhase("light", light.specs(rate, opts.phaseDuration())));
            ctx.endPhase();
            ctx.beginPhase("health-reference");
            HttpRequest healthReq = HttpRequest.newBuilder(ctx.store().url("/health/live")).GET().build();
            refPhase = ctx.check(open.runPhase("health-reference",
                    List.of(new LoadSpec(HEALTH, RateSchedule.of(rate, opts.phaseDuration()), () -> healthReq))));
            ctx.endPhase();
        }

        ClassResult order = lightPhase.get(LightLoad.ORDER.name());
        ClassResult h = refPhase.get(HEALTH.name());
        if (h.routeMissing()) {
            ctx.note("GET /health/live answered 404: the reference measures the server's 404 path instead");
        }
        noteMissing(ctx, lightPhase);
        boolean valid = lightPhase.valid() && refPhase.valid();
        String why = "load generator overloaded, see the phases";
        List<Headline> headlines = new ArrayList<>();
        headlines.add(Headline.of("peak GET /api/orders/{id} (ok answers)", peak.okPerSec(), "req/s",
                "peak GET /health/live", ref.okPerSec(), "1.0 = as fast as the bare stack; higher is better"));
        headlines.add(Headline.of("peak GET /api/orders/{id} per service CPU-second", peak.okPerServiceCpuSecond(),
                "req/CPU-s", "GET /health/live per service CPU-second", ref.okPerServiceCpuSecond(),
                "the same without the client's share of the cores; higher is better"));
        headlines.add(Headline.of("light-order p99 at " + (long) rate + "/s", order.latency().p99Ms(), "ms",
                "health-live p99 at the same rate", h.latency().p99Ms(), "1.0 = no cost over the stack; lower is better")
                .validIf(valid, why));
        headlines.add(Headline.of("light-order p99.9 at " + (long) rate + "/s", order.latency().p999Ms(), "ms",
                "health-live p99.9 at the same rate", h.latency().p999Ms(), "lower is better").validIf(valid, why));
        ctx.figure("light-errors", (double) (order.errorCount() + lightPhase.get(LightLoad.PRODUCTS.name()).errorCount()));
        ctx.metric(Metric.higher("peak GET /api/orders/{id}", "req/s", peak.okPerSec()));
        ctx.metric(Metric.higher("peak GET /api/orders/{id} per service CPU-second", "req/CPU-s",
                peak.okPerServiceCpuSecond()));
        ctx.metric(Metric.lower("light-order p99 at " + (long) rate + "/s", "ms", order.latency().p99Ms())
                .validIf(lightPhase.valid()));
        return ctx.finish("dev-light", headlines, List.of(ref, peak), List.of(lightPhase, refPhase));
    }

    static void noteMissing(ScenarioContext ctx, PhaseResult phase) {
        phase.classes().stream().filter(ClassResult::routeMissing).forEach(c -> ctx.note(
                "request class '" + c.name() + "' in phase '" + phase.name() + "' got only 404: route missing"));
    }
}
