package io.keel.store.exports;

import io.keel.store.db.TestDatabase;
import io.keel.store.http.StoreUnderTest;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.util.List;
import java.util.Map;

@EnabledIfEnvironmentVariable(named = TestDatabase.PG_URL_ENV, matches = ".+")
class ExportSmallHeapPostgresTest extends ExportSmallHeapContract {
    @Override
    protected StoreUnderTest openStore(Map<String, String> settings) {
        return StoreUnderTest.postgres(settings);
    }

    @Override
    protected List<String> databaseFlags(StoreUnderTest store) {
        return List.of("--db-url=" + store.dbUrl());
    }
}
