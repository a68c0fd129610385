package io.keel.bench.scenario;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bulk client against a real HTTP server: downloads of sized, chunked and cut-off bodies, uploads that arrive
 * whole, refusals, and the status.
 */
class BulkHttpTest {
    private static final byte[] BODY = new byte[3 * 1024 * 1024 + 17];

    private HttpServer server;

    @BeforeEach
    void start() throws IOException {
        new Random(5).nextBytes(BODY);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/sized", x -> {
            x.sendResponseHeaders(200, BODY.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(BODY);
            }
        });
        server.createContext("/chunked", x -> {
            x.sendResponseHeaders(200, 0); // 0: chunked transfer encoding
            try (OutputStream out = x.getResponseBody()) {
                for (int at = 0; at < BODY.length; at += 100_000) {
                    out.write(BODY, at, Math.min(100_000, BODY.length - at));
                    out.flush();
                }
            }
        });
        server.createContext("/auth", x -> {
            byte[] echo = x.getRequestHeaders().getFirst("Authorization").getBytes();
            x.sendResponseHeaders(401, echo.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(echo);
            }
        });
        server.createContext("/digest", x -> {
            MessageDigest md = GeneratedBytes.digest();
            byte[] buf = new byte[8192];
            long n = 0;
            try (InputStream in = x.getRequestBody()) {
                for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
                    md.update(buf, 0, r);
                    n += r;
                }
            }
            byte[] answer = (n + " " + x.getRequestHeaders().getFirst("X-Checksum-SHA256") + " "
                    + HexFormat.of().formatHex(md.digest())).getBytes(StandardCharsets.US_ASCII);
            x.sendResponseHeaders(201, answer.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private BulkHttp.Result get(String path, ByteArrayOutputStream into) throws IOException {
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
        return BulkHttp.get(uri, "Bearer t0k", Duration.ofSeconds(10), (bytes, n) -> into.write(bytes, 0, n));
    }

    @Test
    void aSizedAndAChunkedBodyArriveWhole() throws IOException {
        ByteArrayOutputStream sized = new ByteArrayOutputStream();
        ByteArrayOutputStream chunked = new ByteArrayOutputStream();

        assertThat(get("/sized", sized)).isEqualTo(new BulkHttp.Result(200, BODY.length));
        assertThat(get("/chunked", chunked)).isEqualTo(new BulkHttp.Result(200, BODY.length));
        assertThat(sized.toByteArray()).isEqualTo(BODY);
        assertThat(chunked.toByteArray()).isEqualTo(BODY);
    }

    @Test
    void anUploadArrivesWholeWithItsHeadersAndTheAnswerComesBack() throws IOException {
        long size = 5L * 1024 * 1024 + 3; // more than one 1 MiB write, and not a multiple of it
        String sha = GeneratedBytes.sha256(size);
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/digest");

        BulkHttp.Result r = BulkHttp.post(uri, Map.of("X-Checksum-SHA256", sha), size, new GeneratedBytes(size),
                Duration.ofSeconds(10), (bytes, n) -> answer.write(bytes, 0, n));

        assertThat(r.status()).isEqualTo(201);
        assertThat(answer.toString(StandardCharsets.US_ASCII)).isEqualTo(size + " " + sha + " " + sha);
    }

    @Test
    void aServiceThatRefusesBeforeReadingTheBodyGivesItsAnswerAndOneThatJustClosesAnError() throws Exception {
        try (ServerSocket refuse = new ServerSocket(0, 2, InetAddress.getLoopbackAddress())) {
            String[] answers = {"HTTP/1.1 413 Content Too Large\r\nContent-Length: 3\r\n\r\nbig", ""};
            Thread.ofVirtual().start(() -> {
                for (String answer : answers) {
                    try (Socket client = refuse.accept()) {
                        client.getInputStream().read(new byte[4096]);
                        client.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
                        client.shutdownOutput();
                        Thread.sleep(300); // the client is still sending when the connection closes
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            URI uri = URI.create("http://127.0.0.1:" + refuse.getLocalPort() + "/uploads");
            long size = 256L * 1024 * 1024; // far more than the socket buffers take
            ByteArrayOutputStream answer = new ByteArrayOutputStream();

            BulkHttp.Result refused = BulkHttp.post(uri, Map.of(), size, new GeneratedBytes(size),
                    Duration.ofSeconds(10), (bytes, n) -> answer.write(bytes, 0, n));

            assertThat(refused).isEqualTo(new BulkHttp.Result(413, 3));
            assertThat(answer.toString(StandardCharsets.US_ASCII)).isEqualTo("big");
            assertThatThrownBy(() -> BulkHttp.post(uri, Map.of(), size, new GeneratedBytes(size),
                    Duration.ofSeconds(10), (bytes, n) -> { })).isInstanceOf(IOException.class);
        }
    }

    @Test
    void theStatusAndTheAuthorizationHeaderPassThrough() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();

        assertThat(get("/auth", body).status()).isEqualTo(401);
        assertThat(body.toString()).isEqualTo("Bearer t0k");
    }

    @Test
    void aBodyShorterThanItsContentLengthIsAnError() throws Exception {
        try (ServerSocket cut = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket client = cut.accept()) {
                    client.getInputStream().read(new byte[4096]);
                    OutputStream out = client.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.write(BODY, 0, 1000); // then the connection ends, 4000 bytes short
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            URI uri = URI.create("http://127.0.0.1:" + cut.getLocalPort() + "/short");

            assertThatThrownBy(() -> BulkHttp.get(uri, "Bearer t0k", Duration.ofSeconds(10), (bytes, n) -> { }))
                    .isInstanceOf(IOException.class).hasMessageContaining("after 1000 of 5000 bytes");
        }
    }

    @Test
    void aServiceThatStopsSendingFailsTheDownloadAfterTheIdleTimeInsteadOfHanging() throws Exception {
        try (ServerSocket stall = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket client = stall.accept()) {
                    client.getInputStream().read(new byte[4096]);
                    OutputStream out = client.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.write(BODY, 0, 1000);
                    out.flush();
                    Thread.sleep(10_000); // then nothing, the connection still open
                } catch (IOException | InterruptedException e) {
                    // the client gave up first: expected
                }
            });
            URI uri = URI.create("http://127.0.0.1:" + stall.getLocalPort() + "/stall");

            assertThatThrownBy(() -> BulkHttp.get(uri, "Bearer t0k", Duration.ofMillis(300), (bytes, n) -> { }))
                    .as("without the idle limit the read waits the server's 10 s, then reports a short body")
                    .isInstanceOf(SocketTimeoutException.class);
        }
    }
}
