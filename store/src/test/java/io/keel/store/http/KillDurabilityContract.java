package io.keel.store.http;

import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An acknowledged write survives SIGKILL: clients place orders concurrently against a real store process, the JVM is
 * killed mid-load, a new process starts on the same data, and every order that was answered 201 is there.
 */
abstract class KillDurabilityContract extends ProcessStoreContract {
    private static final int CLIENTS = 8;
    private static final int ACKNOWLEDGED_BEFORE_KILL = 300;

    @Test
    void everyOrderAnswered201BeforeSigkillIsThereAfterARestart() throws Exception {
        List<String> flags = flags("--seed-orders=20");
        StoreProcess first = closeAfter(StoreProcess.start(flags, Duration.ofSeconds(60)));
        Api api = Api.of(first.port());
        long productId = Api.json(api.get("/api/products?limit=1")).get("items").get(0).get("id").asLong();
        String body = OrdersHttpContract.items(OrdersHttpContract.line(productId, 1));
        List<Api.User> users = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            users.add(api.newUser());
        }

        Queue<Long> acknowledged = new ConcurrentLinkedQueue<>();
        AtomicBoolean killed = new AtomicBoolean();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Api.User user : users) {
                clients.submit(() -> placeUntilKilled(api, user, body, acknowledged, killed));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= ACKNOWLEDGED_BEFORE_KILL);
            first.process().destroyForcibly(); // SIGKILL: no shutdown hook, no flush, no close
            killed.set(true);
            assertThat(first.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        }

        StoreProcess second = closeAfter(StoreProcess.start(flags, Duration.ofSeconds(60)));
        Api restarted = Api.of(second.port());
        List<Long> lost = acknowledged.stream()
                .filter(id -> restarted.get("/api/orders/" + id, StoreUnderTest.OPERATOR_TOKEN).statusCode() != 200)
                .toList();
        assertThat(lost).as("acknowledged orders missing after SIGKILL and restart (of %d)", acknowledged.size())
                .isEmpty();
    }

    /** Places orders until the process dies; records the id of every 201 the client saw. */
    private static void placeUntilKilled(Api api, Api.User user, String body, Queue<Long> acknowledged,
                                         AtomicBoolean killed) {
        int n = 0;
        while (!killed.get()) {
            try {
                HttpResponse<String> res = api.send(Api.jsonPost(api.request("/api/orders", user.token())
                        .header("Idempotency-Key", "kill-" + user.id() + "-" + n++), body));
                if (res.statusCode() == 201) {
                    acknowledged.add(Api.json(res).get("id").asLong());
                }
            } catch (UncheckedIOException e) {
                return; // the connection died with the process: the order was never acknowledged
            }
        }
    }
}
