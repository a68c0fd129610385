package io.keel.store.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keel.runtime.config.Settings;
import io.keel.store.StoreService;
import io.keel.store.catalog.Product;
import io.keel.store.catalog.ProductRepository;
import io.keel.store.db.Dialect;
import io.keel.store.db.TestDatabase;
import io.micrometer.core.instrument.Counter;
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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The store test kit: a real {@link StoreService} on 127.0.0.1 and a free port, with its own database (an H2 file
 * under a fresh data directory, or a fresh random schema in the PostgreSQL database of {@code KEEL_TEST_PG_URL},
 * dropped on close, since other workers share that database), plus an HTTP client and database helpers. Every store
 * a test starts, in this JVM, as a child process ({@link #flags}) or through the launcher ({@link #environment}),
 * starts from the same {@link #settings}. One per test class; not thread-safe to start or close, safe to use from
 * many threads in between.
 */
public final class StoreUnderTest implements AutoCloseable {
    /** The operator token of every test store. */
    public static final String OPERATOR_TOKEN = "op-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long GENERATE_CHUNK = 50_000;

    private final StoreService service;
    private final Path dataDir;
    private final Optional<TestDatabase> schema;
    private final Api api;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicInteger skus = new AtomicInteger();
    private final AtomicInteger users = new AtomicInteger();

    private StoreUnderTest(StoreService service, Path dataDir, Optional<TestDatabase> schema) {
        this.service = service;
        this.dataDir = dataDir;
        this.schema = schema;
        this.api = Api.of(service.port());
    }

    /**
     * The settings of every test store in {@code dataDir}: loopback, any free port, the test operator token, cheap
     * password hashing, no demo data, a short shutdown grace, and sign-in limits a whole test class cannot reach
     * (every request comes from 127.0.0.1; the throttle tests set their own).
     */
    public static Map<String, String> settings(Path dataDir) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("port", "0");
        settings.put("host", "127.0.0.1");
        settings.put("data-dir", dataDir.toString());
        settings.put("admin-token", OPERATOR_TOKEN);
        settings.put("password-memory-kib", "1024");
        settings.put("password-iterations", "1");
        settings.put("seed-orders", "0");
        settings.put("shutdown-grace", "2s");
        settings.put("login-max-failures", "1000");
        settings.put("login-address-max-failures", "1000");
        return settings;
    }

    /** {@code settings} as command-line flags, {@code --key=value}, for a store in a child process. */
    public static List<String> flags(Map<String, String> settings) {
        return settings.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toList();
    }

    /** {@code settings} as {@code KEEL_*} environment variables, for the launcher. */
    public static Map<String, String> environment(Map<String, String> settings) {
        Map<String, String> env = new LinkedHashMap<>();
        settings.forEach((key, value) -> env.put("KEEL_" + key.toUpperCase(Locale.ROOT).replace('-', '_'), value));
        return env;
    }

    public static StoreUnderTest start(Backend backend) {
        return start(backend, Map.of());
    }

    /** A store on embedded H2; {@code overrides} replace or add settings (e.g. {@code seed-orders}). */
    public static StoreUnderTest h2(Map<String, String> overrides) {
        return start(Backend.H2, overrides);
    }

    /** A store on a fresh schema of the KEEL_TEST_PG_URL database, dropped on close. */
    public static StoreUnderTest postgres(Map<String, String> overrides) {
        return start(Backend.POSTGRES, overrides);
    }

    /** Starts a store; {@code overrides} replace or add settings (e.g. {@code seed-orders}, {@code cpu-threads}). */
    public static StoreUnderTest start(Backend backend, Map<String, String> overrides) {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("keel-store-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Optional<TestDatabase> schema = backend == Backend.POSTGRES ? Optional.of(TestDatabase.postgres())
                : Optional.empty();
        Map<String, String> settings = settings(dataDir);
        schema.ifPresent(db -> settings.put("db-url", db.settings().jdbcUrl()));
        settings.putAll(overrides);
        try {
            return new StoreUnderTest(StoreService.start(Settings.of(settings)), dataDir, schema);
        } catch (RuntimeException e) {
            schema.ifPresent(TestDatabase::close);
            deleteRecursively(dataDir);
            throw e;
        }
    }

    /**
     * Another store (its own data directory, port and process state) on this one's database, as a second instance
     * behind a load balancer would be; closing it leaves the database to this one.
     */
    public StoreUnderTest alongside(Map<String, String> overrides) {
        Path otherDir;
        try {
            otherDir = Files.createTempDirectory("keel-store-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> settings = settings(otherDir);
        settings.put("db-url", dbUrl());
        settings.putAll(overrides);
        try {
            return new StoreUnderTest(StoreService.start(Settings.of(settings)), otherDir, Optional.empty());
        } catch (RuntimeException e) {
            deleteRecursively(otherDir);
            throw e;
        }
    }

    public Api api() {
        return api;
    }

    public int port() {
        return service.port();
    }

    public Path dataDir() {
        return dataDir;
    }

    public StoreService service() {
        return service;
    }

    /** The database URL as an operator writes it ({@code db-url}); blank for the embedded H2 under the data dir. */
    public String dbUrl() {
        return schema.map(db -> db.settings().url()).orElse("");
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
        String email = "user" + users.incrementAndGet() + "@example.com";
        HttpResponse<String> created = send(HttpRequest.newBuilder(uri("/api/accounts"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email
                        + "\",\"password\":\"correct horse battery\",\"name\":\"Tester\"}")),
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

    /** Adds a product straight to the catalog, with a unique sku. */
    public Product product(long priceCents, String currency) {
        return new ProductRepository(service.database().dataSource())
                .create("T-" + currency + "-" + skus.incrementAndGet(), "Test product " + skus.get(), priceCents,
                        currency);
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
        Counter counter = service.keel().metrics().find(name).counter();
        return counter == null ? 0 : counter.count();
    }

    /** Runs a query returning one number, e.g. a row count. */
    public long count(String sql, Object... params) {
        try (Connection connection = service.database().dataSource().getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                select.setObject(i + 1, params[i]);
            }
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** Runs an update, e.g. to promote a user to admin; returns the rows changed. */
    public int update(String sql, Object... params) {
        try (Connection connection = service.database().dataSource().getConnection();
             PreparedStatement update = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                update.setObject(i + 1, params[i]);
            }
            return update.executeUpdate();
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
            String rows = service.database().dialect() == Dialect.POSTGRESQL
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
            schema.ifPresent(TestDatabase::close);
            deleteRecursively(dataDir);
        }
    }

    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
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
