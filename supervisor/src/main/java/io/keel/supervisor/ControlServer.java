package io.keel.supervisor;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The supervisor's control listener (loopback by default): {@code GET /status} (a line per worker), {@code GET
 * /metrics} (the supervisor's own Prometheus figures) and {@code POST /reload}. Served by the JDK's small HTTP server
 * on one platform thread: requests are rare and short, except a reload, which blocks for its duration.
 */
final class ControlServer implements AutoCloseable {
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
        server.createContext("/metrics", exchange -> answer(exchange, "GET",
                () -> new Answer(200, supervisor.metrics().scrape())));
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

    private record Answer(int status, String body) {
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
            exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** The table {@code ./keel status} prints. */
    static String status(Supervisor supervisor) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-6s %-8s %-9s %-9s %-8s %-9s %-9s%n",
                "worker", "pid", "state", "uptime", "restarts", "cpu", "rss"));
        for (Supervisor.Slot slot : supervisor.slots()) {
            Worker worker = slot.worker;
            if (slot.givenUp) {
                out.append(String.format(Locale.ROOT, "%-6d %-8s %-9s %-9s %-8d %-9s %-9s%n", slot.id, "-",
                        "GIVEN_UP", "-", slot.restarts, "-", "-"));
            } else if (worker == null) {
                out.append(String.format(Locale.ROOT, "%-6d %-8s %-9s %-9s %-8d %-9s %-9s%n", slot.id, "-",
                        "BACKOFF", "-", slot.restarts, "-", "-"));
            } else {
                line(out, String.valueOf(slot.id), worker, slot.restarts);
            }
        }
        for (Worker worker : supervisor.draining()) {
            line(out, worker.slot() + "(old)", worker, 0);
        }
        return out.toString();
    }

    private static void line(StringBuilder out, String id, Worker worker, int restarts) {
        long rss = worker.rssBytes();
        out.append(String.format(Locale.ROOT, "%-6s %-8d %-9s %-9s %-8d %-9s %-9s%n", id, worker.pid(),
                worker.state(), seconds(worker.uptime()), restarts, seconds(worker.cpu()),
                rss < 0 ? "-" : rss / (1024 * 1024) + "MiB"));
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
