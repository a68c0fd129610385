package io.keel.store.db;

class DatabaseH2Test extends DatabaseContract {
    @Override
    protected TestDatabase openDatabase() {
        return TestDatabase.h2();
    }

    @Override
    protected Dialect expectedDialect() {
        return Dialect.H2;
    }
}
