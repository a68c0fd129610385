package io.keel.bench.scenario;

import io.keel.bench.load.ClassResult;
import io.keel.bench.load.ClosedLoopRunner;
import io.keel.bench.load.LatencyRecorder;
import io.keel.bench.load.LoadSpec;
import io.keel.bench.load.OpenLoopRunner;
import io.keel.bench.load.PeakResult;
import io.keel.bench.load.PhaseResult;
import io.keel.bench.load.RateSchedule;
import io.keel.bench.load.RequestClass;
import io.keel.bench.report.Headline;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Scenario 2 (and 3, "naive", against a service without protections): the light load alone at a fixed rate, then
 * the same light load during the storm (CPU-heavy thumbnails, invoices and logins closed-loop with more concurrency
 * than cores; two ~1 MB/s CSV export readers; two slow 200 MB uploads; 50 SSE clients of which 5 never read; a few
 * orders per second so events flow). Headline: light p99/p99.9 with storm versus alone. Blocking.
 */
public final class ProdMix {
    static final RequestClass THUMBNAIL = RequestClass.of("thumbnail");
    static final RequestClass INVOICE = RequestClass.of("invoice-pdf");
    static final RequestClass LOGIN = RequestClass.of("login");
    static final RequestClass ORDER_CREATE = RequestClass.of("order-create");
    static final long UPLOAD_BYTES = 200L * 1024 * 1024;
    static final List<RequestClass> HEAVY = List.of(THUMBNAIL, INVOICE, LOGIN, SlowExportReader.EXPORT,
            SlowUploader.UPLOAD);

    private ProdMix() {
    }

    /** Light load alone, then with the storm; writes the report of {@code scenario}. */
    public static Path run(ScenarioContext ctx, String scenario) {
        MixResult r = measure(ctx, "", ctx.options().rate());
        return ctx.finish(scenario, r.headlines(), r.peaks(), r.phases());
    }

    /**
     * The two phases and their figures, phase and figure names prefixed with {@code prefix} (e.g. "naive-").
     * {@code rate} 0 means: measure the peak first and use half of it.
     */
    public static MixResult measure(ScenarioContext ctx, String prefix, double requestedRate) {
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
            rate = Math.max(1, Math.floor(peak.requestsPerSec() / 2));
        }
        ctx.figure(prefix + "light-rate-per-sec", rate);
        Duration d = opts.phaseDuration();
        OpenLoopRunner open = OpenLoopRunner.create(ctx.limits());

        Duration warmup = opts.warmupDuration();
        ctx.monitor().phase(prefix + "warmup");
        ctx.log().println(prefix + "warm-up (not measured) at " + rate + "/s for " + warmup.toSeconds() + " s");
        open.runPhase(prefix + "warmup", light.specs(rate, warmup));
        warmHeavyPaths(ctx, light, opts.quick() ? 2 : 15);

        ctx.monitor().phase(prefix + "light-alone");
        ctx.log().println(prefix + "light alone at " + rate + "/s for " + d.toSeconds() + " s");
        PhaseResult alone = open.runPhase(prefix + "light-alone", light.specs(rate, d));

        ctx.monitor().phase(prefix + "light-with-storm");
        ctx.log().println(prefix + "light at " + rate + "/s with the storm for " + d.toSeconds() + " s");
        PhaseResult mix = storm(ctx, prefix, light, open, rate, d);

