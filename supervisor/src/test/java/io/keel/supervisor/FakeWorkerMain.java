package io.keel.supervisor;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A test-only worker: serves {@code /api/stats} and {@code /metrics} on a management listener like the store's and
 * logs the same start lines, in a JVM that starts in well under a second. The first one started in a directory
 * reports a heap after GC of 300 MiB (a leak), every later one 10 MiB; nothing in the shipped store has such a switch.
 */
public final class FakeWorkerMain {
    private static final long MB = 1024 * 1024;

    private FakeWorkerMain() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(System.getenv("DIR"));
        boolean leaky = claim(dir.resolve("leaky-taken"));
        long heapAfterGc = (leaky ? 300 : 10) * MB;
        String stats = "{\"http\":{\"requestsPerSecond\":42.5,\"latencyP99Ms\":7.25},"
                + "\"memory\":{\"heapUsedBytes\":" + (heapAfterGc + 5 * MB) + ",\"liveDataAfterGcBytes\":"
                + heapAfterGc + "},\"scheduler\":{\"lagP99Ms\":0.5}}";
        String metrics = "# HELP fake_requests_total Requests.\n# TYPE fake_requests_total counter\n"
                + "fake_requests_total{route=\"/x\"} 3.0\n# HELP fake_up Up.\n# TYPE fake_up gauge\nfake_up 1.0\n";
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        server.createContext("/api/stats", exchange -> send(exchange, stats));
        server.createContext("/metrics", exchange -> send(exchange, metrics));
        server.start();
        System.out.println("management listener (metrics, stats, dashboard without a token) at http://127.0.0.1:"
                + server.getAddress().getPort() + "/");
        System.out.println("store ready at http://x (fake" + (leaky ? ", leaky" : "") + ")");
    }

    /** True for the first caller in the directory: creating the file is atomic. */
    private static boolean claim(Path file) {
        try {
            Files.writeString(file, "", StandardOpenOption.CREATE_NEW);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void send(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
