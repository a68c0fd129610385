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
import io.keel.bench.report.SoakVerdict;
import io.keel.bench.sample.LiveHeap;
import io.keel.bench.sample.SoakSampler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Scenario 8, soak: the production mix, every request class open-loop at a moderate fixed rate (light reads at
 * {@code --rate}, order creation at a twentieth of it, one thumbnail, two invoices and half a login per second, ten
 * event-stream subscribers), for a long run (30 minutes by default). The warm-up ends with one full CSV export, which
 * reads every order through H2's page cache so that cache is at its bound before sampling starts. A
 * {@link SoakSampler} reads heap after GC, RSS, threads, descriptors, sockets, connections and every bounded pool and
 * cache with its bound every few seconds, and the live heap (a live histogram, so a full collection) every
 * {@code liveEvery}; a line fitted to each gives its slope per hour, and {@link SoakVerdict} judges it (the rule is
 * written there once). The classes that grew most between the first and the last fitted live histogram go in the
 * report. No request may fail. Blocking.
 */
public final class Soak {
    private Soak() {
    }

    /**
     * One soak series: its name, unit, values per sample, the pool's ceiling per sample (NaN where none), the
     * flatness floor and smallest detectable change, how it is judged and why it is judged so (the report's "judged
     * as" column), and whether it may be absent (a cache the store runs without: the session cache when off, H2's
     * page cache on PostgreSQL), which skips it instead of failing it.
     */
    @SuppressWarnings("ArrayRecordComponent") // plotted and fitted once, never compared or changed
    public record Series(String name, String unit, double[] values, double[] ceilings, SoakVerdict.Limits limits,
                         SoakVerdict.Role role, String why, boolean optional, SoakVerdict.Summary summary) {
        /** A series whose blocks are summarised by their mean. */
        public Series(String name, String unit, double[] values, double[] ceilings, SoakVerdict.Limits limits,
                      SoakVerdict.Role role, String why, boolean optional) {
            this(name, unit, values, ceilings, limits, role, why, optional, SoakVerdict.Summary.MEAN);
        }

        /** The verdict over the samples from index {@code first} on, at {@code hours} (every sample's). */
        public SoakVerdict judge(double[] hours, int first) {
            SoakVerdict v = SoakVerdict.judge(role, Arrays.copyOfRange(hours, first, hours.length),
                    Arrays.copyOfRange(values, first, values.length),
                    Arrays.copyOfRange(ceilings, first, ceilings.length), limits, summary);
            return optional ? v.absentIfNotMeasured() : v;
        }
    }

    /**
     * The run's bounds: the soak phase is as long as asked (the default cap of one phase, 10 minutes, would cut a
     * 30-minute soak to a third while the report still said 30), plus a minute for the last answers.
     */
    static LoadLimits limits(LoadLimits base, Duration soak) {
        return base.covering(soak);
    }

