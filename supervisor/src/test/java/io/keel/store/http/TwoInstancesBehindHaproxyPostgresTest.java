package io.keel.store.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.keel.store.db.TestDatabase;
import io.keel.store.events.SseClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 11's test profile: two real store processes ({@code ./keel start}, one JVM each) on one PostgreSQL schema,
 * behind a real HAProxy on loopback with {@code option httpchk} on the readiness route. Sessions, sign-out, events,
 * uploads and idempotency keys hold across the instances; SIGKILL of one instance under order load loses no
 * acknowledged order, HAProxy routes around it, and an event subscriber of the killed instance resumes through HAProxy
 * with {@code Last-Event-ID} without a gap or a duplicate. The tests run in order; the last one kills instance a.
 */
@EnabledIfEnvironmentVariable(named = TestDatabase.PG_URL_ENV, matches = ".+")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoInstancesBehindHaproxyPostgresTest {
    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, Api> direct = new HashMap<>();
    private Haproxy haproxy;
    private Api balanced;

    @BeforeAll
    void start() throws Exception {
        Path tmp = Files.createTempDirectory("keel-two-instances");
        cleanup.add(() -> StoreUnderTest.deleteRecursively(tmp));
        TestDatabase schema = TestDatabase.postgres();
        cleanup.add(schema);
        Map<String, Integer> ports = Map.of("a", Launcher.freePort(), "b", Launcher.freePort());
        Map<String, CompletableFuture<Process>> starting = new LinkedHashMap<>();
        for (String name : List.of("a", "b")) {
            Map<String, String> env = new HashMap<>(Launcher.baseEnv(ports.get(name)));
            env.putAll(Map.of("KEEL_WORKERS", "0", "KEEL_DB_URL", schema.settings().jdbcUrl(),
                    "KEEL_UPLOAD_STORE", "database", "KEEL_EVENTS_POLL", "200ms", "KEEL_SSE_REPLAY_SIZE", "100000",
                    "KEEL_TRUSTED_PROXIES", "127.0.0.1"));
            env.put("KEEL_SEED_ORDERS", name.equals("a") ? "20" : "0"); // one seeds; both migrate (Flyway locks)
            Launcher keel = new Launcher(Files.createDirectory(tmp.resolve(name)), env);
            cleanup.add(keel);
            starting.put(name, CompletableFuture.supplyAsync(() -> {
                try {
                    return keel.start(START);
                } catch (Exception e) {
                    throw new IllegalStateException("instance " + name + " did not start", e);
                }
            }));
            direct.put(name, Api.of(ports.get(name)));
        }
        for (Map.Entry<String, CompletableFuture<Process>> instance : starting.entrySet()) {
            processes.put(instance.getKey(), instance.getValue().get(START.toSeconds() + 10, TimeUnit.SECONDS));
        }
        haproxy = Haproxy.start(ports);
        cleanup.add(haproxy);
        balanced = Api.of(haproxy.port());
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable closeable : cleanup.reversed()) {
            closeable.close();
        }
    }

    private static String body(long productId, int quantity) {
        return OrdersHttpContract.items(OrdersHttpContract.line(productId, quantity));
    }

    private long productId() {
        return Api.json(balanced.get("/api/products?limit=1")).get("items").get(0).get("id").asLong();
    }

    @Test
    @Order(1)
    void aSessionMadeOnOneInstanceWorksOnTheOtherAndSigningOutEndsItOnBothAtOnce() {
        Api.User user = direct.get("a").newUser();
        assertThat(direct.get("b").get("/api/orders", user.token()).statusCode()).isEqualTo(200);

        assertThat(direct.get("b").delete("/api/sessions/current", user.token()).statusCode()).isEqualTo(204);

        assertThat(direct.get("a").get("/api/orders", user.token()).statusCode()).isEqualTo(401);
        assertThat(direct.get("b").get("/api/orders", user.token()).statusCode()).isEqualTo(401);
    }

    @Test
    @Order(2)
    void aSubscriberOnOneInstanceGetsEveryOrderPlacedOnTheOtherInOrder() throws Exception {
        Api.User user = direct.get("a").newUser();
        long product = productId();
        try (SseClient events = SseClient.open(direct.get("b").base().getPort(), user.token())) {
            assertThat(events.status()).isEqualTo(200);
            assertThat(events.nextComment(WAIT)).isEqualTo(": connected");
            List<Long> placed = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> order = direct.get("a").post("/api/orders", user.token(), body(product, 1));
                assertThat(order.statusCode()).as(order.body()).isEqualTo(201);
                placed.add(Api.json(order).get("id").asLong());
            }

            List<Long> received = new ArrayList<>();
            for (int i = 0; i < placed.size(); i++) {
                received.add(Api.JSON.readTree(events.next(WAIT).data()).get("id").asLong());
            }
            assertThat(received).containsExactlyElementsOf(placed);
            assertThat(events.poll(Duration.ofMillis(500))).isEmpty();
        }
    }

    @Test
    @Order(3)
    void anUploadThroughOneInstanceIsReadWholeAndByRangeAndDeletedThroughTheOther() {
        Api.User user = direct.get("a").newUser();
        byte[] bytes = new byte[700_000]; // three chunks of 256 KiB
        new Random(11).nextBytes(bytes);
        HttpResponse<String> stored = direct.get("a").send(direct.get("a").request("/api/uploads", user.token())
                .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
        assertThat(stored.statusCode()).as(stored.body()).isEqualTo(201);
        String path = "/api/uploads/" + Api.json(stored).get("id").asText();

        HttpResponse<byte[]> whole = direct.get("b").sendForBytes(direct.get("b").request(path, user.token()));
        HttpResponse<byte[]> range = direct.get("b").sendForBytes(direct.get("b").request(path, user.token())
                .header("Range", "bytes=262000-600000"));

        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(bytes);
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo(Arrays.copyOfRange(bytes, 262_000, 600_001));
        assertThat(direct.get("b").delete(path, user.token()).statusCode()).isEqualTo(204);
        assertThat(direct.get("a").get(path, user.token()).statusCode()).isEqualTo(404);
    }

    @Test
    @Order(4)
    void idempotentRetriesLandingOnDifferentInstancesMakeOneOrder() {
        Api.User user = balanced.newUser();
        String order = body(productId(), 3);
        Set<Long> ids = new HashSet<>();
        for (Api api : List.of(direct.get("a"), direct.get("b"), balanced, balanced, direct.get("b"))) {
            HttpResponse<String> res = api.send(Api.jsonPost(api.request("/api/orders", user.token())
                    .header("Idempotency-Key", "retry-across-instances"), order));
            assertThat(res.statusCode()).as(res.body()).isIn(200, 201);
            ids.add(Api.json(res).get("id").asLong());
        }

        assertThat(ids).hasSize(1);
        JsonNode list = Api.json(balanced.get("/api/orders", user.token()));
        assertThat(list.get("items")).hasSize(1);
    }

    @Test
    @Order(5)
    void sigkillOfOneInstanceUnderLoadLosesNoAcknowledgedOrderAndItsSubscriberResumesThroughHaproxy()
            throws Exception {
        OrderLoad.Target target = OrderLoad.Target.prepare(balanced);
        SseClient onA = SseClient.open(direct.get("a").base().getPort(), StoreUnderTest.OPERATOR_TOKEN);
        assertThat(onA.nextComment(WAIT)).isEqualTo(": connected");
        OrderLoad before = OrderLoad.orders(target, 4);
        before.awaitAcknowledged(100);

        processes.get("a").destroyForcibly(); // SIGKILL: no drain, no close
        long killed = System.nanoTime();
        assertThat(processes.get("a").waitFor(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
                .until(() -> haproxy.state("a").filter(state -> state.startsWith("DOWN")).isPresent());
        Duration toDown = Duration.ofNanos(System.nanoTime() - killed);
        OrderLoad.Result duringKill = before.stop();
        OrderLoad after = OrderLoad.orders(target, 4);
        after.awaitAcknowledged(100);
        OrderLoad.Result routedAround = after.stop();
        System.out.printf("two instances: a marked DOWN %d ms after SIGKILL (check every %d ms, fall %d); "
                        + "%d acknowledged and %d failed around the kill, %d and %d after%n", toDown.toMillis(),
                Haproxy.CHECK_INTERVAL.toMillis(), Haproxy.FALL, duringKill.acknowledged().size(),
                duringKill.failed(), routedAround.acknowledged().size(), routedAround.failed());

        List<Long> acknowledged = new ArrayList<>(duringKill.acknowledged());
        acknowledged.addAll(routedAround.acknowledged());
        assertThat(target.missing(acknowledged)).as("acknowledged orders missing after SIGKILL").isEmpty();
        assertThat(routedAround.failed()).as("failed requests once HAProxy marked the killed instance down")
                .isZero();
        // Generous for a loaded machine: HAProxy needs FALL failed checks, CHECK_INTERVAL apart.
        assertThat(toDown).isLessThan(Duration.ofSeconds(10));

        assertResumesWithoutGapOrDuplicate(onA, acknowledged);
    }

    /**
     * The events the subscriber got from the killed instance, then the rest from the survivor through HAProxy with
     * {@code Last-Event-ID}: every acknowledged order once, event ids strictly increasing.
     */
    private void assertResumesWithoutGapOrDuplicate(SseClient onA, List<Long> acknowledged) throws Exception {
        List<SseClient.Event> events = new ArrayList<>();
        for (Optional<SseClient.Event> event = onA.poll(Duration.ofMillis(500)); event.isPresent();
             event = onA.poll(Duration.ofMillis(500))) {
            events.add(event.get());
        }
        onA.close();
        long lastSeen = events.isEmpty() ? 0 : events.getLast().id();
        Set<Long> wanted = new HashSet<>(acknowledged);
        try (SseClient resumed = SseClient.open(haproxy.port(), StoreUnderTest.OPERATOR_TOKEN,
                "Last-Event-ID", Long.toString(lastSeen))) {
            assertThat(resumed.status()).isEqualTo(200);
            while (!orderIds(events).containsAll(wanted)) {
                events.add(resumed.next(WAIT));
            }
        }
        assertThat(events).extracting(SseClient.Event::id).isSorted().doesNotHaveDuplicates();
        assertThat(orderIds(events)).doesNotHaveDuplicates();
    }

    private static List<Long> orderIds(List<SseClient.Event> events) throws Exception {
        List<Long> ids = new ArrayList<>();
        for (SseClient.Event event : events) {
            ids.add(Api.JSON.readTree(event.data()).get("id").asLong());
        }
        return ids;
    }
}
