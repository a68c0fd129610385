package io.keel.runtime.stream;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Predicate;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class SseBroadcasterTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SseBroadcaster<String> hub = SseBroadcaster.create("test",
            new SseBroadcaster.Config(100, 16, Duration.ofMillis(100)), registry);
    private final HttpClient http = HttpClient.newHttpClient();
    private WebServer server;

    @BeforeEach
    void start() {
        server = WebServer.builder().port(0)
                .connectionOptions(o -> o.socketSendBufferSize(8192))
                .routing(r -> r.get("/events", this::events)).build().start();
    }

    @AfterEach
    void stop() {
        hub.close();
        server.stop();
        http.close();
    }

    /** The route a service would write: admin sees all, anyone else only events about themselves. */
    private void events(ServerRequest req, ServerResponse res) {
        String user = req.headers().first(HeaderNames.create("X-User")).orElse("admin");
        Predicate<String> filter = user.equals("admin") ? subject -> true : user::equals;
        OptionalLong lastId = SseBroadcaster.parseLastEventId(req.headers().first(HeaderNames.create("Last-Event-ID")));
        hub.stream(res, hub.subscribe(filter, lastId));
    }

    @Test
    void subscriberReceivesEventsPublishedAfterConnectingInIdOrder() throws Exception {
        Lines client = connect();
        await().atMost(WAIT).until(() -> hub.clients() == 1);
        hub.publish("order", "{\"n\":1}", "alice");
        hub.publish("order", "{\"n\":2}", "bob");
        hub.publish("order", "{\"n\":3}", "alice");

        await().atMost(WAIT).until(() -> client.ids().size() == 3);
        assertThat(client.ids()).containsExactly(1L, 2L, 3L);
        assertThat(client.lines).contains("event: order", "data: {\"n\":2}");
        assertThat(client.contentType).startsWith("text/event-stream");
        assertThat(client.cacheControl).isEqualTo("no-store");
    }

    @Test
    void lastEventIdResumesExactlyAfterThatIdThenGoesLive() throws Exception {
        for (int i = 1; i <= 5; i++) {
            hub.publish("order", "{}", "alice");
        }
        Lines client = connect("Last-Event-ID", "3");
        await().atMost(WAIT).until(() -> hub.clients() == 1);
        hub.publish("order", "{}", "alice");

        await().atMost(WAIT).until(() -> client.ids().size() == 3);
        assertThat(client.ids()).containsExactly(4L, 5L, 6L);
    }

    @Test
    void aCustomerSeesOnlyOwnEventsInReplayAndLive() throws Exception {
        hub.publish("order", "{}", "alice");
        hub.publish("order", "{}", "bob");
        Lines alice = connect("X-User", "alice", "Last-Event-ID", "0");
        await().atMost(WAIT).until(() -> hub.clients() == 1);
        hub.publish("order", "{}", "bob");
        hub.publish("order", "{}", "alice");

        await().atMost(WAIT).until(() -> alice.ids().size() == 2);
        assertThat(alice.ids()).containsExactly(1L, 4L);
    }

    @Test
    void aNonReadingClientIsDroppedWhileAReadingClientReceivesEverything() throws Exception {
        String data = "{\"pad\":\"" + "x".repeat(2000) + "\"}";
        try (Socket stuck = RawHttp.connect(server.port(), 4096)) {
            RawHttp.send(stuck, RawHttp.get("/events"));
            Lines reader = connect();
            await().atMost(WAIT).until(() -> hub.clients() == 2);

            // Publish in small bursts and let the reader catch up: only the stuck client may fall behind.
            for (int burst = 0; burst < 500 && droppedCount() == 0; burst++) {
                for (int i = 0; i < 8; i++) {
                    hub.publish("order", data, "alice");
                }
                await().atMost(WAIT).until(() -> reader.ids().size() == hub.lastId());
            }
            hub.publish("order", data, "alice");

            assertThat(droppedCount()).isEqualTo(1);
            await().atMost(WAIT).until(() -> reader.ids().size() == hub.lastId());
            assertThat(reader.ids()).containsExactlyElementsOf(LongStream.rangeClosed(1, hub.lastId()).boxed().toList());
            assertThat(hub.clients()).isEqualTo(1);
            assertThat(registry.get("keel.sse.clients").tag("stream", "test").gauge().value()).isEqualTo(1);
            assertThat(serverClosed(stuck)).as("server closed the stuck client's connection").isTrue();
        }
    }

    @Test
    void idleConnectionsGetKeepaliveComments() throws Exception {
        Lines client = connect();
        await().atMost(WAIT).until(() -> client.lines.contains(": keepalive"));
    }

    @Test
    void aDisconnectedClientIsRemoved() throws Exception {
        try (Socket socket = RawHttp.connect(server.port(), 64 * 1024)) {
            RawHttp.send(socket, RawHttp.get("/events"));
            await().atMost(WAIT).until(() -> hub.clients() == 1);
            socket.setSoLinger(true, 0);
        }
        await().atMost(WAIT).until(() -> hub.clients() == 0);
    }

    @Test
    void publisherDropsAFullQueueWithoutBlocking() {
        SseSubscription<String> idle = hub.subscribe(s -> true, OptionalLong.empty());
        for (int i = 0; i < 17; i++) {
            hub.publish("order", "{}", "alice");
        }
        assertThat(idle.dropped()).isTrue();
        assertThat(hub.clients()).isZero();
        assertThat(droppedCount()).isEqualTo(1);
    }

    @Test
    void replayRingKeepsOnlyTheNewestEvents() {
        SseBroadcaster<String> small = SseBroadcaster.create("small",
                new SseBroadcaster.Config(3, 16, Duration.ofSeconds(1)), registry);
        for (int i = 0; i < 5; i++) {
            small.publish("order", "{}", "alice");
        }
        assertThat(small.subscribe(s -> true, OptionalLong.of(0)).replay()).extracting(SseEvent::id)
                .containsExactly(3L, 4L, 5L);
        assertThat(small.subscribe(s -> true, OptionalLong.of(99)).replay()).isEmpty();
        assertThat(registry.get("keel.sse.replay.events").tag("stream", "small").gauge().value()).isEqualTo(3);
    }

    @Test
    void aFedHubReplaysFromItsHistoryUpToWhereLiveEventsTakeOverFilteredAndBounded() {
        List<long[]> asked = new ArrayList<>();
        SseBroadcaster<String> fed = SseBroadcaster.create("fed", new SseBroadcaster.Config(3, 16,
                Duration.ofSeconds(1)), registry, (after, upTo) -> {
                    asked.add(new long[] {after, upTo});
                    return LongStream.rangeClosed(after + 1, upTo).mapToObj(id -> new SseBroadcaster.Past<>(id,
                            "order", "{\"n\":" + id + "}", id % 2 == 0 ? "alice" : "bob")).toList();
                });
        fed.advanceTo(10); // the feed's position at start: ids 1..10 are history

        SseSubscription<String> alice = fed.subscribe("alice"::equals, OptionalLong.of(5));
        SseSubscription<String> everyone = fed.subscribe(s -> true, OptionalLong.of(1));
        fed.publish(11, "order", "{}", "alice");

        assertThat(alice.replay()).extracting(SseEvent::id).containsExactly(8L, 10L); // the last 3 ids: 8, 9, 10
        assertThat(everyone.replay()).extracting(SseEvent::id).containsExactly(8L, 9L, 10L);
        assertThat(asked).extracting(range -> range[1]).containsOnly(10L); // 11 comes live, not from history
        assertThat(alice.queue()).extracting(SseEvent::id).containsExactly(11L);
        assertThat(fed.subscribe(s -> true, OptionalLong.empty()).replay()).isEmpty();
    }

    @Test
    void aClientResumingFromAProcessFurtherAheadInTheFeedDoesNotGetItsEventsAgain() throws Exception {
        SseBroadcaster<String> fed = SseBroadcaster.create("fed-behind", new SseBroadcaster.Config(10, 16,
                Duration.ofMillis(100)), registry, (after, upTo) -> List.of());
        fed.advanceTo(5); // this process has read the feed up to 5; the client saw up to 7 elsewhere
        SseSubscription<String> client = fed.subscribe(s -> true, OptionalLong.of(7));
        WebServer other = WebServer.builder().port(0).routing(r -> r.get("/events", (req, res) ->
                fed.stream(res, client))).build().start();
        try {
            for (long id = 6; id <= 9; id++) {
                fed.publish(id, "order", "{}", "alice"); // queued for the client until it streams
            }
            HttpResponse<Stream<String>> res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + other.port() + "/events")).build(), HttpResponse.BodyHandlers.ofLines());
            List<String> ids = new ArrayList<>();
            try (Stream<String> lines = res.body()) {
                lines.filter(line -> line.startsWith("id: ")).takeWhile(id -> ids.add(id) && !id.equals("id: 9"))
                        .forEach(id -> { });
            }

            assertThat(ids).containsExactly("id: 8", "id: 9");
        } finally {
            fed.close();
            other.stop();
        }
    }

    @Test
    void aFedHubIgnoresAnEventItAlreadyPublishedSoEveryClientGetsEachOnceInOrder() {
        SseBroadcaster<String> fed = SseBroadcaster.create("fed-once", new SseBroadcaster.Config(10, 16,
                Duration.ofSeconds(1)), registry, (after, upTo) -> List.of());
        SseSubscription<String> client = fed.subscribe(s -> true, OptionalLong.empty());

        assertThat(fed.publish(4, "order", "{}", "alice")).isTrue();
        assertThat(fed.publish(4, "order", "{}", "alice")).isFalse();
        assertThat(fed.publish(3, "order", "{}", "alice")).isFalse();
        assertThat(fed.publish(7, "order", "{}", "alice")).isTrue();
        fed.advanceTo(5); // never backwards

        assertThat(client.queue()).extracting(SseEvent::id).containsExactly(4L, 7L);
        assertThat(fed.lastId()).isEqualTo(7);
    }

    @Test
    void multiLineDataBecomesSeveralDataLines() {
        assertThat(new String(SseBroadcaster.frame(7, "order", "a\nb\r\nc\rd"), StandardCharsets.UTF_8))
                .isEqualTo("id: 7\nevent: order\ndata: a\ndata: b\ndata: c\ndata: d\n\n");
    }

    @Test
    void badInputIsRejectedOrIgnored() {
        assertThatThrownBy(() -> hub.publish("bad\nname", "{}", "a")).hasMessageContaining("event name");
        assertThatThrownBy(() -> new SseBroadcaster.Config(10, 0, Duration.ofSeconds(1)))
                .hasMessageContaining("clientQueueSize");
        assertThatThrownBy(() -> new SseBroadcaster.Config(10, 10, Duration.ofSeconds(16)))
                .hasMessageContaining("heartbeat");
        assertThat(SseBroadcaster.parseLastEventId(Optional.of("abc"))).isEmpty();
        assertThat(SseBroadcaster.parseLastEventId(Optional.of("-1"))).isEmpty();
        assertThat(SseBroadcaster.parseLastEventId(Optional.of(" 42 "))).hasValue(42);
    }

    private double droppedCount() {
        return registry.get("keel.sse.dropped").tag("stream", "test").counter().count();
    }

    private static boolean serverClosed(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[64 * 1024];
        try {
            while (in.read(buffer) >= 0) {
                // drain what the kernel still holds
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by the server
        }
    }

    private Lines connect(String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/events"));
        if (headers.length > 0) {
            request.headers(headers);
        }
        HttpResponse<Stream<String>> response = http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
        return new Lines(response);
    }

    /** Collects an SSE response's lines on a virtual thread. */
    private static final class Lines {
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final String contentType;
        final String cacheControl;

        Lines(HttpResponse<Stream<String>> response) {
            contentType = response.headers().firstValue("Content-Type").orElse("");
            cacheControl = response.headers().firstValue("Cache-Control").orElse("");
            Thread.ofVirtual().start(() -> response.body().forEach(lines::add));
        }

        List<Long> ids() {
            return lines.stream().filter(l -> l.startsWith("id: ")).map(l -> Long.parseLong(l.substring(4))).toList();
        }
    }
}
