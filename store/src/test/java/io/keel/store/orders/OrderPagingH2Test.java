package io.keel.store.orders;

import io.keel.store.db.TestDatabase;

class OrderPagingH2Test extends OrderPagingContract {
    @Override
    protected TestDatabase openDatabase() {
        return TestDatabase.h2();
    }
}
