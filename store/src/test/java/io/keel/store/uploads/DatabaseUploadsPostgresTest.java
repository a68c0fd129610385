package io.keel.store.uploads;

import io.keel.store.db.TestDatabase;
import io.keel.store.http.StoreUnderTest;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.util.Map;

/** Every upload test with the bytes in PostgreSQL in 4 KiB chunks. */
@EnabledIfEnvironmentVariable(named = TestDatabase.PG_URL_ENV, matches = ".+")
class DatabaseUploadsPostgresTest extends UploadsHttpTest {
    @Override
    protected StoreUnderTest start(Map<String, String> settings) {
        return StoreUnderTest.postgres(DatabaseUploadsH2Test.databaseStore(settings));
    }

    @Override
    protected long storedBytes(StoreUnderTest store, String id) {
        return DatabaseUploadsH2Test.chunkBytes(store, id);
    }
}
