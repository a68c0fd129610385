package io.keel.runtime;

import io.keel.runtime.config.Settings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Shutdown with kept-alive clients (the rolling-reload case: several workers share a port with SO_REUSEPORT): once
 * draining, the listener keeps serving, every response says {@code Connection: close}, and it closes as soon as the
 * clients have left, not after the whole connection drain. Over raw sockets, so the headers are seen as sent.
 */
class ConnectionDrainHttpTest {
    @TempDir
    Path dataDir;
    private Keel keel;
    private final List<Socket> sockets = new ArrayList<>();

    private void start(String connectionDrain) {
        start(connectionDrain, "1s", "5s");
    }

    private void start(String connectionDrain, String stopRequestWait, String shutdownGrace) {
        keel = Keel.create(KeelConfig.from(Settings.of(Map.of("port", "0", "host", "127.0.0.1",
                "data-dir", dataDir.toString(), "connection-drain", connectionDrain,
                "stop-request-wait", stopRequestWait, "shutdown-grace", shutdownGrace))));
        keel.routes(r -> r.get("/hello", (req, res) -> res.send("hi")));
        keel.start();
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        keel.close();
    }

    private Socket open() throws IOException {
        Socket socket = new Socket("127.0.0.1", keel.port());
        socket.setSoTimeout(15_000);
        sockets.add(socket);
        return socket;
    }

    /** Sends one keep-alive GET and returns the response's head (status line and headers), lower case. */
    private static String get(Socket socket) throws IOException {
        socket.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after " + head.size() + " bytes of the response head");
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
        int length = Integer.parseInt(text.replaceAll("(?s).*content-length: *(\\d+).*", "$1"));
        assertThat(in.readNBytes(length)).hasSize(length);
        return text;
    }

    /** Connections the service listener accepted and handed to its HTTP/1 handling. */
    private double acceptedConnections() {
        return keel.metrics().get("keel.http.connections.active").tag("listener", "service").gauge().value();
    }

    private static boolean refusesConnections(int port) throws IOException {
        try (Socket probe = new Socket("127.0.0.1", port)) {
            return false;
        } catch (ConnectException e) {
            return true;
        }
    }

    private CompletableFuture<Void> closeInBackground() {
        CompletableFuture<Void> closed = CompletableFuture.runAsync(keel::close);
        await().atMost(Duration.ofSeconds(10)).until(keel.health()::isDraining);
        return closed;
    }

    @Test
    void aKeptAliveConnectionIsServedWhileDrainingAndAskedToClose() throws Exception {
        start("60s");
        Socket client = open();
        assertThat(get(client)).startsWith("http/1.1 200").doesNotContain("connection: close");

        CompletableFuture<Void> closed = closeInBackground();

        assertThat(get(client)).startsWith("http/1.1 200").contains("connection: close");
        assertThat(closed).isNotDone();
        client.close();
        // Far less than the 60 s connection drain: it ends once no connection is open.
        closed.get(30, TimeUnit.SECONDS);
    }

    @Test
    void whileDrainingTheListenerStillAcceptsAndServesANewConnection() throws Exception {
        start("60s");
        Socket idle = open();
        get(idle);
        CompletableFuture<Void> closed = closeInBackground();

        Socket late = open();

        assertThat(get(late)).startsWith("http/1.1 200").contains("connection: close");
        late.close();
        idle.close();
        closed.get(30, TimeUnit.SECONDS);
    }

    @Test
    void anIdleConnectionHoldsTheListenerOnlyForTheConnectionDrain() throws Exception {
        start("500ms");
        Socket idle = open();
        get(idle);

        CompletableFuture<Void> closed = closeInBackground();

        closed.get(30, TimeUnit.SECONDS);
        assertThat(idle.getInputStream().read()).as("closed by the server after the drain").isEqualTo(-1);
    }

    @Test
    void aHookBeforeTheListenerClosesKeepsItAcceptingUntilItReturns() throws Exception {
        start("0s");
        CountDownLatch successorListens = new CountDownLatch(1);
        CountDownLatch hookRuns = holdListenerUntil(successorListens);
        CompletableFuture<Void> closed = closeInBackground();
        assertThat(hookRuns.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(get(open())).as("a new connection while the hook waits").startsWith("http/1.1 200");
        assertThat(closed).isNotDone();

        successorListens.countDown();
        closed.get(30, TimeUnit.SECONDS);
    }

    /**
     * Registers a hook that keeps the listener open (as the H2 hand-over does while the successor starts) until
     * {@code release} counts down; the returned latch counts down once the hook runs.
     */
    private CountDownLatch holdListenerUntil(CountDownLatch release) {
        CountDownLatch hookRuns = new CountDownLatch(1);
        keel.beforeListenerCloses(() -> {
            hookRuns.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return hookRuns;
    }

    /**
     * The race of a hand-over: while the hook waits, the listener still accepts; a client connected then sends its
     * request as the server stops. Helidon's stop alone closed such a connection without a byte of an answer.
     */
    @Test
    void aConnectionAcceptedWhileTheHookWaitsIsServedWhenItsRequestArrivesAfterTheListenerClosed() throws Exception {
        start("0s", "10s", "10s");
        int port = keel.port();
        CountDownLatch successorListens = new CountDownLatch(1);
        CountDownLatch hookRuns = holdListenerUntil(successorListens);
        CompletableFuture<Void> closed = closeInBackground();
        assertThat(hookRuns.await(10, TimeUnit.SECONDS)).isTrue();
        Socket late = open();
        await().atMost(Duration.ofSeconds(10)).until(() -> acceptedConnections() == 1);

        successorListens.countDown();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> refusesConnections(port));

        assertThat(get(late)).as("the request sent after the listener closed")
                .startsWith("http/1.1 200").contains("connection: close");
        late.close();
        closed.get(30, TimeUnit.SECONDS);
    }

    @Test
    void aConnectionThatNeverSendsItsRequestHoldsTheStopOnlyForTheStopRequestWait() throws Exception {
        start("0s", "200ms", "60s");
        Socket silent = open();
        await().atMost(Duration.ofSeconds(10)).until(() -> acceptedConnections() == 1);

        CompletableFuture<Void> closed = closeInBackground();

        // Far less than the 60 s grace period: the wait for its first request ran out and the server closed it.
        closed.get(30, TimeUnit.SECONDS);
        assertThat(silent.getInputStream().read()).as("closed by the server without an answer").isEqualTo(-1);
    }
}
