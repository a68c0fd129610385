package io.keel.store.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.keel.store.catalog.Product;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The idempotency race over HTTP: twenty clients retry one order with one {@code Idempotency-Key} at the same moment;
 * the database, not a lock in this JVM, must let exactly one of them create it.
 */
abstract class IdempotencyRaceHttpContract extends StoreContract {
    private static final int CLIENTS = 20;
    private Product mug;
    private Product lamp;

    @BeforeAll
    void createCatalog() {
        mug = store.product(1_250, "USD");
        lamp = store.product(4_999, "USD");
    }

    @RepeatedTest(3)
    void twentyConcurrentPostsWithOneKeyCreateExactlyOneOrderAndAllGetItsId() throws Exception {
        Api.User user = api.newUser();
        String body = OrdersHttpContract.items(OrdersHttpContract.line(mug.id(), 2),
                OrdersHttpContract.line(lamp.id(), 1));
        CountDownLatch go = new CountDownLatch(1);
        List<HttpResponse<String>> responses;
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<HttpResponse<String>>> futures = IntStream.range(0, CLIENTS)
                    .mapToObj(i -> clients.submit(() -> {
                        go.await();
                        return api.send(Api.jsonPost(api.request("/api/orders", user.token())
                                .header("Idempotency-Key", "race-" + user.id()), body));
                    }))
                    .toList();
            go.countDown();
            responses = futures.stream().map(IdempotencyRaceHttpContract::join).toList();
        }

        assertThat(responses).extracting(HttpResponse::statusCode).as(responses.toString()).containsOnly(200, 201);
        assertThat(responses).filteredOn(res -> res.statusCode() == 201).hasSize(1);
        List<JsonNode> orders = responses.stream().map(Api::json).toList();
        assertThat(orders).extracting(order -> order.get("id").asLong()).containsOnly(orders.getFirst().get("id")
                .asLong());
        assertThat(orders).allSatisfy(order -> assertThat(order.get("totalCents").asLong()).isEqualTo(7_499));
        assertThat(store.count("SELECT COUNT(*) FROM orders WHERE user_id = ?", user.id())).isEqualTo(1);
        assertThat(store.count("SELECT COUNT(*) FROM order_items i JOIN orders o ON o.id = i.order_id"
                + " WHERE o.user_id = ?", user.id())).isEqualTo(2);
    }

    private static <T> T join(Future<T> future) {
        try {
            return future.get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
