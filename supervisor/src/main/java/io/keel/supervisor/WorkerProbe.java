package io.keel.supervisor;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads a worker's figures from its management listener (loopback, no token): {@code /api/stats} for status and
 * memory recycling, {@code /metrics} for the supervisor's merged scrape. Each call is bounded by {@code timeout}; a
 * worker that does not answer in time reads as empty. Thread-safe (the JDK client is).
 */
final class WorkerProbe {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http;
    private final Duration timeout;

    WorkerProbe(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    Optional<WorkerStats> stats(String host, int port) {
        return get(host, port, "/api/stats").map(body -> {
            try {
                return WorkerStats.from(JSON.readTree(body));
            } catch (IOException e) {
                return WorkerStats.NONE;
            }
        });
    }

    Optional<String> metrics(String host, int port) {
        return get(host, port, "/metrics");
    }

    private Optional<String> get(String host, int port, String path) {
        try {
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
                    .timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
            return res.statusCode() == 200 ? Optional.of(res.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
