package io.keel.bench.scenario;

import io.keel.bench.load.LoadSpec;
import io.keel.bench.load.RateSchedule;
import io.keel.bench.load.RequestClass;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The "light" requests of dev-light and prod-mix: 90% {@code GET /api/orders/{id}} over the user's orders, 10%
 * {@code GET /api/products}. Immutable.
 */
public record LightLoad(StoreClient store, StoreClient.User user, List<String> orderIds) {
    public static final RequestClass ORDER = RequestClass.of("light-order");
    public static final RequestClass PRODUCTS = RequestClass.of("light-products");

    public LightLoad {
        orderIds = List.copyOf(orderIds);
    }

    public List<String> orderPaths() {
        return orderIds.stream().map(id -> "/api/orders/" + id).toList();
    }

    /** Open-loop specs totalling {@code rate} requests per second. */
    public List<LoadSpec> specs(double rate, Duration duration) {
        List<HttpRequest> orders = orderPaths().stream().map(p -> store.get(p, user.token())).toList();
        HttpRequest products = store.get("/api/products?limit=20", user.token());
        AtomicLong next = new AtomicLong();
        return List.of(
                new LoadSpec(ORDER, RateSchedule.of(rate * 0.9, duration),
                        () -> orders.get((int) (next.getAndIncrement() % orders.size()))),
                new LoadSpec(PRODUCTS, RateSchedule.of(Math.max(0.5, rate * 0.1), duration), () -> products));
    }
}
