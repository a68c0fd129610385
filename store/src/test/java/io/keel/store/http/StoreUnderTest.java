package io.keel.store.http;

import io.keel.runtime.config.Settings;
import io.keel.store.StoreService;
import io.keel.store.catalog.Product;
import io.keel.store.catalog.ProductRepository;
import io.keel.store.db.TestDatabase;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real {@link StoreService} on 127.0.0.1 and a free port, with its own database: an H2 file under a fresh data
 * directory, or a fresh random schema in the PostgreSQL database of {@code KEEL_TEST_PG_URL} (dropped on close, since
 * other workers share that database). Password hashing is made cheap so sign-ups take milliseconds. One per test
 * class; not thread-safe to start or close, safe to use from many threads in between.
 */
final class StoreUnderTest implements AutoCloseable {
    static final String OPERATOR_TOKEN = "op-token";

    private final StoreService service;
    private final Path dataDir;
    private final Optional<TestDatabase> schema;
    private final Api api;
    private final AtomicInteger skus = new AtomicInteger();

    private StoreUnderTest(StoreService service, Path dataDir, Optional<TestDatabase> schema) {
        this.service = service;
        this.dataDir = dataDir;
        this.schema = schema;
        this.api = Api.of(service.port());
    }

    static StoreUnderTest start(Backend backend) {
        return start(backend, Map.of());
    }

    /** Starts a store; {@code overrides} replace or add settings (e.g. {@code seed-orders}, {@code cpu-threads}). */
    static StoreUnderTest start(Backend backend, Map<String, String> overrides) {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("keel-store-http");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Optional<TestDatabase> schema = backend == Backend.POSTGRES ? Optional.of(TestDatabase.postgres())
                : Optional.empty();
        Map<String, String> settings = new HashMap<>(Map.of(
                "port", "0",
                "host", "127.0.0.1",
                "data-dir", dataDir.toString(),
                "admin-token", OPERATOR_TOKEN,
                "password-memory-kib", "1024",
                "password-iterations", "1",
                "seed-orders", "0",
                // Every request comes from 127.0.0.1, so the per-client sign-in throttle would otherwise lock out
                // a whole test class after a few deliberate failures; the throttle test starts its own store.
                "login-max-failures", "1000", "login-address-max-failures", "1000"));
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

    Api api() {
        return api;
    }

    int port() {
        return service.port();
    }

    Path dataDir() {
        return dataDir;
    }

    StoreService service() {
        return service;
    }

    /** Adds a product straight to the catalog, with a unique sku. */
    Product product(long priceCents, String currency) {
        return new ProductRepository(service.database().dataSource())
                .create("T-" + currency + "-" + skus.incrementAndGet(), "Test product " + skus.get(), priceCents,
                        currency);
    }

    /** Runs a query returning one number, e.g. a row count. */
    long count(String sql, Object... params) {
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
    int update(String sql, Object... params) {
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

    @Override
    public void close() {
        try {
            service.close();
        } finally {
            schema.ifPresent(TestDatabase::close);
            deleteRecursively(dataDir);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
