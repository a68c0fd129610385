package io.keel.store.db;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@link Database} promises on every supported database. */
abstract class DatabaseContract extends DatabaseTestBase {
    /** Versioned migrations only: Flyway adds an unversioned schema-creation marker row on some databases. */
    private static final String MIGRATIONS_APPLIED =
            "SELECT COUNT(*) FROM \"flyway_schema_history\" WHERE \"success\" = TRUE AND \"version\" IS NOT NULL";

    protected abstract Dialect expectedDialect();

    @Test
    void migrationsCreateAllTablesEmpty() {
        for (String table : new String[] {"accounts", "sessions", "products", "orders", "order_items", "uploads"}) {
            assertThat(testDb.count("SELECT COUNT(*) FROM " + table)).as(table).isZero();
        }
        assertThat(testDb.count(MIGRATIONS_APPLIED))
                .isEqualTo(migrationFiles());
    }

    @Test
    void theDialectFollowsTheUrl() {
        assertThat(db.dialect()).isEqualTo(expectedDialect());
    }

    @Test
    void pingAnswersTrueWhileTheDatabaseIsReachable() {
        assertThat(db.ping(Duration.ofSeconds(2))).isTrue();
    }

    @Test
    void poolMetricsArePublishedUnderTheHikariNames() {
        assertThat(testDb.registry().find("hikaricp.connections.max").tag("pool", Database.POOL_NAME).gauge())
                .isNotNull()
                .satisfies(gauge -> assertThat(gauge.value()).isEqualTo(TestDatabase.POOL_SIZE));
        assertThat(testDb.registry().find("hikaricp.connections.active").gauge()).isNotNull();
    }

    @Test
    void aClosedDatabaseIsNotReadyAndReopeningDoesNotMigrateAgain() {
        Database second = Database.open(testDb.settings(), new SimpleMeterRegistry());
        second.close();

        assertThat(second.ping(Duration.ofSeconds(1))).isFalse();
        assertThat(testDb.count(MIGRATIONS_APPLIED)).isEqualTo(migrationFiles());
    }

    /** The versioned migrations shipped, counted from the classpath, so adding one needs no edit here. */
    private static long migrationFiles() {
        try (Stream<Path> files = Files.list(Path.of(DatabaseContract.class.getResource("/db/migration").toURI()))) {
            return files.filter(file -> file.getFileName().toString().matches("V\\d+(_\\d+)*__.+\\.sql")).count();
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot list the migrations on the classpath", e);
        }
    }
}
