package io.keel.bench.load;

import io.keel.bench.BenchException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Http1ClientTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final Http1Client client = Http1Client.create();
    private ScriptedServer server;

    @AfterEach
    void stop() throws IOException {
        client.close();
        if (server != null) {
            server.close();
        }
    }

    @Test
    void sendsMethodTargetHostHeadersAndBodyAndReadsAContentLengthAnswer() throws Exception {
        server = new ScriptedServer((req, out) -> ScriptedServer.answer(out, "200 OK", "Content-Length: 5\r\n", "hello"));
        HttpRequest post = HttpRequest.newBuilder(server.uri("/api/orders?x=1&y=%20"))
                .header("Authorization", "Bearer t").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}")).build();

        Http1Client.Answer a = client.send(post, TIMEOUT, true);

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body()).isEqualTo("hello");
        ScriptedServer.Request seen = server.requests.poll();
        assertThat(seen.line()).isEqualTo("POST /api/orders?x=1&y=%20 HTTP/1.1");
        assertThat(seen.headers()).contains("host: 127.0.0.1:" + server.port(), "authorization: Bearer t",
                "content-type: application/json", "content-length: 7");
        assertThat(seen.body()).isEqualTo("{\"a\":1}");
    }

    @Test
    void readsChunkedAndCloseDelimitedBodiesAndSkipsInterimAnswers() throws Exception {
        AtomicInteger n = new AtomicInteger();
        server = new ScriptedServer((req, out) -> {
            switch (n.getAndIncrement()) {
                case 0 -> ScriptedServer.answer(out, "200 OK", "Transfer-Encoding: chunked\r\n",
                        "3;ext=1\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nX-Trailer: 1\r\n\r\n");
                case 1 -> {
                    out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    ScriptedServer.answer(out, "201 Created", "Content-Length: 2\r\n", "ok");
                }
                default -> {
                    ScriptedServer.answer(out, "200 OK", "Connection: close\r\n", "until the end");
                    return false;
                }
            }
            return true;
        });
        HttpRequest get = HttpRequest.newBuilder(server.uri("/x")).build();

        assertThat(client.send(get, TIMEOUT, true)).isEqualTo(new Http1Client.Answer(200, "abc0123456789abcdef"));
        assertThat(client.send(get, TIMEOUT, true)).isEqualTo(new Http1Client.Answer(201, "ok"));
        assertThat(client.send(get, TIMEOUT, true)).isEqualTo(new Http1Client.Answer(200, "until the end"));
        assertThat(server.accepted.get()).as("the first two answers left the connection open").isEqualTo(1);
        assertThat(client.idle()).as("the closed one is not kept").isZero();
        assertThat(client.send(get, TIMEOUT, false).body()).as("body not kept unless asked").isNull();
        assertThat(server.accepted.get()).isEqualTo(2);
    }

    @Test
    void aGetOnAConnectionTheServerClosedWhileIdleIsSentAgainButAPostFails() throws Exception {
        server = new ScriptedServer((req, out) -> {
            ScriptedServer.answer(out, "200 OK", "Content-Length: 2\r\n", "ok");
            return false; // closes after each answer without saying so: the pooled connection is stale
        });
        HttpRequest get = HttpRequest.newBuilder(server.uri("/x")).build();
        HttpRequest post = HttpRequest.newBuilder(server.uri("/x"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        assertThat(client.send(get, TIMEOUT, true).status()).isEqualTo(200);
        server.awaitClosed(1);

        assertThat(client.send(get, TIMEOUT, true).status()).isEqualTo(200);
        assertThat(server.requests).as("the stale connection carried no request the server saw").hasSize(2);
        server.awaitClosed(2);
        assertThatThrownBy(() -> client.send(post, TIMEOUT, true)).isInstanceOf(IOException.class);
        assertThat(server.requests).as("the POST was not sent a second time").hasSize(2);
    }

    @Test
    void anAnswerSlowerThanTheTimeoutIsATimeoutAndARefusedConnectionAConnectError() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        server = new ScriptedServer((req, out) -> {
            release.await(10, TimeUnit.SECONDS);
            return false;
        });
        HttpRequest slow = HttpRequest.newBuilder(server.uri("/slow")).timeout(Duration.ofMillis(200)).build();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> client.send(slow, TIMEOUT, false)).isInstanceOf(HttpTimeoutException.class)
                .satisfies(e -> assertThat(ErrorKind.ofException(e)).isEqualTo(ErrorKind.TIMEOUT));
        assertThat((System.nanoTime() - t0) / 1e6).as("the request's own timeout wins").isLessThan(3_000);
        release.countDown();

        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        HttpRequest refused = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + closedPort + "/")).build();
        assertThatThrownBy(() -> client.send(refused, TIMEOUT, false)).isInstanceOf(ConnectException.class)
                .satisfies(e -> assertThat(ErrorKind.ofException(e)).isEqualTo(ErrorKind.CONNECT));
    }

    @Test
    void spreadsRequestsOverEveryIdleConnectionOldestFirst() throws Exception {
        CountDownLatch four = new CountDownLatch(4);
        server = new ScriptedServer((req, out) -> {
            four.countDown();
            four.await(10, TimeUnit.SECONDS); // the first four overlap: four connections
            return ScriptedServer.answer(out, "200 OK", "Content-Length: 0\r\n", "");
        });
        HttpRequest get = HttpRequest.newBuilder(server.uri("/x")).build();
        List<Thread> burst = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            burst.add(Thread.ofVirtual().start(() -> {
                try {
                    client.send(get, TIMEOUT, false);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
        for (Thread t : burst) {
            t.join();
        }
        server.requests.clear();

        for (int i = 0; i < 8; i++) {
            assertThat(client.send(get, TIMEOUT, false).status()).isEqualTo(200);
        }

        assertThat(server.accepted.get()).isEqualTo(4);
        // One after another, each request takes the connection idle longest: every connection carries two.
        assertThat(server.requests.stream().mapToInt(ScriptedServer.Request::connection).sorted().toArray())
                .containsExactly(1, 1, 2, 2, 3, 3, 4, 4);
    }

    @Test
    void keepsAtMostMaxIdleConnectionsAfterABurst() throws Exception {
        CountDownLatch all = new CountDownLatch(20);
        server = new ScriptedServer((req, out) -> {
            all.countDown();
            all.await(10, TimeUnit.SECONDS); // 20 requests in flight at once: 20 connections
            ScriptedServer.answer(out, "200 OK", "Content-Length: 0\r\n", "");
            return true;
        });
        try (Http1Client small = new Http1Client(Duration.ofSeconds(2), 4, Duration.ofSeconds(30))) {
            HttpRequest get = HttpRequest.newBuilder(server.uri("/x")).build();
            List<Thread> threads = new ArrayList<>();
            ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
            for (int i = 0; i < 20; i++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        statuses.add(small.send(get, TIMEOUT, false).status());
                    } catch (IOException e) {
                        statuses.add(-1);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(statuses).hasSize(20).containsOnly(200);
            assertThat(small.opened()).isEqualTo(20);
            assertThat(small.idle()).isEqualTo(4);
            server.awaitClosed(16);
        }
    }

    @Test
    void sendsBodiesOfKnownAndUnknownLengthWhole() throws Exception {
        server = new ScriptedServer((req, out) -> ScriptedServer.answer(out, "200 OK", "Content-Length: 0\r\n", ""));
        byte[] big = new byte[300_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) ('a' + i % 26);
        }
        HttpRequest known = HttpRequest.newBuilder(server.uri("/k"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)).build();
        HttpRequest unknown = HttpRequest.newBuilder(server.uri("/u")).POST(HttpRequest.BodyPublishers
                .ofInputStream(() -> new java.io.ByteArrayInputStream("streamed".getBytes()))).build();

        assertThat(client.send(known, TIMEOUT, false).status()).isEqualTo(200);
        assertThat(client.send(unknown, TIMEOUT, false).status()).isEqualTo(200);

        assertThat(server.requests.poll().body()).isEqualTo(new String(big, StandardCharsets.UTF_8));
        ScriptedServer.Request streamed = server.requests.poll();
        assertThat(streamed.headers()).contains("content-length: 8");
        assertThat(streamed.body()).isEqualTo("streamed");
    }

    @Test
    void refusesAnythingButPlainHttpAndBadBoundsWithAClearMessage() {
        HttpRequest tls = HttpRequest.newBuilder(URI.create("https://127.0.0.1:1/")).build();
        assertThatThrownBy(() -> client.send(tls, TIMEOUT, false)).isInstanceOf(BenchException.class)
                .hasMessageContaining("plain http");
        assertThatThrownBy(() -> new Http1Client(TIMEOUT, -1, TIMEOUT)).isInstanceOf(BenchException.class);
    }

    @Test
    void aMalformedAnswerIsAnIoErrorAndTheConnectionIsNotReused() throws Exception {
        AtomicInteger n = new AtomicInteger();
        server = new ScriptedServer((req, out) -> {
            if (n.getAndIncrement() == 0) {
                out.write("SMTP ready\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                return true;
            }
            ScriptedServer.answer(out, "200 OK", "Content-Length: 0\r\n", "");
            return true;
        });
        HttpRequest get = HttpRequest.newBuilder(server.uri("/x")).build();
        assertThatThrownBy(() -> client.send(get, TIMEOUT, false)).isInstanceOf(IOException.class)
                .hasMessageContaining("status line")
                .satisfies(e -> assertThat(ErrorKind.ofException(e)).isEqualTo(ErrorKind.IO));
        assertThat(client.send(get, TIMEOUT, false).status()).isEqualTo(200);
        assertThat(server.accepted.get()).isEqualTo(2);
    }
}
