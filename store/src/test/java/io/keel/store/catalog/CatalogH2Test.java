package io.keel.store.catalog;

import io.keel.store.db.TestDatabase;

class CatalogH2Test extends CatalogContract {
    @Override
    protected TestDatabase openDatabase() {
        return TestDatabase.h2();
    }
}
