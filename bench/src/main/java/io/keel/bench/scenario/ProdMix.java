package io.keel.bench.scenario;

import io.keel.bench.load.ClassResult;
import io.keel.bench.load.ClosedLoopRunner;
import io.keel.bench.load.OpenLoopRunner;
import io.keel.bench.load.PeakResult;
import io.keel.bench.load.PhaseResult;
import io.keel.bench.load.RequestClass;
import io.keel.bench.report.Headline;
import io.keel.bench.report.Metric;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scenario 2 (and 3, "naive", against a service without protections): the light load alone at a fixed rate, then
 * the same light load during the {@link Storm}. Every route the storm uses is warmed first, so first compilations
 * land in neither phase, and the light load then settles for the storm's settle time before "alone" is measured.
 * Headline: light p99/p99.9 with storm versus alone, over every scheduled request. Blocking.
 */
public final class ProdMix {
    static final List<RequestClass> HEAVY = List.of(Storm.THUMBNAIL, Storm.INVOICE, Storm.LOGIN,
            SlowExportReader.EXPORT, SlowUploader.UPLOAD);

    private ProdMix() {
    }

    /** Light load alone, then with the storm; writes the report of {@code scenario}. */
    public static Outcome run(ScenarioContext ctx, String scenario) {
        return run(ctx, scenario, StormPart.ALL);
    }

    /**
     * Light load alone, then with the storm's {@code parts} only (a partial storm is noted in the report: its figures
     * are not the prod-mix's); writes the report of {@code scenario}.
     */
    public static Outcome run(ScenarioContext ctx, String scenario, Set<StormPart> parts) {
        if (!parts.equals(StormPart.ALL)) {
            ctx.note("partial storm (--storm-parts " + StormPart.describe(parts) + "): these figures measure what "
                    + "those parts cost the light requests, not the prod-mix of scenarios.md");
        }
        MixResult r = measure(ctx, "", ctx.options().rate(), parts);
        return ctx.finish(scenario, r.headlines(), r.peaks(), r.phases());
    }

    /**
     * The two phases and their figures, phase and figure names prefixed with {@code prefix} (e.g. "naive-").
     * {@code rate} 0 means: measure the peak first and use half of it.
     */
    public static MixResult measure(ScenarioContext ctx, String prefix, double requestedRate) {
        return measure(ctx, prefix, requestedRate, StormPart.ALL);
    }

