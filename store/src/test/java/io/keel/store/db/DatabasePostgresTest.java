package io.keel.store.db;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

@EnabledIfEnvironmentVariable(named = TestDatabase.PG_URL_ENV, matches = ".+")
class DatabasePostgresTest extends DatabaseContract {
    @Override
    protected TestDatabase openDatabase() {
        return TestDatabase.postgres();
    }

    @Override
    protected Dialect expectedDialect() {
        return Dialect.POSTGRESQL;
    }
}
