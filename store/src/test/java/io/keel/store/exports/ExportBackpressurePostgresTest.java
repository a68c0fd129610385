package io.keel.store.exports;

import io.keel.store.db.TestDatabase;
import io.keel.store.http.StoreUnderTest;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.util.Map;

@EnabledIfEnvironmentVariable(named = TestDatabase.PG_URL_ENV, matches = ".+")
class ExportBackpressurePostgresTest extends ExportBackpressureContract {
    @Override
    protected StoreUnderTest openStore(Map<String, String> settings) {
        return StoreUnderTest.postgres(settings);
    }
}
