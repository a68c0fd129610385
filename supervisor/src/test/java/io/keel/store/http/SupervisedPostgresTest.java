package io.keel.store.http;

import io.keel.store.db.TestDatabase;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

@EnabledIfEnvironmentVariable(named = TestDatabase.PG_URL_ENV, matches = ".+")
class SupervisedPostgresTest extends SupervisedStoreContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }

    @Override
    protected int workers() {
        return 2;
    }
}
