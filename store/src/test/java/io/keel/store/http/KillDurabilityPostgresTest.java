package io.keel.store.http;

import io.keel.store.db.TestDatabase;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

@EnabledIfEnvironmentVariable(named = TestDatabase.PG_URL_ENV, matches = ".+")
class KillDurabilityPostgresTest extends KillDurabilityContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