    /**
     * Samples before this are plotted but left out of the fitted lines ({@code --settle} when given). The default is
     * a sixth of the soak, at most five minutes: what a fresh warm-up cannot bring to rest is G1 sizing the heap to the
     * mix and the JIT compiling its steady paths, and those are pools judged by their ceiling and convergence, not
     * hidden by the settle. Five minutes leaves 25 of a 30-minute soak fitted; on the 2026-12-01 H2 samples, settling
     * 10 minutes instead widened the live heap's noise by a fifth (± 1.31 to ± 1.55 MB/h) for nothing the warm-up
     * export does not already do. A sixth keeps a short soak's fitted window five times its settle.
     */
    static Duration settle(Duration soak, Duration asked) {
        if (!asked.isZero()) {
            return asked;
        }
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
        ctx.monitor().phase("soak-warmup");
        try (OpenLoopRunner warm = OpenLoopRunner.create(limits)) {
            warm.runPhase("soak-warmup", light.specs(rate, ctx.options().warmupDuration()));
        }
        StormWarmup.run(ctx, light, ctx.options().quick() ? 1 : 10);
        fillCaches(ctx);
        ctx.figure("soak-light-rate-per-sec", rate);
        ctx.figure("soak-seconds", (double) soak.toSeconds());
        ctx.figure("soak-sample-every-seconds", every.toMillis() / 1000.0);
        ctx.figure("soak-live-heap-every-seconds", liveEvery.toMillis() / 1000.0);
        double fitFrom = settle(soak, ctx.options().settle()).toMillis() / 1000.0;
        ctx.figure("soak-fit-from-seconds", fitFrom);

        Map<String, String> auth = ctx.options().adminToken().map(t -> Map.of("Authorization", "Bearer " + t))
                .orElse(Map.of());
        SoakSampler sampler = new SoakSampler(ctx.service().pid(), ctx.service().url(), auth,
                every, liveEvery, 100_000, ctx.log()).start();
        ctx.beginPhase("soak");
        ctx.log().println("soak: production mix at " + rate + " light req/s for " + soak.toSeconds() + " s, sampling "
                + "every " + every.toMillis() + " ms");
        PhaseResult phase;
        try (LatencyRecorder rec = LatencyRecorder.start("soak", limits);
             OpenLoopRunner open = OpenLoopRunner.create(limits)) {
            SseCrowd sse = new SseCrowd(ctx, () -> rec, ctx.options().adminToken().orElse(light.user().token()));
            sse.start(10, 0);
            open.run(mix(ctx, light, rate, soak), rec);
            sse.stop();
            phase = ctx.checkMemoryPhase(rec.finish("open-loop production mix at fixed moderate rates"));
        }
        ctx.endPhase();
        List<SoakSampler.Sample> samples = sampler.stop();
        List<LiveHeap> liveHeaps = sampler.liveHeaps();
        ctx.figure("soak-live-heaps", (double) liveHeaps.size());
        long errors = phase.classes().stream().mapToLong(ClassResult::errorCount).sum();
        ctx.figure("soak-errors", (double) errors);
        ctx.figure("soak-requests", (double) phase.classes().stream().mapToLong(ClassResult::completed).sum());
        samples.stream().findFirst().ifPresent(first -> noteCacheAtStart(ctx, first));
        int firstFitted = firstFitted(samples, fitFrom);
        List<Series> series = series(samples);
        double[] hours = samples.stream().mapToDouble(s -> s.second() / 3600).toArray();
        List<Headline> headlines = new ArrayList<>();
        List<String> failing = new ArrayList<>();
        for (Series s : series) {
            SoakVerdict v = s.judge(hours, firstFitted);
            if (!v.passes()) {
                failing.add(s.name() + " " + v.label());
            }
            LineFit fit = v.fit();
            String key = "soak-" + s.name().replace(' ', '-');
            ctx.figure(key + "-slope-per-hour", fit.slope());
            ctx.figure(key + "-slope-error-per-hour", fit.slopeError());
            ctx.figure(key + "-residual-sd", fit.residualSd());
            double ceiling = Double.isNaN(v.ceiling()) ? lowestCeiling(s) : v.ceiling(); // a shown RSS has one too
            if (!Double.isNaN(ceiling)) {
                ctx.figure(key + "-ceiling", ceiling);
            }
            ctx.metric(Metric.lower(s.name() + " slope", s.unit() + "/h", fit.slope()).validIf(phase.valid()));
            if (s.role() != SoakVerdict.Role.SHOWN) {
                headlines.add(Headline.of(s.name() + " slope", fit.slope(), s.unit() + "/h",
                        "noise (2 × standard error)", 2 * fit.slopeError(), headlineText(s, v))
                        .validIf(phase.valid(), "load generator overloaded, see the phase"));
            }
        }
        boolean pass = passes(failing, errors, phase.valid());
        ctx.figure("soak-verdict", pass ? 1.0 : 0.0);
        // a verdict has no reference to be a ratio of: the judged series failing is its reason, written in the text
        headlines.addFirst(Headline.of("soak verdict", pass ? 1 : 0, "pass", "judged series failing",
                (double) failing.size(), verdictText(failing, errors, phase.valid())));
        headlines.add(Headline.of("failed requests", (double) errors, "requests", "requests sent",
                (double) phase.classes().stream().mapToLong(ClassResult::completed).sum(), "0 = nothing failed"));
        Outcome outcome = ctx.finish("soak", headlines, List.of(), List.of(phase));
        SoakReport.write(outcome.markdown().getParent(), verdictText(failing, errors, phase.valid()), samples,
                series, firstFitted,
                fittedLiveHeaps(liveHeaps, samples.isEmpty() ? 0 : samples.get(firstFitted).second()));
        return outcome;
    }

