package io.keel.store.exports;

import io.keel.store.http.StoreUnderTest;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The export's memory does not grow with its size: a store process with a 32 MB heap exports more than 32 MB of
 * NDJSON, completely. The store runs in its own JVM (a heap limit is per process); the orders are generated before
 * it starts, by an in-process store on the same database.
 */
abstract class ExportSmallHeapContract {
    static final long HEAP_BYTES = 32L << 20;
    static final String HEAP = "-Xmx" + (HEAP_BYTES >> 20) + "m";
    /** About 40 MB of NDJSON. */
    static final int ORDERS = 300_000;

    protected abstract StoreUnderTest openStore(Map<String, String> settings);

    /** Settings that make the child process use the same database as {@code store}. */
    protected abstract List<String> databaseFlags(StoreUnderTest store);

    @Test
    void aStoreWithA32MbHeapExportsMoreThanItsHeap() throws Exception {
        try (StoreUnderTest store = openStore(Map.of("seed-orders", "20"))) {
            long started = System.nanoTime();
            store.generateOrders(ORDERS);
            System.out.printf("generated %d orders in %d ms%n", ORDERS, (System.nanoTime() - started) / 1_000_000);
            long rows = store.count("SELECT COUNT(*) FROM orders");
            store.service().close(); // frees the database (the H2 file) for the child; data and schema stay

            int port = freePort();
            Path log = store.dataDir().resolve("child.log");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), HEAP,
                    "-XX:+ExitOnOutOfMemoryError", "-Dkeel.log.format=text",
                    "-cp", System.getProperty("java.class.path"), "io.keel.store.StoreMain", "start"));
            Map<String, String> settings = StoreUnderTest.settings(store.dataDir());
            settings.put("port", Integer.toString(port));
            command.addAll(StoreUnderTest.flags(settings));
            command.addAll(databaseFlags(store));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().keySet().removeIf(name -> name.startsWith("KEEL_"));
            Process child = builder.start();
            try {
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
                awaitReady(http, port, child, log);

                long exportStart = System.nanoTime();
                long[] counted = export(http, port);
                System.out.printf("exported %d rows, %d bytes in %d ms%n", counted[0], counted[1],
                        (System.nanoTime() - exportStart) / 1_000_000);

                assertThat(counted[0]).as("rows").isEqualTo(rows);
                assertThat(counted[1]).as("bytes").isGreaterThan(HEAP_BYTES);
                assertThat(child.isAlive()).as("store process alive after the export").isTrue();
            } finally {
                child.destroy(); // SIGTERM: graceful stop
                if (!child.waitFor(20, TimeUnit.SECONDS)) {
                    child.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
            assertThat(Files.readString(log)).doesNotContain("OutOfMemoryError");
        }
    }

    /** Streams the export without keeping it: returns {rows, bytes}. */
    private static long[] export(HttpClient http, int port) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/api/orders/export?format=ndjson"))
                .header("Authorization", "Bearer " + StoreUnderTest.OPERATOR_TOKEN).timeout(Duration.ofSeconds(60)).build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        long rows = 0;
        long bytes = 0;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(),
                StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                rows++;
                bytes += line.length() + 1;
            }
        }
        return new long[] {rows, bytes};
    }

    private static void awaitReady(HttpClient http, int port, Process child, Path log) throws Exception {
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!child.isAlive()) {
                throw new AssertionError("store process exited: " + Files.readString(log));
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100); // polling a separate process; there is nothing to wait on
        }
        throw new AssertionError("store process not ready within 60 s: " + Files.readString(log));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
