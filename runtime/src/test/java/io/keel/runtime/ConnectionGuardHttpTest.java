package io.keel.runtime;

import io.keel.runtime.config.Settings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Slow-header clients and connection floods: a request's line and headers must arrive within the header deadline
 * (else 408 and close, counted), and a listener holds at most max-connections (one more is refused with 503, counted).
 */
class ConnectionGuardHttpTest {
    private static final String TOKEN = "guard-test-token";
    @TempDir
    Path dataDir;
    private Keel keel;
    private final List<Socket> sockets = new ArrayList<>();

    private Keel start(String... settings) {
        Map<String, String> flags = new HashMap<>(Map.of("port", "0", "host", "127.0.0.1",
                "data-dir", dataDir.toString(), "admin-token", TOKEN));
        for (int i = 0; i < settings.length; i += 2) {
            flags.put(settings[i], settings[i + 1]);
        }
        keel = Keel.create(KeelConfig.from(Settings.of(flags)));
        keel.routes(r -> r.get("/hello", (req, res) -> res.send("hi")));
        return keel.start();
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        if (keel != null) {
            keel.close();
        }
    }

    private Socket open() throws IOException {
        Socket socket = new Socket("127.0.0.1", keel.port());
        socket.setSoTimeout(15_000);
        sockets.add(socket);
        return socket;
    }

    private static void write(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /**
     * Whether the server closed the connection: end of stream, or a reset when the client was still sending (the
     * kernel answers bytes that arrive after the close with RST, which a later read reports instead of EOF).
     */
    private static boolean closedByServer(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read() == -1;
        } catch (SocketException e) {
            return e.getMessage() != null && e.getMessage().contains("Connection reset");
        }
    }

