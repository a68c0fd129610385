package io.keel.runtime.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class RowStreamWriterTest {
    private static final int BIG_ROWS = 100_000;
    private static final String PADDING = "x".repeat(80);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RowStreams streams = RowStreams.create(new RowStreams.Config(4096), registry);
    private final AtomicLong rowsWritten = new AtomicLong();
    private final BlockingQueue<Object> outcomes = new LinkedBlockingQueue<>();
    private final HttpClient client = HttpClient.newHttpClient();
    private WebServer server;

    @BeforeEach
    void start() {
        server = WebServer.builder().port(0)
                // A fixed small send buffer turns off kernel autotuning, so the bound below is about our code.
                .connectionOptions(o -> o.socketSendBufferSize(8192))
                .routing(r -> r.get("/csv", this::hostileCsv).get("/ndjson", this::ndjson).get("/big", this::big))
                .build().start();
    }

    @AfterEach
    void stop() {
        server.stop();
        client.close();
    }

    private void hostileCsv(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "text/csv");
        try (RowStreamWriter out = streams.open("test_export", res.outputStream());
             CsvRowWriter csv = CsvRowWriter.create(out, List.of("id", "note", "amount"))) {
            csv.row(1, "=HYPERLINK(\"http://evil\")", -5);
            csv.row(2, "+1,2", 3.5);
            csv.row(3, "-minus\r\nnext line", 0);
            csv.row(4, "@SUM(A1)", 10L);
            csv.row(5, "\tTab", true);
            csv.row(6, "\rCR", 1);
            csv.row(7, "plain", 2);
        }
    }

    private void ndjson(ServerRequest req, ServerResponse res) {
        try (RowStreamWriter out = streams.open("test_ndjson", res.outputStream());
             NdjsonRowWriter rows = NdjsonRowWriter.create(out, new ObjectMapper())) {
            for (int i = 1; i <= 3; i++) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("id", i);
                row.put("note", "line\n" + i);
                rows.row(row);
            }
        }
    }

    /** A cursor loop stand-in: produces rows as fast as the writer lets it. */
    private void big(ServerRequest req, ServerResponse res) {
        long limit = req.headers().first(HeaderNames.create("X-Rows")).map(Long::parseLong).orElse((long) BIG_ROWS);
        try (RowStreamWriter out = streams.open("test_big", res.outputStream());
             CsvRowWriter csv = CsvRowWriter.create(out, List.of("n", "pad"))) {
            for (long n = 0; n < limit; n++) {
                csv.row(n, PADDING);
                rowsWritten.incrementAndGet();
            }
            outcomes.add("done");
        } catch (ClientGoneException e) {
            outcomes.add(e);
        }
    }

    @Test
    void csvIsRfc4180QuotedAndFormulaCellsAreNeutralisedWhileNumbersStayNumbers() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri("/csv")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.body()).isEqualTo("""
                id,note,amount\r
                1,"'=HYPERLINK(""http://evil"")",-5\r
                2,"'+1,2",3.5\r
                3,"'-minus\r
                next line",0\r
                4,"'@SUM(A1)",10\r
                5,"'\tTab",true\r
                6,"'\rCR",1\r
                7,plain,2\r
                """);
        assertThat(registry.get("keel.stream.bytes").tag("stream", "test_export").counter().count())
                .isEqualTo(response.body().length());
        assertThat(registry.get("keel.streams.active").tag("stream", "test_export").gauge().value()).isZero();
    }

    @Test
    void ndjsonWritesOneObjectPerLine() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri("/ndjson")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.body()).isEqualTo("""
                {"id":1,"note":"line\\n1"}
                {"id":2,"note":"line\\n2"}
                {"id":3,"note":"line\\n3"}
                """);
    }

    @Test
    void aClientThatStopsReadingBlocksTheProducerUntilItReadsAgain() throws Exception {
        try (Socket socket = RawHttp.connect(server.port(), 4096)) {
            RawHttp.send(socket, RawHttp.get("/big"));

            long[] previous = {-1};
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200)).until(() -> {
                long now = rowsWritten.get();
                boolean stalled = now > 0 && now == previous[0];
                previous[0] = now;
                return stalled;
            });
            long stalledAt = rowsWritten.get();
            // ~90 bytes a row: what is in flight fits the buffers (ours, Jackson's, Helidon's, two sockets).
            assertThat(stalledAt * 90).isLessThan(1_000_000);
            assertThat(registry.get("keel.streams.active").tag("stream", "test_big").gauge().value()).isEqualTo(1);
            assertThat(outcomes).isEmpty();

            long received = drainChunkedResponse(socket.getInputStream());
            assertThat(outcomes.poll(5, TimeUnit.SECONDS)).isEqualTo("done");
            assertThat(rowsWritten.get()).isEqualTo(BIG_ROWS);
            assertThat(received).isGreaterThan(BIG_ROWS * 85L);
        }
    }

    @Test
    void aClientThatDisconnectsStopsTheProducerWithClientGone() throws Exception {
        try (Socket socket = RawHttp.connect(server.port(), 4096)) {
            RawHttp.send(socket, "GET /big HTTP/1.1\r\nHost: localhost\r\nX-Rows: 100000000\r\n\r\n");
            socket.getInputStream().readNBytes(10_000);
            socket.setSoLinger(true, 0); // reset, like a killed browser tab
        }
        Object outcome = outcomes.poll(5, TimeUnit.SECONDS);

        assertThat(outcome).isInstanceOf(ClientGoneException.class);
        assertThat(rowsWritten.get()).isLessThan(100_000);
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(
                registry.get("keel.streams.active").tag("stream", "test_big").gauge().value()).isZero());
    }

    @Test
    void badRowsAreRejected() {
        CsvRowWriter csv = CsvRowWriter.create(OutputStream.nullOutputStream(), List.of("a", "b"));
        assertThatThrownBy(() -> csv.row(1)).hasMessageContaining("1 cells, header has 2");
        assertThatThrownBy(() -> csv.row(1, null)).hasMessageContaining("null");
        assertThatThrownBy(() -> streams.open("Bad Name", OutputStream.nullOutputStream()))
                .hasMessageContaining("Bad Name");
        assertThatThrownBy(() -> new RowStreams.Config(10)).hasMessageContaining("bufferBytes");
    }

    @Test
    void neutraliseOnlyTouchesFormulaTriggers() {
        assertThat(CsvRowWriter.neutralise("=1+1")).isEqualTo("'=1+1");
        assertThat(CsvRowWriter.neutralise("a=1")).isEqualTo("a=1");
        assertThat(CsvRowWriter.neutralise("")).isEmpty();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    /** Reads until the terminating chunk; the server keeps the connection open afterwards. */
    private static long drainChunkedResponse(InputStream in) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        byte[] end = "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] tail = new byte[end.length];
        long total = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
            total += n;
            for (int i = 0; i < n; i++) {
                System.arraycopy(tail, 1, tail, 0, tail.length - 1);
                tail[tail.length - 1] = buffer[i];
            }
            if (Arrays.equals(tail, end)) {
                return total;
            }
        }
        throw new IOException("Connection closed before the terminating chunk after " + total + " bytes");
    }
}