    /** The lowest ceiling a series' samples give, NaN where none has one. */
    static double lowestCeiling(Series s) {
        return Arrays.stream(s.ceilings()).filter(c -> c > 0 && Double.isFinite(c)).min().orElse(Double.NaN);
    }

    /**
     * The soak's one verdict: it passes when no judged series failed ({@code failing} names those that did), no
     * request failed and the load generator kept its schedule.
     */
    static boolean passes(List<String> failing, long errors, boolean valid) {
        return failing.isEmpty() && errors == 0 && valid;
    }

    /** The overall verdict in words: PASS, or FAIL and what failed. */
    static String verdictText(List<String> failing, long errors, boolean valid) {
        if (passes(failing, errors, valid)) {
            return "PASS: 1 = every judged series passes and no request failed";
        }
        List<String> why = new ArrayList<>(failing);
        if (errors > 0) {
            why.add(errors + " failed requests");
        }
        if (!valid) {
            why.add("load generator overloaded, see the phase");
        }
        return "FAIL (" + String.join("; ", why) + "): 1 = every judged series passes and no request failed";
    }

    /** A headline's meaning: the verdict, how the series is judged, its ceiling and its residual spread. */
    static String headlineText(Series s, SoakVerdict v) {
        String ceiling = v.ceilingText(s.unit());
        return v.label() + " (" + s.role().label() + ": " + s.why() + (ceiling.isEmpty() ? "" : "; " + ceiling)
                + "): |ratio| <= 1 = within noise; residual sd " + String.format(Locale.ROOT, "%.2f",
                v.fit().residualSd()) + " " + s.unit();
    }

    /**
     * One full CSV export read to the end, the warm-up's last step: it reads every order through H2's page cache, so
     * the cache starts the soak at its bound instead of filling during it (in the 2026-12-01 run that filling was the
     * live heap's whole slope). Without an admin token there is no export and the note says so.
     */
    static void fillCaches(ScenarioContext ctx) {
        if (ctx.options().adminToken().isEmpty()) {
            ctx.note("no admin token: no warm-up export, so H2's page cache may still be filling during the soak");
            return;
        }
        ctx.beginPhase("soak-warmup-export");
        ExportRun.read(ctx, "soak-warmup-export", true);
        ctx.endPhase();
    }

