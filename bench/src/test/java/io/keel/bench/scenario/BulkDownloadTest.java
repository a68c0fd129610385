package io.keel.bench.scenario;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The download client against a real HTTP server: sized, chunked and cut-off bodies, and the status. */
class BulkDownloadTest {
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
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private BulkDownload.Result get(String path, ByteArrayOutputStream into) throws IOException {
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
        return BulkDownload.get(uri, "Bearer t0k", Duration.ofSeconds(10), (bytes, n) -> into.write(bytes, 0, n));
    }

    @Test
    void aSizedAndAChunkedBodyArriveWhole() throws IOException {
        ByteArrayOutputStream sized = new ByteArrayOutputStream();
        ByteArrayOutputStream chunked = new ByteArrayOutputStream();

        assertThat(get("/sized", sized)).isEqualTo(new BulkDownload.Result(200, BODY.length));
        assertThat(get("/chunked", chunked)).isEqualTo(new BulkDownload.Result(200, BODY.length));
        assertThat(sized.toByteArray()).isEqualTo(BODY);
        assertThat(chunked.toByteArray()).isEqualTo(BODY);
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

            assertThatThrownBy(() -> BulkDownload.get(uri, "Bearer t0k", Duration.ofSeconds(10), (bytes, n) -> { }))
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

            assertThatThrownBy(() -> BulkDownload.get(uri, "Bearer t0k", Duration.ofMillis(300), (bytes, n) -> { }))
                    .as("without the idle limit the read waits the server's 10 s, then reports a short body")
                    .isInstanceOf(SocketTimeoutException.class);
        }
    }
}
