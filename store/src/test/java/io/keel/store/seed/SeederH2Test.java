package io.keel.store.seed;

import io.keel.store.db.TestDatabase;

class SeederH2Test extends SeederContract {
    @Override
    protected TestDatabase openDatabase() {
        return TestDatabase.h2();
    }
}
