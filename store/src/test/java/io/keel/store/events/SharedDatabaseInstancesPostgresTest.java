package io.keel.store.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.keel.store.db.TestDatabase;
import io.keel.store.http.StoreUnderTest;
import io.keel.store.http.StoreUnderTest.User;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two stores on one PostgreSQL schema in one JVM, as two instances behind a balancer: every order reaches the event
 * subscribers of both, in one global order; {@code Last-Event-ID} resumes on the other instance; the listener comes
 * back after its connection is killed and delivers what it missed; sign-out, idempotency keys and the sign-in bound
 * hold across them.
 * (The two-process test behind a real HAProxy is {@code TwoInstancesBehindHaproxyPostgresTest}.)
 */
@EnabledIfEnvironmentVariable(named = TestDatabase.PG_URL_ENV, matches = ".+")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharedDatabaseInstancesPostgresTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private StoreUnderTest a;
    private StoreUnderTest b;
    private User alice;
    private User bob;

    @BeforeAll
    void start() {
        // The test kit lifts the sign-in bounds for other tests; the shared throttle test needs the real default.
        a = StoreUnderTest.postgres(Map.of("seed-orders", "20", "events-poll", "200ms", "login-max-failures", "5"));
        b = a.alongside(Map.of("events-poll", "200ms", "login-max-failures", "5"));
        alice = a.newUser();
        bob = a.newUser();
    }

    @AfterAll
    void stop() {
        b.close();
        a.close();
    }

    private static SseClient subscribe(StoreUnderTest store, String token, String... headers)
            throws InterruptedException {
        SseClient client = SseClient.open(store, token, headers);
        assertThat(client.status()).isEqualTo(200);
        assertThat(client.nextComment(WAIT)).isEqualTo(": connected");
        return client;
    }

    private static List<SseClient.Event> next(SseClient client, int count) throws InterruptedException {
        List<SseClient.Event> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(client.next(WAIT));
        }
        return events;
    }

    private static List<Long> orderIds(List<SseClient.Event> events) {
        return events.stream().map(event -> StoreUnderTest.json(event.data()).get("id").asLong()).toList();
    }

    @Test
    void ordersPlacedOnEitherInstanceReachSubscribersOnBothOnceAndInTheSameOrder() throws InterruptedException {
        try (SseClient onA = subscribe(a, StoreUnderTest.OPERATOR_TOKEN);
             SseClient onB = subscribe(b, StoreUnderTest.OPERATOR_TOKEN)) {
            List<Long> placed = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                placed.add((i % 2 == 0 ? a : b).placeOrder(i % 3 == 0 ? alice : bob).get("id").asLong());
            }

            List<SseClient.Event> fromA = next(onA, 10);
            List<SseClient.Event> fromB = next(onB, 10);

            assertThat(orderIds(fromA)).containsExactlyElementsOf(placed);
            assertThat(fromB).isEqualTo(fromA); // same ids, same order, same data
            assertThat(fromA).extracting(SseClient.Event::id).isSorted().doesNotHaveDuplicates();
            assertThat(onA.poll(Duration.ofMillis(500))).isEmpty();
            assertThat(onB.poll(Duration.ofMillis(100))).isEmpty();
        }
    }

    @Test
    void lastEventIdResumesOnTheOtherInstanceWithOnlyTheSubscribersOwnOrders() throws InterruptedException {
        long seen;
        try (SseClient first = subscribe(a, alice.token())) {
            a.placeOrder(alice);
            seen = first.next(WAIT).id();
        }
        JsonNode missed1 = a.placeOrder(alice);
        b.placeOrder(bob);
        JsonNode missed2 = b.placeOrder(alice);

        try (SseClient resumed = subscribe(b, alice.token(), "Last-Event-ID", Long.toString(seen))) {
            List<SseClient.Event> replayed = next(resumed, 2);
            JsonNode live = a.placeOrder(alice);
            SseClient.Event afterReplay = resumed.next(WAIT);

            assertThat(orderIds(replayed)).containsExactly(missed1.get("id").asLong(), missed2.get("id").asLong());
            assertThat(StoreUnderTest.json(afterReplay.data()).get("id")).isEqualTo(live.get("id"));
            assertThat(afterReplay.id()).isGreaterThan(replayed.getLast().id());
            assertThat(resumed.poll(Duration.ofMillis(500))).isEmpty();
        }
    }

    @Test
    void theListenerReconnectsAfterItsConnectionIsKilledAndDeliversWhatWasPlacedMeanwhile() throws Exception {
        try (SseClient onB = subscribe(b, StoreUnderTest.OPERATOR_TOKEN)) {
            double reconnects = b.counter("keel.events.listener.reconnects");
            int killed = terminateListeners();
            assertThat(killed).as("listener connections of the two instances").isGreaterThanOrEqualTo(2);
            List<Long> placed = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                placed.add(a.placeOrder(alice).get("id").asLong());
            }

            assertThat(orderIds(next(onB, 5))).containsExactlyElementsOf(placed);
            await().atMost(WAIT).until(() -> b.counter("keel.events.listener.reconnects") > reconnects);
            await().atMost(WAIT).until(() -> gauge(b, "keel.events.listener.connected") == 1);
            assertThat(gauge(b, "keel.events.listener.last.event.id"))
                    .isEqualTo((double) b.count("SELECT MAX(event_id) FROM orders"));
            assertThat(gauge(b, "keel.events.listener.lag")).isPositive().isLessThan(60);
        }
    }

    @Test
    void signingOutOnOneInstanceEndsTheTokenOnTheOtherAtOnce() {
        User carol = a.newUser();
        assertThat(b.get("/api/orders", carol.token()).statusCode()).isEqualTo(200);

        HttpResponse<String> out = a.send(a.request("/api/sessions/current", carol.token()).DELETE(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(out.statusCode()).isEqualTo(204);
        assertThat(b.get("/api/orders", carol.token()).statusCode()).isEqualTo(401);
        assertThat(a.get("/api/orders", carol.token()).statusCode()).isEqualTo(401);
    }

    @Test
    void oneIdempotencyKeyRacingOnBothInstancesMakesOneOrder() throws Exception {
        String body = "{\"items\":[{\"productId\":1,\"quantity\":2}]}";
        List<Callable<HttpResponse<String>>> racers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            StoreUnderTest store = i % 2 == 0 ? a : b;
            racers.add(() -> store.send(store.request("/api/orders", bob.token())
                    .header("Content-Type", "application/json").header("Idempotency-Key", "race-across")
                    .POST(HttpRequest.BodyPublishers.ofString(body)), HttpResponse.BodyHandlers.ofString()));
        }
        List<HttpResponse<String>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Future<HttpResponse<String>> answer : pool.invokeAll(racers)) {
                answers.add(answer.get());
            }
        }

        List<HttpResponse<String>> placed = answers.stream().filter(r -> r.statusCode() < 300).toList();
        assertThat(answers).allSatisfy(r -> assertThat(r.statusCode()).as(r.body()).isIn(200, 201, 409));
        assertThat(placed).isNotEmpty();
        assertThat(placed.stream().map(r -> StoreUnderTest.json(r.body()).get("id").asLong()).distinct()).hasSize(1);
        assertThat(a.count("SELECT COUNT(*) FROM orders WHERE idempotency_key = 'race-across'")).isEqualTo(1);
    }

    @Test
    void failedSignInsSpreadOverBothInstancesAddUpToOneBound() {
        String email = "spread@example.com";
        assertThat(anonymousPost(a, "/api/accounts", "{\"email\":\"" + email
                + "\",\"password\":\"correct horse battery\",\"name\":\"Spread\"}")).isEqualTo(201);
        String wrong = "{\"email\":\"" + email + "\",\"password\":\"not the password\"}";
        for (int i = 0; i < 5; i++) { // the bound: 5 failures per account and window (the default)
            assertThat(anonymousPost(i % 2 == 0 ? a : b, "/api/sessions", wrong)).isEqualTo(401);
        }

        String right = "{\"email\":\"" + email + "\",\"password\":\"correct horse battery\"}";
        assertThat(anonymousPost(a, "/api/sessions", right)).isEqualTo(429);
        assertThat(anonymousPost(b, "/api/sessions", right)).isEqualTo(429);
    }

    private static int anonymousPost(StoreUnderTest store, String path, String json) {
        return store.send(HttpRequest.newBuilder(store.uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static double gauge(StoreUnderTest store, String name) {
        return store.service().keel().metrics().find(name).gauge().value();
    }

    /** Ends the backends of every order event listener (both instances'), as a database failover would. */
    private int terminateListeners() throws Exception {
        try (Connection admin = DriverManager.getConnection(a.dbUrl(), "postgres", "");
             PreparedStatement kill = admin.prepareStatement("SELECT COUNT(pg_terminate_backend(pid))"
                     + " FROM pg_stat_activity WHERE application_name = ?")) {
            kill.setString(1, OrderEventListener.APPLICATION_NAME);
            try (ResultSet rows = kill.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }
}
