package io.keel.store.http;

import io.keel.store.db.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
abstract class KillDurabilityContract {
    private static final int CLIENTS = 8;
    private static final int ACKNOWLEDGED_BEFORE_KILL = 300;
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    protected abstract Backend backend();

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable closeable : cleanup.reversed()) {
            closeable.close();
        }
    }

    @Test
    void everyOrderAnswered201BeforeSigkillIsThereAfterARestart() throws Exception {
        Path dataDir = Files.createTempDirectory("keel-kill-durability");
        cleanup.add(() -> StoreUnderTest.deleteRecursively(dataDir));
        List<String> flags = flags(dataDir);
        StoreProcess first = StoreProcess.start(flags, Duration.ofSeconds(60));
        cleanup.add(first);
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

        StoreProcess second = StoreProcess.start(flags, Duration.ofSeconds(60));
        cleanup.add(second);
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

    private List<String> flags(Path dataDir) throws IOException {
        Optional<TestDatabase> schema = backend() == Backend.POSTGRES ? Optional.of(TestDatabase.postgres())
                : Optional.empty();
        schema.ifPresent(cleanup::add);
        List<String> flags = new ArrayList<>(List.of("--port=0", "--host=127.0.0.1", "--data-dir=" + dataDir,
                "--admin-token=" + StoreUnderTest.OPERATOR_TOKEN, "--seed-orders=20", "--password-memory-kib=1024",
                "--password-iterations=1"));
        schema.ifPresent(db -> flags.add("--db-url=" + db.settings().jdbcUrl()));
        return flags;
    }
}
