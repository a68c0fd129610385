package io.keel.bench.scenario;

import io.keel.bench.load.ClassResult;
import io.keel.bench.load.ClosedLoopRunner;
import io.keel.bench.load.LatencyRecorder;
import io.keel.bench.load.LiveRun;
import io.keel.bench.load.LoadSpec;
import io.keel.bench.load.OpenLoopRunner;
import io.keel.bench.load.PhaseResult;
import io.keel.bench.load.RateSchedule;
import io.keel.bench.load.RequestClass;
import io.keel.bench.load.RequestFactory;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The prod-mix storm: thumbnails, invoices and logins closed-loop (as many connections per class as cores), two
 * ~1 MB/s CSV export readers, two paced 200 MB uploads spanning the whole storm, 50 SSE subscribers of which 5 never
 * read, and 5 new orders/s. The storm runs {@code settle} first, recorded apart and dropped, so its ramp-up is not
 * measured. The light load runs open-loop through the settle too, recorded apart as well, so the measured window opens
 * on a light load already in its steady state, as the "alone" phase does, not on its restart (every connection opened
 * again in the middle of the storm). Everything ending in the window is recorded in the phase. Blocking; its parts run
 * on their own threads.
 */
final class Storm {
    static final RequestClass THUMBNAIL = RequestClass.of("thumbnail");
    static final RequestClass INVOICE = RequestClass.of("invoice-pdf");
    static final RequestClass LOGIN = RequestClass.of("login");
    static final RequestClass ORDER_CREATE = RequestClass.of("order-create");
    static final long UPLOAD_BYTES = 200L * 1024 * 1024;
    static final String THUMBNAIL_PATH = "/api/images/thumbnail?width=200&height=200&fit=contain&format=jpeg";

    private Storm() {
    }

    static HttpRequest thumbnail(StoreClient store, String token, byte[] jpeg) {
        return HttpRequest.newBuilder(store.url(THUMBNAIL_PATH)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "image/jpeg").POST(HttpRequest.BodyPublishers.ofByteArray(jpeg)).build();
    }

