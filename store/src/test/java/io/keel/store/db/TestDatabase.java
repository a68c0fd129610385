package io.keel.store.db;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A migrated database of its own for one test class: an H2 file database in a fresh temp directory, or a fresh,
 * randomly named schema in the PostgreSQL database named by {@code KEEL_TEST_PG_URL} (other workers share that
 * database, so nothing outside the schema is touched). {@link #close()} deletes it.
 */
public final class TestDatabase implements AutoCloseable {
    public static final String PG_URL_ENV = "KEEL_TEST_PG_URL";
    public static final int POOL_SIZE = 8;

    private final Database database;
    private final SimpleMeterRegistry registry;
    private final DbSettings settings;
    private final Optional<Path> tempDir;
    private final Optional<String> schema;

    private TestDatabase(DbSettings settings, Optional<Path> tempDir, Optional<String> schema) {
        this.settings = settings;
        this.tempDir = tempDir;
        this.schema = schema;
        this.registry = new SimpleMeterRegistry();
        this.database = Database.open(settings, registry);
    }

    public static TestDatabase h2() {
        try {
            Path dir = Files.createTempDirectory("keel-store-test");
            return new TestDatabase(settings("", dir), Optional.of(dir), Optional.empty());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static TestDatabase postgres() {
        String base = settings(System.getenv(PG_URL_ENV), Path.of("unused")).jdbcUrl();
        String schema = "keel_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        execute(base, "CREATE SCHEMA " + schema);
        String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        return new TestDatabase(settings(url, Path.of("unused")), Optional.empty(), Optional.of(schema));
    }

    private static DbSettings settings(String url, Path dir) {
        return new DbSettings(url, "", "", POOL_SIZE, Duration.ofSeconds(10), dir);
    }

    public Database database() {
        return database;
    }

    public SimpleMeterRegistry registry() {
        return registry;
    }

    public DbSettings settings() {
        return settings;
    }

    /** Runs a query returning one number, e.g. {@code SELECT COUNT(*) FROM orders}. */
    public long count(String sql) {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** Runs one update statement, e.g. to put a row into a state older code left behind. */
    public void update(String sql) {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.executeUpdate(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    @Override
    public void close() {
        database.close();
        schema.ifPresent(name -> execute(settings(System.getenv(PG_URL_ENV), Path.of("unused")).jdbcUrl(),
                "DROP SCHEMA " + name + " CASCADE"));
        tempDir.ifPresent(TestDatabase::deleteRecursively);
    }

    private static void execute(String jdbcUrl, String sql) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "");
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
