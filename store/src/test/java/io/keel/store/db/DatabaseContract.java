package io.keel.store.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What {@link Database} promises on every supported database. */
abstract class DatabaseContract extends DatabaseTestBase {
    /** Versioned migrations only: Flyway adds an unversioned schema-creation marker row on some databases. */
    /** The versioned migrations on the class path: every one of them must have been applied, once. */
    private static long migrationFiles() {
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(java.nio.file.Path.of(
                DatabaseContract.class.getResource("/db/migration").toURI()))) {
            return files.filter(f -> f.getFileName().toString().matches("V[0-9_]+__.*\\.sql")).count();
        } catch (java.io.IOException | java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

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
}
