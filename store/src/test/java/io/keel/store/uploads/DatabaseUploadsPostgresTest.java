package io.keel.store.uploads;

import io.keel.store.db.TestDatabase;
import io.keel.store.exports.StoreHarness;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.util.Map;

/** Every upload test with the bytes in PostgreSQL in 4 KiB chunks. */
@EnabledIfEnvironmentVariable(named = TestDatabase.PG_URL_ENV, matches = ".+")
class DatabaseUploadsPostgresTest extends UploadsHttpTest {
    @Override
    protected StoreHarness start(Map<String, String> settings) {
        return StoreHarness.postgres(DatabaseUploadsH2Test.databaseStore(settings));
    }

    @Override
    protected long storedBytes(StoreHarness store, String id) {
        return DatabaseUploadsH2Test.chunkBytes(store, id);
    }
}