    private static MixResult measure(ScenarioContext ctx, String prefix, double requestedRate,
                                     Set<StormPart> parts) {
        ctx.monitor().start();
        LightLoad light = Setup.light(ctx);
        var opts = ctx.options();
        List<PeakResult> peaks = new ArrayList<>();
        double rate = requestedRate;
        if (rate <= 0) {
            ctx.monitor().phase(prefix + "peak");
            PeakResult peak = ctx.peakMeter().measure(LightLoad.ORDER, ctx.service().url(),
                    Map.of("Authorization", "Bearer " + light.user().token()), light.orderPaths(),
                    opts.quick() ? Math.min(16, opts.connections()) : opts.connections(), opts.peakDuration());
            peaks.add(peak);
            rate = Math.max(1, Math.floor(peak.okPerSec() / 2));
        }
        ctx.figure(prefix + "light-rate-per-sec", rate);
        Duration d = opts.phaseDuration();
        PhaseResult alone;
        PhaseResult mix;
        try (OpenLoopRunner open = OpenLoopRunner.create(ctx.limits());
             ClosedLoopRunner closed = ClosedLoopRunner.create(ctx.limits())) {
            Duration warmup = opts.warmupDuration();
            ctx.monitor().phase(prefix + "warmup");
            ctx.log().println(prefix + "warm-up (not measured) at " + rate + "/s for " + warmup.toSeconds() + " s");
            open.runPhase(prefix + "warmup", light.specs(rate, warmup));
            StormWarmup.run(ctx, light, opts.quick() ? 2 : 15);
            // The storm warm-up leaves work behind (a collection cycle its promotions started, compilations): the light
            // load runs as long as the storm's own settle before "alone" is measured, so neither phase carries it.
            Duration settle = opts.settleDuration();
            ctx.monitor().phase(prefix + "light-settle");
            ctx.log().println(prefix + "light settling for " + settle.toSeconds() + " s (not measured)");
            open.runPhase(prefix + "light-settle", light.specs(rate, settle));

            ctx.beginPhase(prefix + "light-alone");
            ctx.log().println(prefix + "light alone at " + rate + "/s for " + d.toSeconds() + " s");
            alone = ctx.check(open.runPhase(prefix + "light-alone", light.specs(rate, d)));
            ctx.endPhase();

            ctx.beginPhase(prefix + "light-with-storm");
            ctx.log().println(prefix + "light at " + rate + "/s with the storm for " + d.toSeconds() + " s");
            mix = ctx.check(Storm.run(ctx, prefix, light, open, closed, rate, opts.settleDuration(), d, parts));
            ctx.endPhase();
        }

        DevLight.noteMissing(ctx, alone);
        DevLight.noteMissing(ctx, mix);
        ClassResult a = alone.get(LightLoad.ORDER.name());
        ClassResult m = mix.get(LightLoad.ORDER.name());
        boolean valid = alone.valid() && mix.valid();
        String why = "load generator overloaded, see the phases";
        String who = prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1) + ": ";
        List<Headline> headlines = List.of(
                Headline.of(who + "light-order p99 with storm", m.latency().p99Ms(), "ms",
                        "light-order p99 alone at " + (long) rate + "/s", a.latency().p99Ms(),
                        "1.0 = the storm costs light requests nothing; lower is better").validIf(valid, why),
                Headline.of(who + "light-order p99.9 with storm", m.latency().p999Ms(), "ms",
                        "light-order p99.9 alone", a.latency().p999Ms(), "lower is better").validIf(valid, why));
        long lightErrors = m.errorCount() + mix.get(LightLoad.PRODUCTS.name()).errorCount();
        ctx.figure(prefix + "light-errors-with-storm", (double) lightErrors);
        ctx.figure(prefix + "light-errors-alone", (double) (a.errorCount() + alone.get(LightLoad.PRODUCTS.name()).errorCount()));
        long refused = 0;
        for (RequestClass c : HEAVY) {
            mix.find(c.name()).ifPresent(r -> ctx.figure(prefix + c.name() + "-ok-per-sec", r.throughputPerSec()));
            refused += mix.find(c.name()).map(r -> r.status(503)).orElse(0L);
        }
        ctx.figure(prefix + "heavy-503-refusals", (double) refused);
        metrics(ctx, prefix, alone, mix, lightErrors, refused);
        return new MixResult(rate, headlines, peaks, List.of(alone, mix), a, m, lightErrors);
    }

    /** The figures issue 9 compares against a reference service; each n/a when its phase is invalid. */
    private static void metrics(ScenarioContext ctx, String prefix, PhaseResult alone, PhaseResult mix,
                                long lightErrors, long refused) {
        ClassResult a = alone.get(LightLoad.ORDER.name());
        ClassResult m = mix.get(LightLoad.ORDER.name());
        ctx.metric(Metric.lower(prefix + "light p99 alone", "ms", a.latency().p99Ms()).validIf(alone.valid()));
        ctx.metric(Metric.lower(prefix + "light p99 with storm", "ms", m.latency().p99Ms()).validIf(mix.valid()));
        ctx.metric(Metric.lower(prefix + "light p99 with storm ÷ alone", "×",
                m.latency().p99Ms() / a.latency().p99Ms()).validIf(alone.valid() && mix.valid()));
        ctx.metric(Metric.lower(prefix + "light p99.9 with storm", "ms", m.latency().p999Ms()).validIf(mix.valid()));
        ctx.metric(Metric.lower(prefix + "light errors with storm", "requests", (double) lightErrors).validIf(mix.valid()));
        for (RequestClass c : List.of(Storm.THUMBNAIL, Storm.INVOICE, Storm.LOGIN)) {
            if (mix.find(c.name()).isEmpty()) {
                continue; // a partial storm without this class
            }
            ClassResult r = mix.get(c.name());
            ctx.metric(Metric.higher(prefix + c.name() + " completed per second with storm", "ok/s",
                    r.throughputPerSec()).validIf(mix.valid()));
            ctx.metric(Metric.lower(prefix + c.name() + " p50 with storm", "ms", r.latency().p50Ms())
                    .validIf(mix.valid()));
        }
        ctx.metric(Metric.lower(prefix + "heavy requests refused with 503", "requests", (double) refused)
                .validIf(mix.valid()));
    }

    /**
     * What one prod-mix measured. Immutable.
     *
     * @param alone           light-order results without the storm
     * @param withStorm       light-order results during the storm
     * @param lightErrors     light requests (orders and products) that failed during the storm
     */
    public record MixResult(double rate, List<Headline> headlines, List<PeakResult> peaks, List<PhaseResult> phases,
                            ClassResult alone, ClassResult withStorm, long lightErrors) {
        public MixResult {
            headlines = List.copyOf(headlines);
            peaks = List.copyOf(peaks);
            phases = List.copyOf(phases);
        }
    }
}
