package io.keel.store.accounts;

import io.keel.store.db.TestDatabase;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

@EnabledIfEnvironmentVariable(named = TestDatabase.PG_URL_ENV, matches = ".+")
class AccountsPostgresTest extends AccountsContract {
    @Override
    protected TestDatabase openDatabase() {
        return TestDatabase.postgres();
    }
}
