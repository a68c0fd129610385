package io.keel.bench.scenario;

import io.keel.bench.load.ClassResult;
import io.keel.bench.load.LoadSpec;
import io.keel.bench.load.OpenLoopRunner;
import io.keel.bench.load.PeakResult;
import io.keel.bench.load.PhaseResult;
import io.keel.bench.load.RateSchedule;
import io.keel.bench.load.RequestClass;
import io.keel.bench.report.Headline;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Scenario 1, "development": only light requests. Measures closed-loop peak of {@code GET /api/orders/{id}}, then
 * latency open-loop at 50% of that peak. Reference, measured the same way in the same run: {@code GET /health/live},
 * the cheapest route of the same server stack, so the ratios show what the application adds. Blocking.
 */
public final class DevLight {
    static final RequestClass HEALTH = RequestClass.of("health-live");

    private DevLight() {
    }

    public static Path run(ScenarioContext ctx) {
        ctx.monitor().start();
        LightLoad light = Setup.light(ctx);
        var opts = ctx.options();
        int conns = opts.quick() ? Math.min(16, opts.connections()) : opts.connections();
        Map<String, String> auth = Map.of("Authorization", "Bearer " + light.user().token());

        ctx.monitor().phase("peak");
        ctx.log().println("measuring closed-loop peak (" + opts.peakDuration().toSeconds() + " s each)");
        PeakResult ref = ctx.peakMeter().measure(HEALTH, ctx.service().url(), Map.of(), List.of("/health/live"),
                conns, opts.peakDuration());
        PeakResult peak = ctx.peakMeter().measure(LightLoad.ORDER, ctx.service().url(), auth, light.orderPaths(),
                conns, opts.peakDuration());
        ctx.note("peak measured with " + peak.tool());
        double rate = Setup.lightRate(ctx, peak.requestsPerSec());
        ctx.figure("light-rate-per-sec", rate);

        OpenLoopRunner open = OpenLoopRunner.create(ctx.limits());
        ctx.monitor().phase("light");
        ctx.log().println("open loop at " + rate + "/s for " + opts.phaseDuration().toSeconds() + " s");
        PhaseResult lightPhase = open.runPhase("light", light.specs(rate, opts.phaseDuration()));
        ctx.monitor().phase("health-reference");
        HttpRequest health = HttpRequest.newBuilder(ctx.store().url("/health/live")).GET().build();
        PhaseResult refPhase = open.runPhase("health-reference",
                List.of(new LoadSpec(HEALTH, RateSchedule.of(rate, opts.phaseDuration()), () -> health)));

        ClassResult order = lightPhase.get(LightLoad.ORDER.name());
        ClassResult h = refPhase.get(HEALTH.name());
        if (h.routeMissing()) {
            ctx.note("GET /health/live answered 404: the reference measures the server's 404 path instead");
        }
        noteMissing(ctx, lightPhase);
        List<Headline> headlines = new ArrayList<>();
        headlines.add(Headline.of("peak GET /api/orders/{id}", peak.requestsPerSec(), "req/s",
                "peak GET /health/live", ref.requestsPerSec(), "1.0 = as fast as the bare stack; higher is better"));
        headlines.add(Headline.of("light-order p99 at " + (long) rate + "/s", order.latency().p99Ms(), "ms",
                "health-live p99 at the same rate", h.latency().p99Ms(), "1.0 = no cost over the stack; lower is better"));
        headlines.add(Headline.of("light-order p99.9 at " + (long) rate + "/s", order.latency().p999Ms(), "ms",
                "health-live p99.9 at the same rate", h.latency().p999Ms(), "lower is better"));
        ctx.figure("light-errors", order.errorCount() + lightPhase.get(LightLoad.PRODUCTS.name()).errorCount());
        return ctx.finish("dev-light", headlines, List.of(ref, peak), List.of(lightPhase, refPhase));
    }

    static void noteMissing(ScenarioContext ctx, PhaseResult phase) {
        phase.classes().stream().filter(ClassResult::routeMissing).forEach(c -> ctx.note(
                "request class '" + c.name() + "' in phase '" + phase.name() + "' got only 404: route missing"));
    }
}