    /**
     * Runs the storm's {@code parts} with {@code closed} and the light load with {@code open}; the caller closes
     * both.
     */
    static PhaseResult run(ScenarioContext ctx, String prefix, LightLoad light, OpenLoopRunner open,
                           ClosedLoopRunner closed, double rate, Duration settle, Duration d, Set<StormPart> parts) {
        int cores = Runtime.getRuntime().availableProcessors();
        byte[] jpeg = TestImages.jpeg(2000, 2000, 1);
        StoreClient store = ctx.store();
        String token = light.user().token();
        List<String> paths = light.orderPaths();
        AtomicLong next = new AtomicLong();
        List<String> products = store.productIds(5);
        Duration total = settle.plus(d);
        AtomicReference<LatencyRecorder> current = new AtomicReference<>(
                LatencyRecorder.start(prefix + "storm-settle", ctx.limits()));
        // Streams open once, at the storm's start, and span the window: they have a recorder of their own, whose
        // classes join the measured phase at the end.
        LatencyRecorder streamsRec = LatencyRecorder.start(prefix + "storm-streams", ctx.limits());
        long end = System.nanoTime() + total.toNanos();
        Map<RequestClass, RequestFactory> heavyFactories = new LinkedHashMap<>();
        if (parts.contains(StormPart.THUMBNAIL)) {
            heavyFactories.put(THUMBNAIL, () -> thumbnail(store, token, jpeg));
        }
        if (parts.contains(StormPart.INVOICE)) {
            heavyFactories.put(INVOICE, () -> store.get(
                    paths.get((int) (next.getAndIncrement() % paths.size())) + "/invoice.pdf", token));
        }
        if (parts.contains(StormPart.LOGIN)) {
            heavyFactories.put(LOGIN, () -> store.loginRequest(light.user().email(), light.user().password()));
        }
        List<ClosedLoopRunner.Running> heavy = new ArrayList<>();
        heavyFactories.forEach((c, factory) -> heavy.add(closed.start(c, factory, cores, total, current::get)));
        List<Thread> streams = new ArrayList<>();
        LongAdder exportBytes = new LongAdder();
        LongAdder exportRows = new LongAdder();
        if (parts.contains(StormPart.EXPORT)) {
            if (ctx.options().adminToken().isPresent()) {
                for (int i = 0; i < 2; i++) {
                    streams.add(Thread.ofVirtual().start(
                            new SlowExportReader(ctx, () -> streamsRec, end, exportBytes, exportRows)));
                }
            } else {
                ctx.note("no --admin-token (or KEEL_ADMIN_TOKEN): CSV export readers skipped");
            }
        }
        LongAdder uploaded = new LongAdder();
        // Paced over the whole storm, so both uploads are in flight during the entire measured window; a few
        // seconds of grace let them finish instead of being cut.
        double uploadRate = UPLOAD_BYTES / (total.toMillis() / 1000.0);
        long uploadDeadline = end + Duration.ofSeconds(5).toNanos();
        if (parts.contains(StormPart.UPLOAD)) {
            for (int i = 0; i < 2; i++) {
                streams.add(Thread.ofVirtual().start(
                        new SlowUploader(ctx, () -> streamsRec, token, UPLOAD_BYTES, uploadRate, uploadDeadline,
                                uploaded)));
            }
        }
        SseCrowd sse = new SseCrowd(ctx, () -> streamsRec, ctx.options().adminToken().orElse(token));
        if (parts.contains(StormPart.SSE)) {
            sse.start(50, 5);
        }
        List<LoadSpec> lightLoad = new ArrayList<>(light.specs(rate, total));
        if (parts.contains(StormPart.ORDERS)) {
            lightLoad.add(new LoadSpec(ORDER_CREATE, RateSchedule.of(5, total), () -> store.orderRequest(
                    light.user(), products.get((int) (next.getAndIncrement() % products.size())))));
        }
        LatencyRecorder lightSettleRec = LatencyRecorder.start(prefix + "storm-settle-light", ctx.limits());
        LiveRun lightRun = new LiveRun(lightSettleRec);
        AtomicReference<RuntimeException> lightFailure = new AtomicReference<>();
        Thread lightThread = Thread.ofPlatform().name("bench-storm-light").start(() -> {
            try {
                open.run(lightLoad, lightRun);
            } catch (RuntimeException e) {
                lightFailure.set(e);
            }
        });
        ctx.log().println(prefix + "storm settling for " + settle.toSeconds() + " s, the light load with it (not "
                + "measured)");
        sleep(settle);
        LatencyRecorder settleRec = current.get();
        try (LatencyRecorder rec = LatencyRecorder.start(prefix + "light-with-storm", ctx.limits())) {
            heavyFactories.keySet().forEach(rec::declare);
            lightLoad.forEach(spec -> rec.declare(spec.requestClass()));
            current.set(rec);
            lightRun.switchTo(rec);
            settleRec.close();
            PhaseResult lightSettled = lightSettleRec.finish("open-loop");
            ctx.figure(prefix + "light-requests-in-storm-settle",
                    (double) lightSettled.classes().stream().mapToLong(ClassResult::completed).sum());
            long uploadedBefore = uploaded.sum();
            long exportBefore = exportBytes.sum();
            join(List.of(lightThread), d.toMillis() + ctx.limits().requestTimeout().toMillis() + 10_000);
            if (lightFailure.get() != null) {
                throw lightFailure.get();
            }
            double secs = d.toMillis() / 1000.0;
            ctx.figure(prefix + "upload-mb-per-sec-in-window", (uploaded.sum() - uploadedBefore) / 1e6 / secs);
            ctx.figure(prefix + "export-mb-per-sec-in-window", (exportBytes.sum() - exportBefore) / 1e6 / secs);
            heavy.forEach(ClosedLoopRunner.Running::await);
            sse.stop();
            join(streams, ctx.limits().requestTimeout().toMillis() + 10_000);
            ctx.figure(prefix + "export-rows-read", (double) exportRows.sum());
            ctx.figure(prefix + "upload-mb-sent", uploaded.sum() / 1e6);
            ctx.figure(prefix + "sse-events-received", (double) sse.events.sum());
            ctx.figure(prefix + "sse-streams-ended-by-server", (double) sse.endedEarly.sum());
            PhaseResult measured = rec.finish("open-loop light + closed-loop heavy (" + cores + " connections per "
                    + "heavy class), after " + settle.toSeconds() + " s of storm settling");
            List<ClassResult> classes = new ArrayList<>(measured.classes());
            classes.addAll(streamsRec.finish("streams").classes());
            return new PhaseResult(measured.name(), measured.tool(), measured.seconds(),
                    measured.maxDispatchLagMs(), measured.p99DispatchLagMs(), measured.stall(), classes,
                    measured.validity());
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(List<Thread> threads, long timeoutMs) {
        long until = System.currentTimeMillis() + timeoutMs;
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, until - System.currentTimeMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            t.interrupt();
        }
    }
}