    private double metric(String line) {
        String metrics = TestClient.of(keel.port()).get("/metrics", TOKEN).body();
        return metrics.lines().filter(l -> l.startsWith(line)).mapToDouble(l -> Double.parseDouble(
                l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void headersTrickledSlowerThanTheDeadlineGet408AndTheConnectionCloses() throws Exception {
        start("header-timeout", "300ms");
        Socket slow = open();
        write(slow, "GET /hello HTTP/1.1\r\nHost: x\r\n");
        long started = System.nanoTime();
        // one header line at a time, each well inside any per-read timeout, but together past the deadline
        Thread trickle = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < 50; i++) {
                    write(slow, "X-Slow-" + i + ": " + i + "\r\n");
                    Thread.sleep(100);
                }
            } catch (IOException | InterruptedException e) {
                // the server closed the connection: what this test wants
            }
        });
        RawResponse res = RawResponse.read(slow.getInputStream());
        assertThat(res.statusCode()).isEqualTo(408);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(res.headers().firstValue("Connection")).hasValue("close");
        assertThat(res.body()).contains("\"status\":408");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
        assertThat(closedByServer(slow)).isTrue();
        trickle.join(10_000);
        assertThat(metric("keel_http_header_timeouts_total{listener=\"service\"}")).isEqualTo(1);
    }

    @Test
    void aConnectionThatSendsNothingAfterItsFirstBytesIsClosedAtTheDeadline() throws Exception {
        start("header-timeout", "300ms");
        Socket idle = open();
        write(idle, "GET /hel");
        RawResponse res = RawResponse.read(idle.getInputStream());
        assertThat(res.statusCode()).isEqualTo(408);
        assertThat(idle.getInputStream().read()).isEqualTo(-1);
    }

    @Test
    void theDeadlineCoversEveryRequestOnAKeptAliveConnectionNotTheConnectionsLifetime() throws Exception {
        start("header-timeout", "1s");
        Socket socket = open();
        InputStream in = socket.getInputStream();
        for (int i = 0; i < 3; i++) {
            write(socket, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(RawResponse.read(in).statusCode()).isEqualTo(200);
            Thread.sleep(1300); // idle between requests does not count against the header deadline
        }
        write(socket, "GET /hello HTTP/1.1\r\nHost: x\r\n");
        assertThat(RawResponse.read(in).statusCode()).isEqualTo(408);
    }

    @Test
    void aServedRequestLeavesNoDeadlineBehindOnTheTimer() throws Exception {
        start("header-timeout", "30s");
        Socket socket = open();
        InputStream in = socket.getInputStream();
        for (int i = 0; i < 200; i++) {
            write(socket, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(RawResponse.read(in).statusCode()).isEqualTo(200);
        }
        for (int i = 0; i < 20; i++) {
            try (Socket once = new Socket("127.0.0.1", keel.port())) {
                once.setSoTimeout(5_000);
                write(once, "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                assertThat(RawResponse.read(once.getInputStream()).statusCode()).isEqualTo(200);
            }
        }
        // 220 deadlines were armed and cancelled; at most the /metrics request's own (and a closing one's) remain,
        // where a timer that kept cancelled tasks until they would fire (30 s) held all of them
        assertThat(metric("keel_http_header_deadlines_pending{listener=\"service\"}")).isLessThanOrEqualTo(3);
    }

    @Test
    void aKeptAliveConnectionIdleLongerThanTheIdleTimeoutIsClosedWithoutAnAnswer() throws Exception {
        start("idle-timeout", "1s", "header-timeout", "30s");
        Socket socket = open();
        write(socket, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(RawResponse.read(socket.getInputStream()).statusCode()).isEqualTo(200);
        assertThat(socket.getInputStream().read()).isEqualTo(-1);
        assertThat(metric("keel_http_header_timeouts_total{listener=\"service\"}")).isZero();
    }

    @Test
    void aRequestWhoseHeadersArriveInTimeIsServedEvenWhenItsHandlerTakesLonger() throws Exception {
        Keel k = Keel.create(KeelConfig.from(Settings.of(Map.of("port", "0", "host", "127.0.0.1",
                "data-dir", dataDir.toString(), "header-timeout", "1s"))));
        k.routes(r -> r.get("/slow", (req, res) -> {
            Thread.sleep(2500);
            res.send("done");
        }));
        keel = k.start();
        assertThat(TestClient.of(keel.port()).get("/slow").body()).isEqualTo("done");
    }

    @Test
    void aResponseStreamingLongerThanTheIdleTimeoutIsNotCutOff() throws Exception {
        Keel k = Keel.create(KeelConfig.from(Settings.of(Map.of("port", "0", "host", "127.0.0.1",
                "data-dir", dataDir.toString(), "idle-timeout", "1s"))));
        k.routes(r -> r.get("/stream", (req, res) -> {
            try (OutputStream out = res.outputStream()) {
                for (int i = 0; i < 20; i++) {
                    out.write(("chunk " + i + "\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    Thread.sleep(150);
                }
            }
        }));
        keel = k.start();
        String body = TestClient.of(keel.port()).get("/stream").body();
        assertThat(body).contains("chunk 0", "chunk 19");
    }

    @Test
    void connectionsPastTheBoundAreRefusedWith503AndRetryAfterWhileTheOthersKeepWorking() throws Exception {
        start("max-connections", "3");
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Socket s = open();
            write(s, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(RawResponse.read(s.getInputStream()).statusCode()).isEqualTo(200);
            held.add(s);
        }
        Socket extra = open();
        write(extra, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
        RawResponse refused = RawResponse.read(extra.getInputStream());
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(refused.body()).contains("3 connections open");

        write(held.get(0), "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(RawResponse.read(held.get(0).getInputStream()).statusCode()).isEqualTo(200);
        held.get(1).close();
        held.get(2).close();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            try (Socket again = new Socket("127.0.0.1", keel.port())) {
                again.setSoTimeout(5_000);
                write(again, "GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                        + "\r\nConnection: close\r\n\r\n");
                RawResponse metrics = RawResponse.read(again.getInputStream());
                assertThat(metrics.statusCode()).isEqualTo(200);
                assertThat(metrics.body()).contains("keel_http_connections_refused_total{listener=\"service\"} 1.0");
            }
        });
    }
}
