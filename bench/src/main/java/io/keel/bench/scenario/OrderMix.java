package io.keel.bench.scenario;

import io.keel.bench.BenchException;
import io.keel.bench.load.LoadSpec;
import io.keel.bench.load.RateSchedule;
import io.keel.bench.load.RequestClass;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The load of scenarios 6 and 7: the light mix ({@link LightLoad}) plus order placements ({@code POST /api/orders},
 * which no HTTP client retries by itself, so every connection a stopping worker cuts shows), each class's outcomes
 * handed to a {@link Ledger}. Also reads acknowledged orders back for the lost-order check. Immutable.
 */
record OrderMix(LightLoad light, HttpRequest order) {
    static final RequestClass ORDER_CREATE = RequestClass.of("order-create");

    static OrderMix setup(ScenarioContext ctx) {
        LightLoad light = Setup.light(ctx);
        String product = ctx.store().productIds(1).getFirst();
        return new OrderMix(light, ctx.store().orderRequest(light.user(), product));
    }

    /** Light requests at {@code rate}/s and orders at {@code orderRate}/s for {@code d}, all heard by {@code ledger}. */
    List<LoadSpec> specs(double rate, double orderRate, Duration d, Ledger ledger) {
        List<LoadSpec> out = new ArrayList<>();
        light.specs(rate, d).forEach(s -> out.add(s.withSink(ledger)));
        out.add(new LoadSpec(ORDER_CREATE, RateSchedule.of(orderRate, d), () -> order).withSink(ledger));
        return out;
    }

    /** Reads every acknowledged order back as the operator ({@code GET /api/orders/{id}}). */
    static LostOrders.Result check(ScenarioContext ctx, List<String> ids) {
        String token = ctx.options().adminToken().orElseThrow(() -> new BenchException(
                "the lost-order check reads orders as the operator: it needs the admin token"));
        HttpClient client = ctx.client();
        return LostOrders.check(ids, id -> {
            HttpRequest get = HttpRequest.newBuilder(ctx.store().url("/api/orders/" + id))
                    .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).GET().build();
            try {
                return client.send(get, HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        });
    }
}
