package io.keel.store.exports;

import io.keel.store.db.TestDatabase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

@EnabledIfEnvironmentVariable(named = TestDatabase.PG_URL_ENV, matches = ".+")
class ExportSmallHeapPostgresTest extends ExportSmallHeapContract {
    @Override
    protected StoreHarness openStore(Map<String, String> settings) {
        return StoreHarness.postgres(settings);
    }

    @Override
    protected List<String> databaseFlags(StoreHarness store) {
        return List.of("--db-url=" + store.dbUrl());
    }
}
