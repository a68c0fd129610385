package io.keel.store.http;

import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import static org.awaitility.Awaitility.await;

/**
 * Closed-loop load from a few clients until stopped: order placements, recording the id of every 201. Anything
 * else, including a connection error, counts as failed (the first few with their cause); a client pauses
 * 20 ms after a failure, so a service that is down is not hammered. One case is retried once, as HTTP clients do for
 * idempotent requests (RFC 9110, 9.2.2; every order carries an {@code Idempotency-Key}): a connection that ended before
 * any byte of an answer, which the JDK client reports as "header parser received no bytes" whether a stopping worker
 * closed a kept-alive connection the client was reusing at that instant or the kernel reset a new one still in a
 * closing listener's accept queue ({@code net.ipv4.tcp_migrate_req=0}). Retries are counted apart
 * ({@link Result#retried()}), so a test can bound them (see the note in the H2 recycle test). Bounded by {@link #stop()} and by the callers'
 * awaits; thread-safe.
 */
final class OrderLoad implements AutoCloseable {
    private static final int MAX_FAILURES_KEPT = 20;
    private final Queue<Long> acknowledged = new ConcurrentLinkedQueue<>();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger retried = new AtomicInteger();
    /** What the first failures were (status and body, or the exception), so a failed assertion says why. */
    private final Queue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();

    /** The service under load: a product to order, one signed-in user per client. */
    record Target(Api api, long productId, List<Api.User> users) {
        static Target prepare(Api api) {
            long productId = Api.json(api.get("/api/products?limit=1")).get("items").get(0).get("id").asLong();
            List<Api.User> users = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                users.add(api.newUser());
            }
            return new Target(api, productId, users);
        }

        /** The acknowledged ids that the service does not answer 200 for now. */
        List<Long> missing(List<Long> ids) {
            return ids.stream().filter(id -> api.get("/api/orders/" + id, StoreUnderTest.OPERATOR_TOKEN)
                    .statusCode() != 200).toList();
        }
    }

    record Result(List<Long> acknowledged, int failed, List<String> failures, int retried) {
    }

    private static String body(long productId) {
        return OrdersHttpContract.items(OrdersHttpContract.line(productId, 1));
    }

    static OrderLoad orders(Target target, int clients) {
        OrderLoad load = new OrderLoad();
        for (int c = 0; c < clients; c++) {
            Api.User user = target.users().get(c % target.users().size());
            String key = "load-" + System.nanoTime() + "-" + c + "-";
            AtomicInteger n = new AtomicInteger();
            load.loop(() -> target.api().send(Api.jsonPost(target.api().request("/api/orders", user.token())
                    .header("Idempotency-Key", key + n.incrementAndGet()), body(target.productId()))), 201,
                    res -> load.acknowledged.add(Api.json(res).get("id").asLong()));
        }
        return load;
    }

    /** {@link #orders} plus as many clients reading the catalog and the orders acknowledged so far. */
    static OrderLoad ordersAndReads(Target target, int clients) {
        OrderLoad load = orders(target, clients);
        for (int c = 0; c < clients; c++) {
            load.loop(() -> {
                Long last = load.acknowledged.peek();
                return last == null ? target.api().send(target.api().request("/api/products?limit=5"))
                        : target.api().send(target.api().request("/api/orders/" + last,
                                StoreUnderTest.OPERATOR_TOKEN));
            }, 200, res -> { });
        }
        return load;
    }

    private interface Call {
        HttpResponse<String> send();
    }

    private void loop(Call call, int expected, Consumer<HttpResponse<String>> onExpected) {
        clients.submit(() -> {
            while (running.get()) {
                String failure;
                try {
                    HttpResponse<String> res = sendRetryingAClosedConnection(call);
                    if (res.statusCode() == expected) {
                        onExpected.accept(res);
                        continue;
                    }
                    failure = res.statusCode() + " " + res.body();
                } catch (UncheckedIOException e) {
                    // connection refused or reset: failed, like any other answer
                    failure = String.valueOf(e.getCause());
                }
                if (running.get()) {
                    if (failed.incrementAndGet() <= MAX_FAILURES_KEPT) {
                        failures.add(Instant.now() + " " + failure);
                    }
                    LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
                }
            }
        });
    }

    /** The JDK client's message for a connection closed before any byte of the answer arrived. */
    private static final String NO_ANSWER = "header parser received no bytes";

    private HttpResponse<String> sendRetryingAClosedConnection(Call call) {
        try {
            return call.send();
        } catch (UncheckedIOException e) {
            if (String.valueOf(e.getCause().getMessage()).contains(NO_ANSWER)) {
                retried.incrementAndGet();
                return call.send();
            }
            throw e;
        }
    }

    List<Long> acknowledged() {
        return List.copyOf(acknowledged);
    }

    void awaitAcknowledged(int count) {
        await().atMost(Duration.ofSeconds(120)).until(() -> acknowledged.size() >= count);
    }

    /** Stops the clients, waits for their last requests, and returns what they saw. */
    Result stop() {
        running.set(false);
        clients.close();
        return new Result(List.copyOf(acknowledged), failed.get(), List.copyOf(failures), retried.get());
    }

    @Override
    public void close() {
        if (running.get()) {
            stop();
        }
    }
}
