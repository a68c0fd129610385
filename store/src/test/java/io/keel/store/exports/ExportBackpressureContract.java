package io.keel.store.exports;

import io.keel.store.http.StoreUnderTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A slow export reader holds the query back instead of the heap filling, and a reader that leaves ends the query and
 * frees its pooled connection at once: over real sockets against a real store, on every supported database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ExportBackpressureContract {
    /** About 13 MB of NDJSON: far more than the socket buffers between server and client can hide. */
    static final int ORDERS = 100_000;

    private StoreUnderTest store;

    protected abstract StoreUnderTest openStore(Map<String, String> settings);

    @BeforeAll
    void startStore() {
        store = openStore(Map.of("seed-orders", "20"));
        store.generateOrders(ORDERS);
    }

    @AfterAll
    void stopStore() {
        store.close();
    }

    private Socket requestExport() throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096); // before connect, so the TCP window starts small
        socket.connect(new InetSocketAddress("127.0.0.1", store.port()), 5_000);
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET /api/orders/export?format=ndjson HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + StoreUnderTest.OPERATOR_TOKEN + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    @Test
    void aClientThatStopsReadingHoldsTheQueryAndOneThatLeavesEndsItAtOnce() throws IOException {
        double abortedBefore = store.counter("keel.orders.export.aborted");
        double rowsBefore = store.counter("keel.orders.export.rows");
        try (Socket socket = requestExport()) {
            InputStream in = socket.getInputStream();
            byte[] first = in.readNBytes(2048);
            assertThat(new String(first, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");

            // Backpressure: the export waits for this client, holding its one connection, and does not finish.
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .until(() -> store.activeConnections() == 1);
            assertThat(store.counter("keel.orders.export.rows")).isEqualTo(rowsBefore);
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(store.activeConnections()).isZero();
            assertThat(store.counter("keel.orders.export.aborted")).isEqualTo(abortedBefore + 1);
        });
        assertThat(store.counter("keel.orders.export.rows")).isEqualTo(rowsBefore);
        assertThat(store.service().keel().metrics().find("keel.streams.active").tag("stream", "orders_export")
                .gauge().value()).isZero();
    }

    @Test
    void aClientThatReadsToTheEndGetsEveryRowAndTheConnectionReturns() {
        long lines;
        try (var body = store.send(store.request("/api/orders/export?format=ndjson", StoreUnderTest.OPERATOR_TOKEN),
                HttpResponse.BodyHandlers.ofLines()).body()) {
            lines = body.count();
        }

        assertThat(lines).isEqualTo(store.count("SELECT COUNT(*) FROM orders")).isGreaterThan(ORDERS);
        await().atMost(Duration.ofSeconds(5)).until(() -> store.activeConnections() == 0);
    }
}
