package io.keel.bench.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Sends every kind of request the storm sends, a few times each and unmeasured, before anything is measured: the
 * first thumbnail, PDF, password hash, export, upload and event stream of a fresh process load and compile hundreds
 * of classes (or fill caches), and that one-off cost would otherwise land in the storm's measured window and not in
 * the "alone" phase. Blocking.
 */
final class StormWarmup {
    private StormWarmup() {
    }

    static void run(ScenarioContext ctx, LightLoad light, int each) {
        StoreClient store = ctx.store();
        String token = light.user().token();
        byte[] jpeg = TestImages.jpeg(2000, 2000, 1);
        ctx.log().println("warm-up (not measured): " + each + " of every storm request");
        String product = store.productIds(1).getFirst();
        for (int i = 0; i < each; i++) {
            discard(ctx, Storm.thumbnail(store, token, jpeg));
            discard(ctx, store.get(light.orderPaths().get(i % light.orderPaths().size()) + "/invoice.pdf", token));
            discard(ctx, store.loginRequest(light.user().email(), light.user().password()));
            discard(ctx, store.orderRequest(light.user(), product));
            discard(ctx, HttpRequest.newBuilder(store.url("/api/uploads")).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new GeneratedBytes(1 << 20))).build());
            ctx.options().adminToken().ifPresent(t -> head(ctx, store.get("/api/orders/export?format=csv", t)));
            head(ctx, store.get("/api/events", ctx.options().adminToken().orElse(token)));
        }
    }

    private static void discard(ScenarioContext ctx, HttpRequest request) {
        try {
            ctx.client().send(HttpRequest.newBuilder(request, (n, v) -> true).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            ctx.log().println("warm-up request failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Opens a stream (export, events), reads at most 64 KiB and hangs up, as a client that leaves early does. */
    private static void head(ScenarioContext ctx, HttpRequest request) {
        try {
            HttpResponse<InputStream> r = ctx.client().send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                // Event streams may stay silent until the next event: the subscription itself is the warm-up.
                int budget = request.uri().getPath().endsWith("/events") ? 0 : 65_536;
                byte[] buf = new byte[8192];
                int n;
                while (budget > 0 && (n = in.read(buf)) > 0) {
                    budget -= n;
                }
            }
        } catch (IOException e) {
            ctx.log().println("warm-up stream failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
