package io.keel.store.accounts;

import io.keel.store.db.TestDatabase;

class AccountsH2Test extends AccountsContract {
    @Override
    protected TestDatabase openDatabase() {
        return TestDatabase.h2();
    }
}