        DevLight.noteMissing(ctx, alone);
        DevLight.noteMissing(ctx, mix);
        ClassResult a = alone.get(LightLoad.ORDER.name());
        ClassResult m = mix.get(LightLoad.ORDER.name());
        String who = prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1) + ": ";
        List<Headline> headlines = List.of(
                Headline.of(who + "light-order p99 with storm", m.latency().p99Ms(), "ms",
                        "light-order p99 alone at " + (long) rate + "/s", a.latency().p99Ms(),
                        "1.0 = the storm costs light requests nothing; lower is better"),
                Headline.of(who + "light-order p99.9 with storm", m.latency().p999Ms(), "ms",
                        "light-order p99.9 alone", a.latency().p999Ms(), "lower is better"));
        long lightErrors = m.errorCount() + mix.get(LightLoad.PRODUCTS.name()).errorCount();
        ctx.figure(prefix + "light-errors-with-storm", lightErrors);
        ctx.figure(prefix + "light-errors-alone", a.errorCount() + alone.get(LightLoad.PRODUCTS.name()).errorCount());
        long refused = 0;
        for (RequestClass c : HEAVY) {
            mix.find(c.name()).ifPresent(r -> ctx.figure(prefix + c.name() + "-ok-per-sec", r.throughputPerSec()));
            refused += mix.find(c.name()).map(r -> r.status(503)).orElse(0L);
        }
        ctx.figure(prefix + "heavy-503-refusals", refused);
        return new MixResult(rate, headlines, peaks, List.of(alone, mix), a, m, lightErrors);
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

    private static PhaseResult storm(ScenarioContext ctx, String prefix, LightLoad light, OpenLoopRunner open,
                                     double rate, Duration d) {
        int cores = Runtime.getRuntime().availableProcessors();
        byte[] jpeg = TestImages.jpeg(2000, 2000, 1);
        StoreClient store = ctx.store();
        String token = light.user().token();
        List<String> paths = light.orderPaths();
        AtomicLong next = new AtomicLong();
        List<String> products = store.productIds(5);
        try (LatencyRecorder rec = LatencyRecorder.start(prefix + "light-with-storm", ctx.limits().maxPhaseDuration())) {
            long deadline = System.nanoTime() + d.toNanos();
            ClosedLoopRunner closed = new ClosedLoopRunner(ctx.client(), ctx.limits());
            var thumbs = closed.start(THUMBNAIL, () -> HttpRequest.newBuilder(
                    store.url("/api/images/thumbnail?width=200&height=200&fit=contain&format=jpeg"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "image/jpeg")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(jpeg)).build(), cores, d, rec);
            var invoices = closed.start(INVOICE, () -> store.get(
                    paths.get((int) (next.getAndIncrement() % paths.size())) + "/invoice.pdf", token), cores, d, rec);
            var logins = closed.start(LOGIN, () -> store.loginRequest(light.user().email(), light.user().password()),
                    cores, d, rec);

            List<Thread> streams = new ArrayList<>();
            LongAdder exportBytes = new LongAdder();
            LongAdder exportRows = new LongAdder();
            if (ctx.options().adminToken().isPresent()) {
                for (int i = 0; i < 2; i++) {
                    streams.add(Thread.ofVirtual().start(
                            new SlowExportReader(ctx, rec, deadline, exportBytes, exportRows)));
                }
            } else {
                ctx.note("no --admin-token (or KEEL_ADMIN_TOKEN): CSV export readers skipped");
            }
            LongAdder uploaded = new LongAdder();
            double uploadRate = UPLOAD_BYTES / (d.toMillis() / 1000.0 * 0.8);
            for (int i = 0; i < 2; i++) {
                streams.add(Thread.ofVirtual().start(
                        new SlowUploader(ctx, rec, token, UPLOAD_BYTES, uploadRate, deadline, uploaded)));
            }
            SseCrowd sse = new SseCrowd(ctx, rec, ctx.options().adminToken().orElse(token));
            sse.start(50, 5);

            open.run(List.of(light.specs(rate, d).get(0), light.specs(rate, d).get(1),
                    new LoadSpec(ORDER_CREATE, RateSchedule.of(5, d), () -> store.orderRequest(light.user(),
                            products.get((int) (next.getAndIncrement() % products.size()))))), rec);
            thumbs.await();
            invoices.await();
            logins.await();
            sse.stop();
            join(streams, ctx.limits().requestTimeout().toMillis() + 5_000);
            double secs = d.toMillis() / 1000.0;
            ctx.figure(prefix + "export-rows-read", exportRows.sum());
            ctx.figure(prefix + "export-mb-per-sec", exportBytes.sum() / 1e6 / secs);
            ctx.figure(prefix + "upload-mb-sent", uploaded.sum() / 1e6);
            ctx.figure(prefix + "upload-mb-per-sec", uploaded.sum() / 1e6 / secs);
            ctx.figure(prefix + "sse-events-received", sse.events.sum());
            ctx.figure(prefix + "sse-streams-ended-by-server", sse.endedEarly.sum());
            return rec.finish("open-loop light + closed-loop heavy (" + cores + " connections per heavy class)");
        }
    }

    /**
     * A few sequential requests of each heavy class, unmeasured: the first thumbnail, PDF and password hash of a
     * fresh JVM load and compile hundreds of classes, and that one-off cost would otherwise dominate the storm's
     * first seconds. The scenario measures a warmed-up service, as production traffic meets it.
     */
    private static void warmHeavyPaths(ScenarioContext ctx, LightLoad light, int each) {
        StoreClient store = ctx.store();
        String token = light.user().token();
        byte[] jpeg = TestImages.jpeg(2000, 2000, 1);
        ctx.log().println("warm-up (not measured): " + each + " thumbnails, invoices and logins");
        for (int i = 0; i < each; i++) {
            send(ctx, HttpRequest.newBuilder(
                    store.url("/api/images/thumbnail?width=200&height=200&fit=contain&format=jpeg"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "image/jpeg")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(jpeg)).build());
            send(ctx, store.get(light.orderPaths().get(i % light.orderPaths().size()) + "/invoice.pdf", token));
            send(ctx, store.loginRequest(light.user().email(), light.user().password()));
        }
    }

    private static void send(ScenarioContext ctx, HttpRequest request) {
        try {
            ctx.client().send(request, java.net.http.HttpResponse.BodyHandlers.discarding());
        } catch (java.io.IOException e) {
            ctx.log().println("warm-up request failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(List<Thread> threads, long timeoutMs) {
        long end = System.currentTimeMillis() + timeoutMs;
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, end - System.currentTimeMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            t.interrupt();
        }
    }
}
