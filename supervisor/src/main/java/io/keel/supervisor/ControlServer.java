package io.keel.supervisor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The supervisor's control listener (loopback by default): {@code GET /status} (a line per worker), {@code GET
 * /status.json} (the same as JSON), {@code GET /metrics} (the supervisor's own Prometheus figures, then every
 * worker's, labelled {@code worker="<slot>"}) and {@code POST /reload}. Served by the JDK's small HTTP server
 * on one platform thread: requests are rare and short, except a reload, which blocks for its duration.
 */
final class ControlServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;

    ControlServer(String host, int port, Supervisor supervisor) {
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on supervisor port " + host + ":" + port
                    + " (set KEEL_SUPERVISOR_PORT)", e);
        }
        server.setExecutor(Executors.newSingleThreadExecutor(Thread.ofPlatform().name("keel-control").factory()));
        server.createContext("/status", exchange -> answer(exchange, "GET", () -> new Answer(200, status(supervisor))));
        server.createContext("/status.json", exchange -> answer(exchange, "GET",
                () -> new Answer(200, json(rows(supervisor)), "application/json")));
        server.createContext("/metrics", exchange -> answer(exchange, "GET",
                () -> new Answer(200, supervisor.scrape(), "text/plain; version=0.0.4; charset=utf-8")));
        server.createContext("/reload", exchange -> answer(exchange, "POST", () -> {
            try {
                Supervisor.Reload result = supervisor.reload();
                return new Answer(result.ok() ? 200 : 409, result.message() + "\n");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Answer(503, "reload interrupted\n");
            }
        }));
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private record Answer(int status, String body, String contentType) {
        Answer(int status, String body) {
            this(status, body, "text/plain; charset=utf-8");
        }
    }

    private static String json(List<Row> rows) {
        ArrayNode array = JSON.createArrayNode();
        for (Row row : rows) {
            ObjectNode node = JSON.valueToTree(row);
            // NaN is no JSON number: an unknown figure is null
            List<String> unknown = node.properties().stream().filter(e -> e.getValue().isDouble()
                    && Double.isNaN(e.getValue().asDouble())).map(Map.Entry::getKey).toList();
            unknown.forEach(node::putNull);
            array.add(node);
        }
        return array + "\n";
    }

    private static void answer(HttpExchange exchange, String method, Supplier<Answer> handler) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals(method)) {
                exchange.getResponseHeaders().add("Allow", method);
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            Answer answer = handler.get();
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", answer.contentType());
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** The table {@code ./keel status} prints: one line per worker, figures from {@link #rows}. */
    static String status(Supervisor supervisor) {
        StringBuilder out = new StringBuilder();
        String format = "%-7s %-8s %-9s %-8s %-8s %-8s %-8s %-8s %-8s %-8s %-9s %-8s%n";
        out.append(String.format(Locale.ROOT, format, "worker", "pid", "state", "uptime", "restarts", "cpu", "rss",
                "heap", "heap-gc", "req/s", "p99", "lag-p99"));
        for (Row row : rows(supervisor)) {
            out.append(String.format(Locale.ROOT, format, row.worker(), row.pid() < 0 ? "-" : row.pid(), row.state(),
                    seconds(row.uptimeMs()), row.restarts(), seconds(row.cpuMs()), mib((double) row.rssBytes()),
                    mib(row.heapUsedBytes()), mib(row.heapAfterGcBytes()), figure(row.requestsPerSecond(), ""),
                    figure(row.p99Ms(), "ms"), figure(row.schedulerLagP99Ms(), "ms")));
        }
        return out.toString();
    }

    /**
     * One worker as {@code GET /status.json} shows it; a figure not known is -1 (whole numbers) or NaN, written as
     * null. {@code managementPort} is where the worker's own {@code /metrics} and {@code /api/stats} answer;
     * {@code startupMs} the time from its process start (an activated standby: its activation) to its ready line. A
     * standby worker has {@code worker} "standby", slot 0 and state STANDBY once prepared (STARTING before).
     */
    record Row(String worker, int slot, long pid, String state, long uptimeMs, int restarts, long cpuMs,
               long rssBytes, double heapUsedBytes, double heapAfterGcBytes, double requestsPerSecond, double p99Ms,
               double schedulerLagP99Ms, int managementPort, long startupMs) {
    }

    static List<Row> rows(Supervisor supervisor) {
        List<Row> rows = new ArrayList<>();
        for (Supervisor.Slot slot : supervisor.slots()) {
            Worker worker = slot.worker;
            if (slot.givenUp || worker == null) {
                WorkerStats none = WorkerStats.NONE;
                rows.add(new Row(String.valueOf(slot.id), slot.id, -1, slot.givenUp ? "GIVEN_UP" : "BACKOFF", -1,
                        slot.restarts, -1, -1, none.heapUsedBytes(), none.heapAfterGcBytes(),
                        none.requestsPerSecond(), none.p99Ms(), none.schedulerLagP99Ms(), -1, -1));
            } else {
                rows.add(row(String.valueOf(slot.id), worker, slot.restarts));
            }
        }
        for (Worker worker : supervisor.draining()) {
            rows.add(row(worker.slot() + "(old)", worker, 0));
        }
        for (Worker worker : supervisor.standbys()) {
            rows.add(row("standby", worker, 0));
        }
        return rows;
    }

    private static Row row(String id, Worker worker, int restarts) {
        WorkerStats stats = worker.stats();
        return new Row(id, worker.slot(), worker.pid(), worker.state().name(), worker.uptime().toMillis(), restarts,
                worker.cpu().toMillis(), worker.rssBytes(), stats.heapUsedBytes(), stats.heapAfterGcBytes(),
                stats.requestsPerSecond(), stats.p99Ms(), stats.schedulerLagP99Ms(), worker.managementPort(),
                worker.startup().map(Duration::toMillis).orElse(-1L));
    }

    private static String seconds(long millis) {
        return millis < 0 ? "-" : String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
    }

    private static String mib(double bytes) {
        return Double.isNaN(bytes) || bytes < 0 ? "-" : (long) (bytes / (1024 * 1024)) + "MiB";
    }

    private static String figure(double value, String unit) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.1f%s", value, unit);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
