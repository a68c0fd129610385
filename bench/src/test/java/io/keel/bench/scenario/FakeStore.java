package io.keel.bench.scenario;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The smallest store that lets dev-light run: accounts, sessions, products, orders, metrics. Everything else is 404,
 * like a service whose heavy routes are not written yet.
 */
public final class FakeStore implements AutoCloseable {
    private final HttpServer server;
    private final AtomicInteger orders = new AtomicInteger();
    private volatile String metricsAuthorization = "";

    public FakeStore() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 500);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    /** The Authorization header of the last /metrics scrape ("null" without one). */
    public String metricsAuthorization() {
        return metricsAuthorization;
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange ex) throws IOException {
        String m = ex.getRequestMethod();
        String p = ex.getRequestURI().getPath();
        boolean authed = "Bearer t1".equals(ex.getRequestHeaders().getFirst("Authorization"));
        if (m.equals("POST") && p.equals("/api/accounts")) {
            reply(ex, 201, "{\"id\":1,\"email\":\"x\",\"name\":\"Bench\",\"role\":\"customer\"}");
        } else if (m.equals("POST") && p.equals("/api/sessions")) {
            reply(ex, 201, "{\"token\":\"t1\",\"expiresAt\":\"2030-01-01T00:00:00Z\"}");
        } else if (m.equals("GET") && p.equals("/api/products")) {
            reply(ex, 200, "{\"items\":[{\"id\":7,\"sku\":\"a\"},{\"id\":8,\"sku\":\"b\"}],\"next\":null}");
        } else if (m.equals("POST") && p.equals("/api/orders")) {
            reply(ex, authed ? 201 : 401, "{\"id\":" + orders.incrementAndGet() + "}");
        } else if (m.equals("GET") && p.matches("/api/orders/\\d+")) {
            reply(ex, authed ? 200 : 401, "{\"id\":1,\"status\":\"placed\"}");
        } else if (m.equals("GET") && p.equals("/metrics")) {
            metricsAuthorization = String.valueOf(ex.getRequestHeaders().getFirst("Authorization"));
            reply(ex, 200, "jvm_memory_used_bytes{area=\"heap\",id=\"eden\"} 4.2E7\nkeel_scheduler_lag_seconds 0.003\n");
        } else {
            // Unknown route: answer without reading a possibly huge body, then drop the connection.
            ex.getResponseHeaders().add("Connection", "close");
            reply(ex, 404, "{\"status\":404}");
        }
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        if (status != 404) {
            ex.getRequestBody().readAllBytes();
        }
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
