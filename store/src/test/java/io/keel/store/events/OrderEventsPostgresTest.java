package io.keel.store.events;

import io.keel.store.db.TestDatabase;
import io.keel.store.exports.StoreHarness;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.util.Map;

/** Every order event test with the events read from PostgreSQL (LISTEN/NOTIFY and the orders table). */
@EnabledIfEnvironmentVariable(named = TestDatabase.PG_URL_ENV, matches = ".+")
class OrderEventsPostgresTest extends OrderEventsHttpTest {
    @Override
    protected StoreHarness start(Map<String, String> settings) {
        return StoreHarness.postgres(settings);
    }
}
