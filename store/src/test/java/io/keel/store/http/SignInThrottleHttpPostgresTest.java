package io.keel.store.http;

import io.keel.store.db.TestDatabase;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** Every sign-in throttling test with the failure counts in PostgreSQL, shared by all instances. */
@EnabledIfEnvironmentVariable(named = TestDatabase.PG_URL_ENV, matches = ".+")
class SignInThrottleHttpPostgresTest extends SignInThrottleHttpTest {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
