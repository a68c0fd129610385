package io.keel.store.events;

import io.keel.store.db.TestDatabase;
import io.keel.store.http.StoreUnderTest;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.util.Map;

/** Every order event test with the events read from PostgreSQL (LISTEN/NOTIFY and the orders table). */
@EnabledIfEnvironmentVariable(named = TestDatabase.PG_URL_ENV, matches = ".+")
class OrderEventsPostgresTest extends OrderEventsHttpTest {
    @Override
    protected StoreUnderTest start(Map<String, String> settings) {
        return StoreUnderTest.postgres(settings);
    }
}
