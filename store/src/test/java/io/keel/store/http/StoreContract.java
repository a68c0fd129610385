package io.keel.store.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import java.util.Map;

/**
 * Base of the HTTP contracts: one real store per test class on the subclass's {@link Backend}. Subclasses named
 * {@code *H2Test} always run; {@code *PostgresTest} ones carry {@code @EnabledIfEnvironmentVariable} on
 * {@code KEEL_TEST_PG_URL}, so without PostgreSQL they are reported as skipped, never as passed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StoreContract {
    protected StoreUnderTest store;
    protected Api api;

    protected abstract Backend backend();

    /** Settings for this class's store on top of {@link StoreUnderTest}'s test defaults. */
    protected Map<String, String> settings() {
        return Map.of();
    }

    @BeforeAll
    void startStore() {
        store = StoreUnderTest.start(backend(), settings());
        api = store.api();
    }

    @AfterAll
    void stopStore() {
        if (store != null) {
            store.close();
        }
    }
}
