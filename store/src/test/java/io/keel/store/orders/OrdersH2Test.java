package io.keel.store.orders;

import io.keel.store.db.TestDatabase;

class OrdersH2Test extends OrdersContract {
    @Override
    protected TestDatabase openDatabase() {
        return TestDatabase.h2();
    }
}
