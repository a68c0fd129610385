package io.keel.bench.scenario;

import io.keel.bench.load.ClassResult;
import io.keel.bench.load.LatencyRecorder;
import io.keel.bench.load.LoadLimits;
import io.keel.bench.load.LoadSpec;
import io.keel.bench.load.OpenLoopRunner;
import io.keel.bench.load.PhaseResult;
import io.keel.bench.load.RateSchedule;
import io.keel.bench.report.Headline;
import io.keel.bench.report.LineFit;
import io.keel.bench.report.Metric;
import io.keel.bench.report.SoakReport;
import io.keel.bench.sample.LiveHeap;
import io.keel.bench.sample.SoakSampler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * Scenario 8, soak: the production mix, every request class open-loop at a moderate fixed rate (light reads at
 * {@code --rate}, order creation at a twentieth of it, one thumbnail, two invoices and half a login per second, ten
 * event-stream subscribers), for a long run (30 minutes by default). A {@link SoakSampler} reads heap after GC, RSS,
 * threads, open files and connections every few seconds, and the live heap (a live histogram, so a full collection)
 * every {@code liveEvery}; a line fitted to each gives its slope per hour, set against its own noise (twice the slope's
 * standard error). The live heap is the leak verdict: heap after an ordinary GC holds whatever garbage was promoted
 * since G1's last marking cycle, which can be none in a 30-minute run. The classes that grew most between the first and
 * the last fitted live histogram go in the report. Live heap and RSS must stay within noise, threads and descriptors
 * flat, and no request may fail. Blocking.
 */
public final class Soak {
    /** Slopes below these are flat whatever the noise: 1 MB/h of memory, half a thread or descriptor per hour. */
    static final double FLAT_MB_PER_HOUR = 1;
    static final double FLAT_COUNT_PER_HOUR = 0.5;

    private Soak() {
    }

    /** One soak series: its name, unit, values per sample and the flatness floor for the verdict. */
    @SuppressWarnings("ArrayRecordComponent") // plotted and fitted once, never compared or changed
    public record Series(String name, String unit, double[] values, double flatPerHour) {
    }

    /**
     * The run's bounds: the soak phase is as long as asked (the default cap of one phase, 10 minutes, would cut a
     * 30-minute soak to a third while the report still said 30), plus a minute for the last answers.
     */
    static LoadLimits limits(LoadLimits base, Duration soak) {
        return base.covering(soak);
    }

    /**
     * Samples before this are plotted but left out of the fitted lines: a fresh JVM still grows its committed heap,
     * code cache and metaspace for its first minutes, which is warm-up, not a leak. A sixth of the soak, at most
     * five minutes.
     */
    static Duration settle(Duration soak) {
        Duration sixth = soak.dividedBy(6);
        return sixth.compareTo(Duration.ofMinutes(5)) > 0 ? Duration.ofMinutes(5) : sixth;
    }

    /**
     * The index of the first sample the lines are fitted from: the first at or after {@code fitFromSeconds}, or 0
     * (all samples) when fewer than 3 would be left. The one rule for both the verdict and the report's table and
     * plots.
     */
    public static int firstFitted(List<SoakSampler.Sample> samples, double fitFromSeconds) {
        int first = 0;
        while (first < samples.size() && samples.get(first).second() < fitFromSeconds) {
            first++;
        }
        return samples.size() - first < 3 ? 0 : first;
    }

    public static Outcome run(ScenarioContext ctx, Duration soak, Duration every, Duration liveEvery) {
        ctx.monitor().start();
        LightLoad light = Setup.light(ctx);
        double rate = ctx.options().rate();
        LoadLimits limits = limits(ctx.limits(), soak);
        OpenLoopRunner open = OpenLoopRunner.create(limits);
        ctx.monitor().phase("soak-warmup");
        open.runPhase("soak-warmup", light.specs(rate, ctx.options().warmupDuration()));
        StormWarmup.run(ctx, light, ctx.options().quick() ? 1 : 10);
        ctx.figure("soak-light-rate-per-sec", rate);
        ctx.figure("soak-seconds", (double) soak.toSeconds());
        ctx.figure("soak-sample-every-seconds", every.toMillis() / 1000.0);
        ctx.figure("soak-live-heap-every-seconds", liveEvery.toMillis() / 1000.0);
        double fitFrom = settle(soak).toMillis() / 1000.0;
        ctx.figure("soak-fit-from-seconds", fitFrom);

        Map<String, String> auth = ctx.options().adminToken().map(t -> Map.of("Authorization", "Bearer " + t))
                .orElse(Map.of());
        SoakSampler sampler = new SoakSampler(ctx.service().pid(), ctx.service().url().resolve("/metrics"), auth,
                every, liveEvery, 100_000, ctx.log()).start();
        ctx.beginPhase("soak");
        ctx.log().println("soak: production mix at " + rate + " light req/s for " + soak.toSeconds() + " s, sampling "
                + "every " + every.toMillis() + " ms");
        PhaseResult phase;
        try (LatencyRecorder rec = LatencyRecorder.start("soak", limits)) {
            SseCrowd sse = new SseCrowd(ctx, () -> rec, ctx.options().adminToken().orElse(light.user().token()));
            sse.start(10, 0);
            open.run(mix(ctx, light, rate, soak), rec);
            sse.stop();
            phase = ctx.check(rec.finish("open-loop production mix at fixed moderate rates"));
        }
        ctx.endPhase();
        List<SoakSampler.Sample> samples = sampler.stop();
        List<LiveHeap> liveHeaps = sampler.liveHeaps();
        ctx.figure("soak-live-heaps", (double) liveHeaps.size());
        long errors = phase.classes().stream().mapToLong(ClassResult::errorCount).sum();
        ctx.figure("soak-errors", (double) errors);
        ctx.figure("soak-requests", (double) phase.classes().stream().mapToLong(ClassResult::completed).sum());
        int firstFitted = firstFitted(samples, fitFrom);
        List<SoakSampler.Sample> fitted = samples.subList(firstFitted, samples.size());
        List<Series> series = series(fitted);
        double[] hours = fitted.stream().mapToDouble(s -> s.second() / 3600).toArray();
        List<Headline> headlines = new ArrayList<>();
        for (Series s : series) {
            LineFit fit = LineFit.of(hours, s.values());
            String key = "soak-" + s.name().replace(' ', '-');
            ctx.figure(key + "-slope-per-hour", fit.slope());
            ctx.figure(key + "-slope-error-per-hour", fit.slopeError());
            ctx.figure(key + "-residual-sd", fit.residualSd());
            ctx.metric(Metric.lower(s.name() + " slope", s.unit() + "/h", fit.slope()).validIf(phase.valid()));
            headlines.add(Headline.of(s.name() + " slope", fit.slope(), s.unit() + "/h", "noise (2 × standard error)",
                    2 * fit.slopeError(), (fit.flat(s.flatPerHour()) ? "FLAT" : "TRENDS") + ": |ratio| <= 1 = "
                            + "within noise; residual sd " + String.format("%.2f", fit.residualSd()) + " " + s.unit())
                    .validIf(phase.valid(), "load generator overloaded, see the phase"));
        }
        headlines.add(Headline.of("failed requests", (double) errors, "requests", "requests sent",
                (double) phase.classes().stream().mapToLong(ClassResult::completed).sum(), "0 = nothing failed"));
        Outcome outcome = ctx.finish("soak", headlines, List.of(), List.of(phase));
        SoakReport.write(outcome.markdown().getParent(), samples, series(samples), firstFitted,
                fittedLiveHeaps(liveHeaps, samples.isEmpty() ? 0 : samples.get(firstFitted).second()));
        return outcome;
    }

