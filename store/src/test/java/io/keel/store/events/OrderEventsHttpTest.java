package io.keel.store.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.keel.store.http.StoreUnderTest;
import io.keel.store.http.StoreUnderTest.User;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /api/events} over real HTTP: live order events, who sees which, resumption, heartbeats, metrics. On H2
 * (in-process events) here; {@link OrderEventsPostgresTest} runs the same through the shared database feed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrderEventsHttpTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private StoreUnderTest store;
    private User alice;
    private User bob;

    @BeforeAll
    void startStore() {
        store = start(Map.of("seed-orders", "20", "sse-heartbeat", "200ms"));
        alice = store.newUser();
        bob = store.newUser();
    }

    protected StoreUnderTest start(Map<String, String> settings) {
        return StoreUnderTest.h2(settings);
    }

    @AfterAll
    void stopStore() {
        store.close();
    }

    private double clients() {
        return store.service().keel().metrics().find("keel.sse.clients").tag("stream", "orders").gauge().value();
    }

    /** Subscribes and waits for the server's first comment, sent once the subscription is registered. */
    private SseClient subscribe(String token, String... headers) throws InterruptedException {
        SseClient client = SseClient.open(store, token, headers);
        assertThat(client.status()).isEqualTo(200);
        assertThat(client.nextComment(WAIT)).isEqualTo(": connected");
        return client;
    }

    @Test
    void theOperatorReceivesEveryOrderPlacedAfterConnecting() throws InterruptedException {
        try (SseClient operator = subscribe(StoreUnderTest.OPERATOR_TOKEN)) {
            assertThat(operator.contentType()).startsWith("text/event-stream");
            JsonNode first = store.placeOrder(alice);
            JsonNode second = store.placeOrder(bob);

            SseClient.Event one = operator.next(WAIT);
            SseClient.Event two = operator.next(WAIT);

            assertThat(one.event()).isEqualTo("order");
            assertThat(StoreUnderTest.json(one.data())).isEqualTo(first);
            assertThat(StoreUnderTest.json(two.data())).isEqualTo(second);
            assertThat(two.id()).isGreaterThan(one.id());
        }
    }

    @Test
    void aCustomerSeesOnlyTheirOwnOrders() throws InterruptedException {
        try (SseClient aliceEvents = subscribe(alice.token())) {
            store.placeOrder(bob);
            JsonNode own = store.placeOrder(alice);

            SseClient.Event event = aliceEvents.next(WAIT);

            assertThat(StoreUnderTest.json(event.data()).get("id")).isEqualTo(own.get("id"));
            assertThat(aliceEvents.poll(Duration.ofMillis(300))).isEmpty();
        }
    }

    @Test
    void lastEventIdResumesAfterTheLastEventSeen() throws InterruptedException {
        long seen;
        try (SseClient first = subscribe(alice.token())) {
            store.placeOrder(alice);
            seen = first.next(WAIT).id();
        }
        JsonNode missed1 = store.placeOrder(alice);
        store.placeOrder(bob);
        JsonNode missed2 = store.placeOrder(alice);

        try (SseClient resumed = subscribe(alice.token(), "Last-Event-ID", Long.toString(seen))) {
            assertThat(StoreUnderTest.json(resumed.next(WAIT).data()).get("id")).isEqualTo(missed1.get("id"));
            assertThat(StoreUnderTest.json(resumed.next(WAIT).data()).get("id")).isEqualTo(missed2.get("id"));
            assertThat(resumed.poll(Duration.ofMillis(300))).isEmpty();
        }
    }

    @Test
    void anIdleStreamGetsHeartbeatComments() throws InterruptedException {
        try (SseClient idle = subscribe(bob.token())) {
            assertThat(idle.nextComment(WAIT)).isEqualTo(": keepalive");
            assertThat(idle.nextComment(WAIT)).isEqualTo(": keepalive");
        }
    }

    @Test
    void subscribersAreCountedAndLeaveTheCountWhenTheyDisconnect() throws InterruptedException {
        // Streams of earlier tests may still be counted until their next heartbeat shows them gone.
        await().atMost(WAIT).until(() -> clients() == 0);
        SseClient client = subscribe(alice.token());
        assertThat(clients()).isEqualTo(1);

        client.close();

        // The server notices a vanished client at its next write: at the latest the next heartbeat.
        await().atMost(WAIT).until(() -> clients() == 0);
    }

    @Test
    void withTheDefaultHeartbeatADisconnectedClientIsNoticedWithinSeconds() throws InterruptedException {
        try (StoreUnderTest plain = StoreUnderTest.h2(Map.of())) {
            User carol = plain.newUser();
            SseClient client = SseClient.open(plain, carol.token());
            assertThat(client.nextComment(WAIT)).isEqualTo(": connected");
            var gauge = plain.service().keel().metrics().find("keel.sse.clients").tag("stream", "orders").gauge();
            assertThat(gauge.value()).isEqualTo(1);

            client.close();

            // two default heartbeats (2 s each) and slack for a loaded machine; it was 30-45 s with 15 s heartbeats
            await().atMost(Duration.ofSeconds(10)).until(() -> gauge.value() == 0);
        }
    }

    @Test
    void stoppingTheStoreEndsOpenStreamsInsteadOfWaitingOutTheGracePeriod() throws InterruptedException {
        StoreUnderTest other = StoreUnderTest.h2(Map.of("shutdown-grace", "10s"));
        SseClient client = SseClient.open(other, other.newUser().token());
        assertThat(client.nextComment(WAIT)).isEqualTo(": connected");
        long started = System.nanoTime();

        other.close();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        client.close();
    }

    @Test
    void anonymousSubscribersAre401() {
        assertThat(store.get("/api/events", "nobody").statusCode()).isEqualTo(401);
    }
}
