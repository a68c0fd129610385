package io.keel.store.exports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keel.runtime.config.Settings;
import io.keel.store.StoreService;
import io.keel.store.db.TestDatabase;
import io.micrometer.core.instrument.Gauge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real store on an ephemeral port, on embedded H2 or on a fresh PostgreSQL schema, plus a small HTTP client.
 * Password hashing is made cheap so signing up takes milliseconds. Shared by the stream tests of the store.
 */
public final class StoreHarness implements AutoCloseable {
    public static final String ADMIN_TOKEN = "t0k";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long GENERATE_CHUNK = 50_000;

    private final StoreService service;
    private final Path dataDir;
    private final Optional<TestDatabase> postgres;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicInteger users = new AtomicInteger();

    private StoreHarness(StoreService service, Path dataDir, Optional<TestDatabase> postgres) {
        this.service = service;
        this.dataDir = dataDir;
        this.postgres = postgres;
    }

    /** A store on embedded H2; {@code extra} adds or overrides settings (e.g. {@code seed-orders}). */
    public static StoreHarness h2(Map<String, String> extra) {
        return start(extra, Optional.empty());
    }

    /** A store on a fresh schema of the KEEL_TEST_PG_URL database, dropped on close. */
    public static StoreHarness postgres(Map<String, String> extra) {
        return start(extra, Optional.of(TestDatabase.postgres()));
    }

    private static StoreHarness start(Map<String, String> extra, Optional<TestDatabase> postgres) {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("keel-store-streams");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> settings = new HashMap<>(baseSettings(dataDir));
        postgres.ifPresent(pg -> settings.put("db-url", pg.settings().url()));
        settings.putAll(extra);
        try {
            return new StoreHarness(StoreService.start(Settings.of(settings)), dataDir, postgres);
        } catch (RuntimeException e) {
            postgres.ifPresent(TestDatabase::close);
            deleteRecursively(dataDir);
            throw e;
        }
    }

    /**
     * Another store (its own data directory, port and process state) on this one's database, as a second instance
     * behind a load balancer would be; closing it leaves the database to this one.
     */
    public StoreHarness alongside(Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(extra);
        settings.put("db-url", dbUrl());
        return start(settings, Optional.empty());
    }

    /** Settings for a fast test store in {@code dataDir}. */
    public static Map<String, String> baseSettings(Path dataDir) {
        return Map.of("port", "0", "host", "127.0.0.1", "data-dir", dataDir.toString(), "admin-token", ADMIN_TOKEN,
                "password-memory-kib", "1024", "password-iterations", "1", "shutdown-grace", "2s");
    }

    /** The db-url setting the store runs with; blank for the embedded H2 under the data dir. */
    public String dbUrl() {
        return postgres.map(pg -> pg.settings().url()).orElse("");
    }

    public StoreService service() {
        return service;
    }

    public Path dataDir() {
        return dataDir;
    }

    public int port() {
        return service.port();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + service.port() + path);
    }

    public HttpRequest.Builder request(String path, String token) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + token);
    }

    public <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) {
        try {
            return http.send(request.build(), body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> get(String path, String token) {
        return send(request(path, token).GET(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> postJson(String path, String token, String json) {
        return send(request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)), HttpResponse.BodyHandlers.ofString());
    }

    /** Signs up a new customer and returns a session token for it. */
    public User newUser() {
        String email = "streams" + users.incrementAndGet() + "@example.com";
        HttpResponse<String> created = send(HttpRequest.newBuilder(uri("/api/accounts"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email
                        + "\",\"password\":\"correct horse battery\",\"name\":\"Streamer\"}")),
                HttpResponse.BodyHandlers.ofString());
        check(created, 201);
        HttpResponse<String> session = send(HttpRequest.newBuilder(uri("/api/sessions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email
                        + "\",\"password\":\"correct horse battery\"}")), HttpResponse.BodyHandlers.ofString());
        check(session, 201);
        return new User(json(created.body()).get("id").asLong(), json(session.body()).get("token").asText());
    }

    /** Places an order of one unit of the first seeded product; the store must have been seeded. */
    public JsonNode placeOrder(User user) {
        HttpResponse<String> placed = postJson("/api/orders", user.token(),
                "{\"items\":[{\"productId\":1,\"quantity\":1}]}");
        check(placed, 201);
        return json(placed.body());
    }

    public static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void check(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(response.request().uri() + " answered " + response.statusCode() + ": "
                    + response.body());
        }
    }

    /** Connections the store's pool has lent out right now. */
    public double activeConnections() {
        Gauge gauge = service.keel().metrics().find("hikaricp.connections.active").gauge();
        if (gauge == null) {
            throw new IllegalStateException("no hikaricp.connections.active gauge");
        }
        return gauge.value();
    }

    public double counter(String name) {
        var counter = service.keel().metrics().find(name).counter();
        return counter == null ? 0 : counter.count();
    }

    /** Runs a query returning one number. */
    public long count(String sql) {
        try (Connection connection = service.database().dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /**
     * Adds {@code count} orders in one INSERT ... SELECT the database generates itself (much faster than the seeder,
     * for tests that need volume): users 1..10, one order per second from 2024-01-01, item_count 1..5, no items.
     * The store must have been seeded (it needs customers 1..10).
     */
    public void generateOrders(long count) {
        // Chunks of separate statements: one huge transaction is far slower on H2 (its undo log grows with it).
        for (long first = 1; first <= count; first += GENERATE_CHUNK) {
            long last = Math.min(count, first + GENERATE_CHUNK - 1);
            String rows = service.database().dialect() == io.keel.store.db.Dialect.POSTGRESQL
                    ? "generate_series(" + first + ", " + last + ") AS g(x)"
                    : "SYSTEM_RANGE(" + first + ", " + last + ")";
            String sql = "INSERT INTO orders (user_id, total_cents, currency, status, created_at, item_count)"
                    + " SELECT MOD(x, 10) + 1, MOD(x * 37, 100000), 'USD', 'placed',"
                    + " TIMESTAMP WITH TIME ZONE '2024-01-01 00:00:00+00' + x * INTERVAL '1' SECOND, MOD(x, 5) + 1"
                    + " FROM " + rows;
            try (Connection connection = service.database().dataSource().getConnection();
                 Statement statement = connection.createStatement()) {
                statement.executeUpdate(sql);
            } catch (SQLException e) {
                throw new IllegalStateException(sql, e);
            }
        }
    }

    @Override
    public void close() {
        try {
            service.close();
        } finally {
            postgres.ifPresent(TestDatabase::close);
            deleteRecursively(dataDir);
        }
    }

    public static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A signed-up customer. */
    public record User(long id, String token) {
    }
}