    private static List<LoadSpec> mix(ScenarioContext ctx, LightLoad light, double rate, Duration d) {
        StoreClient store = ctx.store();
        String token = light.user().token();
        byte[] jpeg = TestImages.jpeg(2000, 2000, 1);
        List<String> products = store.productIds(5);
        List<String> paths = light.orderPaths();
        AtomicLong next = new AtomicLong();
        List<LoadSpec> specs = new ArrayList<>(light.specs(rate, d));
        specs.add(new LoadSpec(Storm.ORDER_CREATE, RateSchedule.of(Math.max(0.5, rate / 20), d),
                () -> store.orderRequest(light.user(), products.get((int) (next.getAndIncrement() % products.size())))));
        specs.add(new LoadSpec(Storm.THUMBNAIL, RateSchedule.of(1, d), () -> Storm.thumbnail(store, token, jpeg)));
        specs.add(new LoadSpec(Storm.INVOICE, RateSchedule.of(2, d), () -> store.get(
                paths.get((int) (next.getAndIncrement() % paths.size())) + "/invoice.pdf", token)));
        specs.add(new LoadSpec(Storm.LOGIN, RateSchedule.of(0.5, d),
                () -> store.loginRequest(light.user().email(), light.user().password())));
        return specs;
    }

    /** The live histograms the lines are fitted over: those taken at or after {@code fromSecond}. */
    static List<LiveHeap> fittedLiveHeaps(List<LiveHeap> all, double fromSecond) {
        return all.stream().filter(h -> h.second() >= fromSecond).toList();
    }

    static List<Series> series(List<SoakSampler.Sample> samples) {
        return List.of(
                new Series("live heap", "MB", values(samples, s -> s.liveHeapBytes() / 1e6), FLAT_MB_PER_HOUR),
                new Series("heap after GC", "MB", values(samples, s -> s.heapAfterGcBytes() / 1e6), FLAT_MB_PER_HOUR),
                new Series("heap after old GC", "MB", values(samples, s -> s.heapAfterOldGcBytes() / 1e6),
                        FLAT_MB_PER_HOUR),
                new Series("RSS", "MB", values(samples, s -> s.rssBytes() / 1e6), FLAT_MB_PER_HOUR),
                new Series("heap committed", "MB", values(samples, s -> s.heapCommittedBytes() / 1e6),
                        FLAT_MB_PER_HOUR),
                new Series("code cache and metaspace", "MB", values(samples, s -> s.nonHeapCommittedBytes() / 1e6),
                        FLAT_MB_PER_HOUR),
                new Series("RSS outside the JVM pools", "MB", values(samples, s -> s.rssOutsidePoolsBytes() / 1e6),
                        FLAT_MB_PER_HOUR),
                new Series("threads", "threads", values(samples, SoakSampler.Sample::threads), FLAT_COUNT_PER_HOUR),
                new Series("open files", "files", values(samples, SoakSampler.Sample::openFiles), FLAT_COUNT_PER_HOUR),
                new Series("HTTP connections", "connections", values(samples, SoakSampler.Sample::httpConnections),
                        FLAT_COUNT_PER_HOUR),
                new Series("DB connections busy", "connections", values(samples, SoakSampler.Sample::dbConnections),
                        FLAT_COUNT_PER_HOUR));
    }

    private static double[] values(List<SoakSampler.Sample> samples,
                                   ToDoubleFunction<SoakSampler.Sample> f) {
        return samples.stream().mapToDouble(f).toArray();
    }
}