    /**
     * Records how full H2's page cache was at the first sample and, when well below its bound, why. The cache holds
     * the file's pages as objects, which take more room than on disk (a 10 MB file filled 15 of 16 MiB), but a
     * database much smaller than the bound cannot fill it: a quick soak's 2,000 orders are a 2 MB file.
     */
    private static void noteCacheAtStart(ScenarioContext ctx, SoakSampler.Sample first) {
        SoakSampler.Pool cache = first.h2Cache();
        if (Double.isNaN(cache.size()) || Double.isNaN(cache.max())) {
            return;
        }
        ctx.figure("soak-h2-cache-mb-at-start", cache.size() / 1e6);
        ctx.figure("soak-h2-cache-max-mb", cache.max() / 1e6);
        ctx.figure("soak-h2-file-mb-at-start", first.h2FileBytes() / 1e6);
        if (cache.size() < 0.9 * cache.max()) {
            ctx.note(String.format(Locale.ROOT, "H2's page cache held %.0f of %.0f MB after the warm-up export, with "
                    + "the whole H2 file %.0f MB: %s", cache.size() / 1e6, cache.max() / 1e6,
                    first.h2FileBytes() / 1e6, first.h2FileBytes() < cache.max()
                            ? "the database is too small to fill it" : "the export did not read enough of it (its "
                            + "figures say how many rows it read); the cache fills during the soak"));
        }
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

    /** Every series, leak ones first: the live heap outside H2's cache is the first headline after the verdict. */
    static List<Series> series(List<SoakSampler.Sample> samples) {
        SoakVerdict.Limits mb = SoakVerdict.Limits.MEMORY_MB;
        SoakVerdict.Limits count = SoakVerdict.Limits.COUNT;
        return List.of(
                leak("live heap outside H2's page cache", "MB",
                        values(samples, s -> s.liveHeapOutsideH2CacheBytes() / 1e6), mb, "what the service retains "
                        + "after a full collection, less H2's page cache and its entries for evicted pages, both "
                        + "judged below"),
                new Series("RSS outside the heap and JIT", "MB",
                        values(samples, s -> s.rssOutsideHeapAndJitBytes() / 1e6), none(samples.size()), mb,
                        SoakVerdict.Role.LEAK, "RSS minus resident heap, code cache and metaspace: stacks, GC "
                        + "structures, malloc; each minute's least, as the JVM hands freed malloc memory back every "
                        + "30 s (-XX:TrimNativeHeapInterval) and between trims the series is a sawtooth", false,
                        SoakVerdict.Summary.LEAST),
                new Series("threads", "threads", values(samples, SoakSampler.Sample::threads), none(samples.size()),
                        count, SoakVerdict.Role.LEAK, "platform threads; each minute's fewest, as JDK pools (carriers "
                        + "of virtual threads, HikariCP's connection adder) start threads for seconds", false,
                        SoakVerdict.Summary.LEAST),
                leak("open files outside HTTP connections", "files",
                        values(samples, SoakSampler.Sample::filesOutsideHttpConnections), count,
                        "descriptors minus the service's established HTTP connections, which the client decides"),
                leak("sockets in CLOSE_WAIT", "sockets", values(samples, SoakSampler.Sample::closeWait), count,
                        "closed by the peer, not yet by the service"),
                leak("DB connections busy", "connections", values(samples, SoakSampler.Sample::dbConnections), count,
                        "borrowed from the pool"),
                new Series("RSS", "MB", values(samples, s -> s.rssBytes() / 1e6),
                        values(samples, s -> s.rssBudgetBytes() / 1e6), mb, SoakVerdict.Role.CAPPED, "judged by "
                        + "level: its growth is judged in its parts (RSS outside the heap and JIT, code cache, "
                        + "metaspace, and the heap's retention as the live heap); ceiling the planned budget: max heap "
                        + "+ ReservedCodeCacheSize + MaxMetaspaceSize + MaxDirectMemorySize + an assumed 128 MiB for "
                        + "stacks, GC structures and malloc", false),
                pool("code cache", "MB", samples, SoakSampler.Sample::codeCache, 1e6, mb, "the JIT's compiled code; "
                        + "ceiling ReservedCodeCacheSize", false),
                pool("metaspace", "MB", samples, SoakSampler.Sample::metaspace, 1e6, mb, "class metadata; ceiling "
                        + "MaxMetaspaceSize", false),
                capped("H2 page cache", "MB", samples, SoakSampler.Sample::h2Cache, 1e6, mb, "embedded H2's "
                        + "pages; ceiling its CACHE_SIZE, where it evicts; absent on PostgreSQL", true),
                capped("H2 entries for evicted pages", "entries", samples, SoakSampler.Sample::h2NonResident, 1,
                        count, "the LIRS cache's non-resident entries (an entry and a weak reference each); ceiling "
                        + "H2's bound, 12 per resident page; absent on PostgreSQL", true),
                pool("session cache", "entries", samples, SoakSampler.Sample::sessionCache, 1, count, "ceiling "
                        + "KEEL_SESSION_CACHE_SIZE; absent when off", true),
                pool("sign-in failure caches", "entries", samples, SoakSampler.Sample::loginCaches, 1, count,
                        "per account and per address; ceiling their bound; absent where the throttle is shared in "
                        + "the database (PostgreSQL)", true),
                new Series("heap resident", "MB", values(samples, s -> s.heapResidentBytes() / 1e6),
                        values(samples, s -> s.heap().max() / 1e6), mb, SoakVerdict.Role.SHOWN, "heap pages G1 has "
                        + "touched (from smaps) of the heap committed at start; it cannot pass -Xmx, and what the "
                        + "heap retains is judged as the live heap", false),
                shown("RSS of mapped files", "MB", values(samples, s -> s.rssFileBytes() / 1e6), mb,
                        "resident pages of mapped files (RssFile): JDK and library code, the CDS archive; part of "
                        + "RSS outside the heap and JIT, bounded by the files"),
                shown("live heap", "MB", values(samples, s -> s.liveHeapBytes() / 1e6), mb,
                        "after a full collection, H2's page cache included"),
                shown("heap committed", "MB", values(samples, s -> s.heap().size() / 1e6), mb,
                        "the whole heap from the start (-Xms = -Xmx); the live heap is judged"),
                shown("heap after GC", "MB", values(samples, s -> s.heapAfterGcBytes() / 1e6), mb,
                        "garbage promoted between marking cycles; the live heap is judged"),
                shown("heap after old GC", "MB", values(samples, s -> s.heapAfterOldGcBytes() / 1e6), mb,
                        "as of the last old collection; the live heap is judged"),
                shown("open files", "files", values(samples, SoakSampler.Sample::openFiles), count,
                        "with the connections the client keeps open"),
                shown("HTTP connections", "connections", values(samples, SoakSampler.Sample::httpConnections),
                        count, "the client's choice"));
    }

    private static double[] none(int length) {
        double[] none = new double[length];
        Arrays.fill(none, Double.NaN);
        return none;
    }

    private static Series shown(String name, String unit, double[] values, SoakVerdict.Limits limits, String why) {
        return new Series(name, unit, values, none(values.length), limits, SoakVerdict.Role.SHOWN, why, false);
    }

    private static Series leak(String name, String unit, double[] values, SoakVerdict.Limits floor, String why) {
        return new Series(name, unit, values, none(values.length), floor, SoakVerdict.Role.LEAK, why, false);
    }

    private static Series pool(String name, String unit, List<SoakSampler.Sample> samples,
                               Function<SoakSampler.Sample, SoakSampler.Pool> pool, double scale,
                               SoakVerdict.Limits floor, String why, boolean optional) {
        return bounded(SoakVerdict.Role.POOL, name, unit, samples, pool, scale, floor, why, optional);
    }

    private static Series capped(String name, String unit, List<SoakSampler.Sample> samples,
                                 Function<SoakSampler.Sample, SoakSampler.Pool> pool, double scale,
                                 SoakVerdict.Limits floor, String why, boolean optional) {
        return bounded(SoakVerdict.Role.CAPPED, name, unit, samples, pool, scale, floor, why, optional);
    }

    /** A series of a pool's size, each sample with the pool's own bound as its ceiling. */
    private static Series bounded(SoakVerdict.Role role, String name, String unit, List<SoakSampler.Sample> samples,
                                  Function<SoakSampler.Sample, SoakSampler.Pool> pool, double scale,
                                  SoakVerdict.Limits floor, String why, boolean optional) {
        return new Series(name, unit, values(samples, s -> pool.apply(s).size() / scale),
                values(samples, s -> pool.apply(s).max() / scale), floor, role, why, optional);
    }

    private static double[] values(List<SoakSampler.Sample> samples,
                                   ToDoubleFunction<SoakSampler.Sample> f) {
        return samples.stream().mapToDouble(f).toArray();
    }
}
