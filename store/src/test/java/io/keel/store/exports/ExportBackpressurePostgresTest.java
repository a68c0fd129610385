package io.keel.store.exports;

import io.keel.store.db.TestDatabase;
import java.util.Map;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

@EnabledIfEnvironmentVariable(named = TestDatabase.PG_URL_ENV, matches = ".+")
class ExportBackpressurePostgresTest extends ExportBackpressureContract {
    @Override
    protected StoreHarness openStore(Map<String, String> settings) {
        return StoreHarness.postgres(settings);
    }
}
